import AiopsCore

#if canImport(Glibc)
    import Glibc
#endif

/// Finds parents that create processes in a storm: counts each parent's forks in short steps,
/// and at the end of every step judges the sliding window of the last `windowSeconds` against
/// an absolute floor and the parent's own baseline (an exponentially weighted mean of the steps
/// that left the window). Each episode is reported twice: when it starts, with the rate of the
/// storm so far, and when it ends, with its peak rate and its total.
///
/// A sliding window, not fixed ones: with fixed 5 s windows a 500/s storm that began 1.1 s
/// before its window closed was reported as 91/s, and a 1 s burst of 400/s split over two
/// windows (200 + 200 = 40/s each) was missed.
///
/// Feed it process creations only (child tgid == child pid): threads are not processes, and a
/// thread pool starting up would otherwise look like a storm.
///
/// `recordFork` is called for every fork of a storm (100k/s): a division, a comparison and two
/// increments. The judging is done once per step, for the parents whose window holds forks.
/// Memory is bounded by `maximumParents`; parents idle for `forgetIdleSeconds` are dropped.
///
/// Limitation: it judges parents one by one. A fork bomb, where every child forks in turn,
/// spreads its forks over thousands of parents with a few each, and no single parent storms.
public struct ForkStormDetector: Sendable {
    public struct Configuration: Hashable, Sendable {
        /// Length of the sliding window. 5 s: long enough that a short burst (a shell script's
        /// loop, `make -j` starting its jobs) is averaged out.
        public var windowSeconds = 5.0
        /// How far the window slides at a time: a storm is seen a quarter of a second after it
        /// crosses the threshold.
        public var stepSeconds = 0.25
        /// The shortest span a reported rate is measured over: shorter spans make a handful of
        /// forks in one instant look like thousands per second.
        public var shortestRateSpanSeconds = 0.5
        /// Processes per second from one parent that is a storm whatever its habit: 50/s is 250
        /// processes in a window — well above what services and interactive work create,
        /// reached only by build systems, configure scripts and runaway loops.
        public var minimumRate = 50.0
        /// …and this multiple of the parent's own baseline: a parent that always creates 20/s is
        /// judged against 200/s, so a busy but steady parent is not a storm.
        public var baselineMultiple = 10.0
        /// Age at which a step's weight in the baseline halves. A minute keeps the habit of the
        /// last few minutes.
        public var baselineHalfLifeSeconds = 60.0
        /// An episode ends when the window's rate falls below this share of the threshold that
        /// started it: a rate hovering at the threshold is one storm, not many.
        public var episodeEndFraction = 0.5
        /// A parent that created nothing for this long is forgotten. After five half-lives its
        /// baseline has decayed to 3%, so forgetting it (baseline 0) changes almost nothing.
        public var forgetIdleSeconds = 300.0
        /// Parents tracked at once: about 150 bytes each, 2.5 MiB in all.
        public var maximumParents = 16_384

        public init() {}
    }

    fileprivate struct Episode: Sendable {
        /// The start of its first step at storm rate, and the end of its last one: the parent's
        /// usual forks around a storm are not the storm.
        var start: BootInstant
        var lastBusyEnd: BootInstant
        var forks: Int
        var peakRate: Double
        /// The threshold it crossed: the baseline is frozen during a storm (judged against
        /// itself, a storm would excuse itself within seconds).
        var threshold: Double
    }

    fileprivate struct Parent: Sendable {
        /// Forks per step, a ring: the slot of step s is s % counts.count.
        var counts: [UInt32]
        /// The step the ring's newest slot holds.
        var newestStep: UInt64
        var baselineRate = 0.0
        /// Steps before this one held forks of an episode: they are not the parent's habit.
        var learnFrom: UInt64 = 0
        var episode: Episode?
        var lastFork: BootInstant
    }

    public let configuration: Configuration
    /// Forks not counted because the table of parents was full (a fork bomb): counted here so
    /// the monitor can say so.
    public private(set) var untrackedForks = 0
    /// Parents dropped to make room (not counting idle ones forgotten).
    public private(set) var evictions = 0
    private var parents: [ProcessKey: Parent] = [:]
    private let stepNanoseconds: UInt64
    private let windowSteps: Int
    private let shortestSpanSteps: Int
    private let ring: Ring
    /// The step being filled; the ones before it are closed. nil before the first fork.
    private var openStep: UInt64?
    private var found: [ForkStorm] = []

    public init(configuration: Configuration = Configuration()) {
        var configuration = configuration
        configuration.stepSeconds = max(configuration.stepSeconds, 0.001)
        configuration.windowSeconds = max(configuration.windowSeconds, configuration.stepSeconds)
        configuration.maximumParents = max(configuration.maximumParents, 1)
        self.configuration = configuration
        stepNanoseconds = UInt64(configuration.stepSeconds * 1e9)
        windowSteps = max(1, Int((configuration.windowSeconds / configuration.stepSeconds).rounded()))
        shortestSpanSteps = min(
            windowSteps,
            max(1, Int((configuration.shortestRateSpanSeconds / configuration.stepSeconds).rounded())))
        ring = Ring(
            steps: windowSteps, stepSeconds: configuration.stepSeconds,
            keep: pow(0.5, configuration.stepSeconds / max(configuration.baselineHalfLifeSeconds, 1e-9)))
    }

    /// Parents currently remembered.
    public var trackedParents: Int { parents.count }

    /// One process created by `parent`. A fork that arrives late (stamped before the open step)
    /// counts in the open step.
    public mutating func recordFork(parent: ProcessKey, at time: BootInstant) {
        let step = time.nanoseconds / stepNanoseconds
        if let open = openStep, step > open { closeSteps(before: step) }
        let current = openStep ?? step
        openStep = current
        if let index = parents.index(forKey: parent) {
            parents.values[index].add(at: current, ring: ring, time: time)
        } else if parents.count < configuration.maximumParents {
            var counts = [UInt32](repeating: 0, count: windowSteps)
            counts[Int(current % UInt64(windowSteps))] = 1
            parents[parent] = Parent(counts: counts, newestStep: current, learnFrom: current, lastFork: time)
        } else {
            untrackedForks += 1
        }
    }

    /// Judges the steps that ended by `now` and returns the storms that started or ended.
    public mutating func evaluate(now: BootInstant) -> [ForkStorm] {
        let step = now.nanoseconds / stepNanoseconds
        if let open = openStep, step > open { closeSteps(before: step) }
        defer { found = [] }
        return found
    }

    /// The parent exited: a storm it was in ends with it.
    public mutating func forget(_ parent: ProcessKey) {
        guard let removed = parents.removeValue(forKey: parent), let episode = removed.episode else { return }
        found.append(
            ended(
                episode, parent: parent, baseline: removed.baselineRate, lastFork: removed.lastFork,
                at: removed.lastFork))
    }

    /// Judges every step from the open one up to (not including) `step`, which becomes the open
    /// one. A parent whose window is empty and who is in no storm needs no judging: its ring and
    /// baseline catch up when it forks again.
    private mutating func closeSteps(before step: UInt64) {
        guard let first = openStep else { return }
        openStep = step
        let now = BootInstant(nanoseconds: step * stepNanoseconds)
        var idle: [ProcessKey] = []
        for index in parents.indices {
            let key = parents.keys[index]
            let active =
                parents.values[index].episode != nil
                || parents.values[index].newestStep + UInt64(windowSteps) > first
            if active {
                // After `windowSteps` steps the window holds only steps with no fork: an episode
                // has ended by then, and nothing more can change.
                let last = min(step - 1, first + UInt64(windowSteps))
                for closed in first...last {
                    judge(index, key: key, closedStep: closed)
                }
            }
            let parent = parents.values[index]
            if parent.episode == nil && now.seconds(since: parent.lastFork) >= configuration.forgetIdleSeconds
            {
                idle.append(key)
            }
        }
        for key in idle { parents[key] = nil }
        shrinkIfFull()
    }

    /// The window of one parent at the end of `closedStep`: an episode starts or ends.
    private mutating func judge(
        _ index: Dictionary<ProcessKey, Parent>.Index, key: ProcessKey, closedStep: UInt64
    ) {
        parents.values[index].advance(to: closedStep, ring: ring)
        let parent = parents.values[index]
        let end = BootInstant(nanoseconds: (closedStep + 1) * stepNanoseconds)
        let windowForks = parent.counts.reduce(0) { $0 + Int($1) }
        let windowRate = Double(windowForks) / configuration.windowSeconds
        let recent = densestRecentRate(parent)
        if var episode = parent.episode {
            episode.peakRate = max(episode.peakRate, recent)
            if Double(parent.counts[Int(closedStep % UInt64(windowSteps))])
                >= busyStepForks(episode.threshold)
            {
                episode.lastBusyEnd = end
            }
            if windowRate < configuration.episodeEndFraction * episode.threshold {
                found.append(
                    ended(
                        episode, parent: key, baseline: parent.baselineRate, lastFork: parent.lastFork,
                        at: end))
                parents.values[index].episode = nil
                parents.values[index].learnFrom = closedStep + 1
            } else {
                parents.values[index].episode = episode
            }
            return
        }
        let threshold = max(configuration.minimumRate, configuration.baselineMultiple * parent.baselineRate)
        guard windowRate >= threshold else { return }
        parents.values[index].episode = Episode(
            start: firstBusyStepStart(parent, threshold: threshold), lastBusyEnd: end, forks: windowForks,
            peakRate: recent, threshold: threshold)
        found.append(
            ForkStorm(
                phase: .started, parent: key, rate: recent, baselineRate: parent.baselineRate,
                windowSeconds: configuration.windowSeconds, forks: windowForks, time: end))
    }

    /// The end of an episode, judged at `end`. It lasted from its first step at storm rate to its
    /// last one (or its last fork, when the parent exited): the window takes a few seconds more
    /// to drain, and that is not the storm's.
    private func ended(
        _ episode: Episode, parent: ProcessKey, baseline: Double, lastFork: BootInstant, at end: BootInstant
    )
        -> ForkStorm
    {
        let last = min(episode.lastBusyEnd, max(lastFork, episode.start))
        return ForkStorm(
            phase: .ended(durationSeconds: max(0, last.seconds(since: episode.start))), parent: parent,
            rate: episode.peakRate, baselineRate: baseline, windowSeconds: configuration.windowSeconds,
            forks: episode.forks, time: end)
    }

    /// The highest rate over the spans that end at the newest step and last at least
    /// `shortestRateSpanSeconds`: the rate of a storm younger than the window, undiluted.
    private func densestRecentRate(_ parent: Parent) -> Double {
        var forks = 0
        var best = 0.0
        for back in 0..<windowSteps {
            let step = Int((parent.newestStep &- UInt64(back)) % UInt64(windowSteps))
            forks += Int(parent.counts[step])
            if back + 1 >= shortestSpanSteps {
                best = max(best, Double(forks) / (Double(back + 1) * configuration.stepSeconds))
            }
        }
        return best
    }

    /// Forks in one step at the storm's rate: a step with as many is part of the storm.
    private func busyStepForks(_ threshold: Double) -> Double {
        threshold * configuration.stepSeconds
    }

    /// Where the oldest step of the window at the storm's rate began.
    private func firstBusyStepStart(_ parent: Parent, threshold: Double) -> BootInstant {
        var oldest = parent.newestStep
        for back in 0..<UInt64(windowSteps) where parent.newestStep >= back {
            let step = parent.newestStep - back
            if Double(parent.counts[Int(step % UInt64(windowSteps))]) >= busyStepForks(threshold) {
                oldest = step
            }
        }
        return BootInstant(nanoseconds: oldest * stepNanoseconds)
    }

    /// At the limit, drops the quarter of parents with the lowest baselines (least likely to
    /// matter), so a flood of new parents does not evict on every fork.
    private mutating func shrinkIfFull() {
        guard parents.count >= configuration.maximumParents else { return }
        let drop = parents.count - configuration.maximumParents * 3 / 4
        let quietest = parents.filter { $0.value.episode == nil }.sorted {
            $0.value.baselineRate < $1.value.baselineRate
        }
        for (key, _) in quietest.prefix(drop) { parents[key] = nil }
        evictions += min(drop, quietest.count)
    }
}

/// The shape of every parent's ring of counts.
private struct Ring: Sendable {
    var steps: Int
    var stepSeconds: Double
    /// Weight the baseline keeps per step.
    var keep: Double
}

extension ForkStormDetector.Parent {
    /// One fork in `step` (the open one, never older than the ring's newest).
    fileprivate mutating func add(at step: UInt64, ring: Ring, time: BootInstant) {
        advance(to: step, ring: ring)
        counts[Int(newestStep % UInt64(ring.steps))] &+= 1
        lastFork = time
        episode?.forks += 1
    }

    /// Slides the ring forward to `step`. Each step that leaves the window becomes part of the
    /// baseline, unless it belongs to a storm; steps that passed unseen count as empty.
    fileprivate mutating func advance(to step: UInt64, ring: Ring) {
        guard step > newestStep else { return }
        let width = UInt64(ring.steps)
        let moves = step - newestStep
        for next in (newestStep + 1)...(newestStep + min(moves, width)) {
            let slot = Int(next % width)
            if episode == nil && next >= width && next - width >= learnFrom {
                baselineRate =
                    ring.keep * baselineRate + (1 - ring.keep) * Double(counts[slot]) / ring.stepSeconds
            }
            counts[slot] = 0
        }
        if moves > width, episode == nil {
            // Whole windows with no fork at all: the baseline decays towards 0.
            baselineRate *= pow(ring.keep, Double(moves - width))
        }
        newestStep = step
    }
}
