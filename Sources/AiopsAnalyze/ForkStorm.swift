import AiopsCore

/// A parent creating processes far faster than an absolute floor and than its own habit: the
/// start of an episode, or its end with what it came to.
public struct ForkStorm: Hashable, Sendable {
    public enum Phase: Hashable, Sendable {
        /// Reported as soon as the sliding window crosses the threshold.
        case started
        /// Reported when the window falls well below it (or the parent exits): `forks` is then
        /// the episode's total and `rate` its peak.
        case ended(durationSeconds: Double)
    }

    public var phase: Phase
    public var parent: ProcessKey
    /// Started: the rate of the storm so far (its densest recent span of at least half a
    /// second), so a storm 1 s old at 500/s reads 500/s, not its average over the window.
    /// Ended: the highest rate seen during the episode, over any span of at least half a second.
    public var rate: Double
    /// The parent's usual rate, from before the storm (0 for a parent first seen).
    public var baselineRate: Double
    /// The sliding window that judged it.
    public var windowSeconds: Double
    /// Started: processes created in the window. Ended: processes created during the episode.
    public var forks: Int
    /// When it was judged (started) or ended.
    public var time: BootInstant

    public init(
        phase: Phase, parent: ProcessKey, rate: Double, baselineRate: Double, windowSeconds: Double,
        forks: Int,
        time: BootInstant
    ) {
        self.phase = phase
        self.parent = parent
        self.rate = rate
        self.baselineRate = baselineRate
        self.windowSeconds = windowSeconds
        self.forks = forks
        self.time = time
    }

    /// "created 2500 processes in 5s (500/s now); usually 1.2/s", or at the end
    /// "created 30000 processes in 1m (peak 520/s); usually 1.2/s".
    public var summary: String {
        let created = QuantityText.count(forks, "process", "processes")
        let usual = baselineRate > 0 ? "usually \(Self.rate(baselineRate))" : "no earlier forks known"
        switch phase {
        case .started:
            let window = DurationText.format(seconds: windowSeconds)
            return "created \(created) in the last \(window) (\(Self.rate(rate)) now); \(usual)"
        case .ended(let duration):
            return
                "created \(created) in \(DurationText.format(seconds: duration)) (peak \(Self.rate(rate))); \(usual)"
        }
    }

    /// "500/s", "1.2/s", "0.05/s".
    static func rate(_ perSecond: Double) -> String {
        let digits = perSecond >= 10 ? 0 : perSecond >= 0.1 ? 1 : 2
        return QuantityText.decimal(perSecond, digits: digits) + "/s"
    }
}
