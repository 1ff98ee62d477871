import AiopsCore

#if canImport(Glibc)
    import Glibc
#endif

/// Finds parents that create processes in a storm: counts each parent's forks in fixed windows
/// and, when a window closes, compares its rate with an absolute floor and with the parent's
/// own baseline (an exponentially weighted mean of its past windows). One report per episode.
///
/// Feed it process creations only (child tgid == child pid): threads are not processes, and a
/// thread pool starting up would otherwise look like a storm.
///
/// `recordFork` is called for every fork of a storm (100k/s): it is one comparison and one
/// dictionary update. All the work is done once per window, in proportion to the parents that
/// forked. Memory is bounded by `maximumParents`; parents idle for `forgetIdleSeconds` are
/// dropped.
///
/// Limitation: it judges parents one by one. A fork bomb, where every child forks in turn,
/// spreads its forks over thousands of parents with a few each, and no single parent storms.
public struct ForkStormDetector: Sendable {
    public struct Configuration: Hashable, Sendable {
        /// Length of a counting window. 5 s: long enough that a short burst (a shell script's
        /// loop, `make -j` starting its jobs) is averaged out, short enough to report a storm
        /// while it is still going.
        public var windowSeconds = 5.0
        /// Processes per second from one parent that is a storm whatever its habit: 50/s is 250
        /// processes in a window — well above what services and interactive work create,
        /// reached only by build systems, configure scripts and runaway loops.
        public var minimumRate = 50.0
        /// …and this multiple of the parent's own baseline: a parent that always creates 20/s is
        /// judged against 200/s, so a busy but steady parent is not a storm.
        public var baselineMultiple = 10.0
        /// Age at which a window's weight in the baseline halves. A minute keeps the habit of
        /// the last few minutes.
        public var baselineHalfLifeSeconds = 60.0
        /// A storm episode ends when a window's rate falls below this share of the rate that
        /// started it as a storm: a rate hovering at the threshold is one storm, not many.
        public var episodeEndFraction = 0.5
        /// A parent that created nothing for this long is forgotten. After five half-lives its
        /// baseline has decayed to 3%, so forgetting it (baseline 0) changes almost nothing.
        public var forgetIdleSeconds = 300.0
        /// Parents tracked at once: about 64 bytes each, 1 MiB in all.
        public var maximumParents = 16_384

        public init() {}
    }

    private struct Parent: Sendable {
        var forks = 0
        var baselineRate = 0.0
        var inStorm = false
        var lastFork: BootInstant
    }

    public let configuration: Configuration
    /// Forks not counted because the table of parents was full (a fork bomb): counted here so
    /// the monitor can say so.
    public private(set) var untrackedForks = 0
    /// Parents dropped to make room (not counting idle ones forgotten).
    public private(set) var evictions = 0
    private var parents: [ProcessKey: Parent] = [:]
    private let windowNanoseconds: UInt64
    /// End of the current window; nil before the first fork.
    private var windowEnd: UInt64?
    private var found: [ForkStorm] = []

    public init(configuration: Configuration = Configuration()) {
        var configuration = configuration
        configuration.windowSeconds = max(configuration.windowSeconds, 0.001)
        configuration.maximumParents = max(configuration.maximumParents, 1)
        self.configuration = configuration
        windowNanoseconds = UInt64(configuration.windowSeconds * 1e9)
    }

    /// Parents currently remembered.
    public var trackedParents: Int { parents.count }

    /// One process created by `parent`. Forks arriving a little late (before the current window)
    /// count in the current window.
    public mutating func recordFork(parent: ProcessKey, at time: BootInstant) {
        if time.nanoseconds >= windowEnd ?? 0 { closeWindows(upTo: time) }
        if let index = parents.index(forKey: parent) {
            parents.values[index].forks += 1
            parents.values[index].lastFork = time
        } else if parents.count < configuration.maximumParents {
            parents[parent] = Parent(forks: 1, lastFork: time)
        } else {
            untrackedForks += 1
        }
    }

    /// Closes the windows that ended by `now` and returns the storms that started in them.
    public mutating func evaluate(now: BootInstant) -> [ForkStorm] {
        if let windowEnd, now.nanoseconds >= windowEnd { closeWindows(upTo: now) }
        defer { found = [] }
        return found
    }

    /// The parent exited.
    public mutating func forget(_ parent: ProcessKey) {
        parents[parent] = nil
    }

    private mutating func closeWindows(upTo time: BootInstant) {
        guard let end = windowEnd else {
            // Windows are aligned to multiples of their length: the same forks give the same
            // windows whenever the detector started.
            windowEnd = time.nanoseconds - time.nanoseconds % windowNanoseconds + windowNanoseconds
            return
        }
        let closed = (time.nanoseconds - end) / windowNanoseconds + 1
        judgeWindow(endingAt: BootInstant(nanoseconds: end), emptyWindowsAfter: closed - 1)
        windowEnd = end + closed * windowNanoseconds
    }

    private mutating func judgeWindow(endingAt end: BootInstant, emptyWindowsAfter empty: UInt64) {
        let keep = pow(0.5, configuration.windowSeconds / max(configuration.baselineHalfLifeSeconds, 1e-9))
        // The last moment known to be in an idle window, for forgetting idle parents.
        let latest = BootInstant(nanoseconds: end.nanoseconds + empty * windowNanoseconds)
        var idle: [ProcessKey] = []
        // In place through indices: iterating the dictionary while assigning to it would copy it.
        for index in parents.indices {
            let key = parents.keys[index]
            if let storm = Self.judge(
                &parents.values[index], key: key, end: end, emptyWindowsAfter: empty, keep: keep,
                configuration: configuration), found.count < configuration.maximumParents
            {
                found.append(storm)
            }
            let parent = parents.values[index]
            if !parent.inStorm && latest.seconds(since: parent.lastFork) >= configuration.forgetIdleSeconds {
                idle.append(key)
            }
        }
        for key in idle { parents[key] = nil }
        shrinkIfFull()
    }

    /// Closes one parent's window (and the empty ones after it); the storm if one starts.
    private static func judge(
        _ parent: inout Parent, key: ProcessKey, end: BootInstant, emptyWindowsAfter empty: UInt64,
        keep: Double, configuration: Configuration
    ) -> ForkStorm? {
        defer { parent.forks = 0 }
        let window = configuration.windowSeconds
        let rate = Double(parent.forks) / window
        let threshold = max(configuration.minimumRate, configuration.baselineMultiple * parent.baselineRate)
        var storm: ForkStorm?
        if parent.inStorm {
            // The baseline is frozen during a storm: judged against itself a storm would excuse
            // itself within a couple of windows.
            if rate < configuration.episodeEndFraction * threshold { parent.inStorm = false }
        } else if rate >= threshold {
            parent.inStorm = true
            storm = ForkStorm(
                parent: key, rate: rate, baselineRate: parent.baselineRate, windowSeconds: window,
                forks: parent.forks, windowEnd: end)
        } else {
            parent.baselineRate = keep * parent.baselineRate + (1 - keep) * rate
        }
        if empty > 0 {
            // Windows that passed with no fork at all: the first ends a storm (its baseline stays
            // frozen), the others pull the baseline towards 0.
            let decaying = parent.inStorm ? empty - 1 : empty
            parent.inStorm = false
            parent.baselineRate *= pow(keep, Double(decaying))
        }
        return storm
    }

    /// At the limit, drops the quarter of parents with the lowest baselines (least likely to
    /// matter), so a flood of new parents does not evict on every fork.
    private mutating func shrinkIfFull() {
        guard parents.count >= configuration.maximumParents else { return }
        let drop = parents.count - configuration.maximumParents * 3 / 4
        let quietest = parents.filter { !$0.value.inStorm }.sorted {
            $0.value.baselineRate < $1.value.baselineRate
        }
        for (key, _) in quietest.prefix(drop) { parents[key] = nil }
        evictions += min(drop, quietest.count)
    }
}
