/// When a value is a spike against a baseline of the same process's recent values: it must be
/// far off both relatively (beyond the baseline's own noise, and a multiple of its level) and
/// absolutely (an amount an operator cares about). Each test alone misfires: σ is estimated from
/// a few samples and is often near zero for a quiet process; a multiple of 0.2% CPU is still
/// nothing; an absolute step is ordinary for a process that is always busy.
public struct SpikeRule: Hashable, Sendable {
    /// Standard deviations above the mean. For normal noise 4σ is exceeded about 3 times in
    /// 100,000 samples; σ from 6–30 samples is often underestimated, which is one reason it is
    /// never used alone.
    public var deviations = 4.0
    /// A spike is a change in kind, not a busy moment: the value must be at least this multiple
    /// of the mean. Ordinary load swings stay within the same order of magnitude.
    public var multipleOfMean = 2.0
    /// The smallest increase over the mean worth an alert, in the resource's unit.
    public var absoluteIncrease: Double
    /// After a spike, the value must fall below this share of the way from the mean to the
    /// spike threshold before another spike of the same resource is reported: a value hovering
    /// at the threshold would otherwise alert on every crossing.
    public var rearmFraction = 0.5

    public init(absoluteIncrease: Double) {
        self.absoluteIncrease = absoluteIncrease
    }

    /// The smallest value that is a spike (values must exceed it).
    public func threshold(mean: Double, deviation: Double) -> Double {
        max(mean + deviations * deviation, multipleOfMean * mean, mean + absoluteIncrease)
    }

    public func isSpike(_ value: Double, mean: Double, deviation: Double) -> Bool {
        value > mean + deviations * deviation && value > multipleOfMean * mean
            && value - mean >= absoluteIncrease
    }

    /// Below this, a spike episode is over.
    public func rearmLevel(mean: Double, deviation: Double) -> Double {
        mean + rearmFraction * (threshold(mean: mean, deviation: deviation) - mean)
    }
}
