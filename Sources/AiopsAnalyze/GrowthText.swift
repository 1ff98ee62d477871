/// What a growth analysis says, in the words an operator reads: the slope with its unit, how
/// well a straight line fits, over what window and how many samples, and the verdict — never
/// more sure than the numbers allow.
extension GrowthAnalysis {
    public enum Unit: Sendable {
        case bytes
        /// A count, named: "fds", "threads".
        case count(String)

        func amount(_ value: Double) -> String {
            switch self {
            case .bytes: return QuantityText.bytes(value)
            case .count(let noun):
                // Whole counts as whole numbers; a fractional slope keeps a decimal below 10.
                let tenths = (value * 10).rounded() / 10
                let digits = tenths == tenths.rounded() || abs(value) >= 10 ? 0 : 1
                return "\(QuantityText.decimal(value, digits: digits)) \(noun)"
            }
        }
    }

    /// e.g. "growing 12.3 MiB/min (± 0.4 MiB), R² 0.98 over 60 s, 20 samples: likely a leak".
    public func summary(unit: Unit) -> String {
        let span =
            "over \(QuantityText.decimal(windowSeconds, digits: windowSeconds < 10 ? 1 : 0)) s, \(samples) samples"
        let rate = slopePerMinute.map { slope -> String in
            var text = unit.amount(slope) + "/min"
            if let margin = slopeMarginPerMinute, margin.isFinite, margin > 0 {
                text += " (± \(unit.amount(margin)))"
            }
            return text
        }
        let fit = rSquared.map { "R² \(QuantityText.decimal($0, digits: 2))" } ?? "flat"
        switch verdict {
        case .tooFewSamples:
            return "too few samples to tell (\(samples) sample\(samples == 1 ? "" : "s"); need at least 3)"
        case .noGrowth:
            let change = fittedGrowth.map { "changed \(unit.amount($0)), " } ?? ""
            return "no sustained growth (\(change)\(span))"
        case .shrinking:
            return "shrinking \(rate ?? "?"), \(fit) \(span): not a leak"
        case .irregular:
            return
                "moved \(fittedGrowth.map { unit.amount($0) } ?? "?") but irregularly (\(fit), \(span)): no sustained trend"
        case .growingTooShort:
            return "growing \(rate ?? "?"), \(fit) \(span): too short to tell a leak from warm-up"
        case .possibleLeak:
            return "growing \(rate ?? "?"), \(fit) \(span): possibly a leak (uneven growth)"
        case .likelyLeak:
            return "growing \(rate ?? "?"), \(fit) \(span): likely a leak"
        }
    }
}
