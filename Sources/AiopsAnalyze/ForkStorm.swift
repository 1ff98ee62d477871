import AiopsCore

/// A parent creating processes far faster than an absolute floor and than its own habit.
public struct ForkStorm: Hashable, Sendable {
    public var parent: ProcessKey
    /// New processes per second over the window.
    public var rate: Double
    /// The parent's usual rate, from the windows before the storm (0 for a parent first seen).
    public var baselineRate: Double
    public var windowSeconds: Double
    /// Processes created in the window.
    public var forks: Int
    /// When the window ended.
    public var windowEnd: BootInstant

    public init(
        parent: ProcessKey, rate: Double, baselineRate: Double, windowSeconds: Double, forks: Int,
        windowEnd: BootInstant
    ) {
        self.parent = parent
        self.rate = rate
        self.baselineRate = baselineRate
        self.windowSeconds = windowSeconds
        self.forks = forks
        self.windowEnd = windowEnd
    }

    /// e.g. "created 2500 processes in 5s (500/s); usually 1.2/s".
    public var summary: String {
        let created = QuantityText.count(forks, "process", "processes")
        let window = DurationText.format(seconds: windowSeconds)
        let usual = baselineRate > 0 ? "usually \(Self.rate(baselineRate))" : "no earlier forks known"
        return "created \(created) in \(window) (\(Self.rate(rate))); \(usual)"
    }

    /// "500/s", "1.2/s", "0.05/s".
    static func rate(_ perSecond: Double) -> String {
        let digits = perSecond >= 10 ? 0 : perSecond >= 0.1 ? 1 : 2
        return QuantityText.decimal(perSecond, digits: digits) + "/s"
    }
}
