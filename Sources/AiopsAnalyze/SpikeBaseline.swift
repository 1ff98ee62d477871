import AiopsCore

/// One resource of one process judged against its own recent past, with the memory of whether
/// it is in a spike right now.
///
/// Values of a spike are held out of the baseline: a spike judged against itself would raise
/// the bar for the next one and hide that the process returned to normal. If the raised level
/// lasts `newNormalAfter` values it is a change of workload rather than a spike, and the held
/// values enter the baseline, so a process is never judged forever against a past it left.
struct SpikeBaseline: Sendable {
    struct Entry: Sendable {
        /// Start of the period the value describes (the reading itself for a level, the previous
        /// reading for a rate): what "baseline over the last 5m" counts from.
        var since: BootInstant
        var value: Double
    }

    /// What a spike was judged against.
    struct Spike: Sendable {
        var mean: Double
        var samples: Int
        /// The time the baseline's values describe: from the start of the oldest to the newest
        /// reading (the spike itself not included).
        var seconds: Double
    }

    private enum State: Sendable {
        case normal
        /// A spike was reported; its values are held out of the baseline.
        case spike(held: [Entry])
        /// The raised level lasted: its values are the baseline again, but the episode lasts
        /// until the value comes back near the (moving) baseline, so it is not reported twice.
        case newNormal
    }

    private var accepted: RecentWindow<Entry>
    /// The reading the newest accepted value comes from: where the baseline's time ends.
    private var acceptedUntil: BootInstant?
    private var state = State.normal

    init(capacity: Int) {
        accepted = RecentWindow(capacity: capacity)
    }

    /// The baseline a new spike was judged against; nil when `entry` does not start a spike.
    /// Nothing is judged before the baseline holds `minimumSamples` values: until then every
    /// value is part of it.
    mutating func judge(
        _ entry: Entry, at time: BootInstant, rule: SpikeRule, minimumSamples: Int, newNormalAfter: Int
    ) -> Spike? {
        guard accepted.count >= minimumSamples else {
            accept(entry, at: time)
            return nil
        }
        let (mean, deviation) = Self.meanAndDeviation(accepted.elements.map(\.value))
        switch state {
        case .normal:
            if rule.isSpike(entry.value, mean: mean, deviation: deviation) {
                state = .spike(held: [entry])
                let since = accepted.first?.since ?? entry.since
                let seconds = (acceptedUntil ?? since).seconds(since: since)
                return Spike(mean: mean, samples: accepted.count, seconds: seconds)
            }
            accept(entry, at: time)
        case .spike(var held):
            if entry.value < rule.rearmLevel(mean: mean, deviation: deviation) {
                // Back to normal: the held values were the spike and are dropped.
                state = .normal
                accept(entry, at: time)
            } else {
                held.append(entry)
                if held.count >= newNormalAfter {
                    for value in held { accepted.append(value) }
                    acceptedUntil = time
                    state = .newNormal
                } else {
                    state = .spike(held: held)
                }
            }
        case .newNormal:
            if entry.value < rule.rearmLevel(mean: mean, deviation: deviation) {
                state = .normal
            }
            accept(entry, at: time)
        }
        return nil
    }

    private mutating func accept(_ entry: Entry, at time: BootInstant) {
        accepted.append(entry)
        acceptedUntil = time
    }

    /// Mean and sample standard deviation (n − 1: the baseline is a sample of the process's
    /// behaviour, and with 6 values the population formula understates the spread by 9%).
    static func meanAndDeviation(_ values: [Double]) -> (mean: Double, deviation: Double) {
        guard !values.isEmpty else { return (0, 0) }
        let mean = values.reduce(0, +) / Double(values.count)
        guard values.count > 1 else { return (mean, 0) }
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (mean, (squares / Double(values.count - 1)).squareRoot())
    }
}
