/// Durations as `systemctl show` prints the *USec properties ("2s", "1min 30s", "200ms",
/// "infinity"), in microseconds.
public enum SystemdTimespan {
    private static let units: [(String, UInt64)] = [
        ("usec", 1), ("us", 1), ("µs", 1), ("msec", 1000), ("ms", 1000), ("seconds", 1_000_000),
        ("second", 1_000_000), ("sec", 1_000_000), ("s", 1_000_000), ("minutes", 60_000_000),
        ("minute", 60_000_000), ("min", 60_000_000), ("m", 60_000_000), ("hours", 3_600_000_000),
        ("hour", 3_600_000_000), ("hr", 3_600_000_000), ("h", 3_600_000_000), ("days", 86_400_000_000),
        ("day", 86_400_000_000), ("d", 86_400_000_000), ("weeks", 604_800_000_000), ("week", 604_800_000_000),
        ("w", 604_800_000_000), ("months", 2_629_800_000_000), ("month", 2_629_800_000_000),
        ("M", 2_629_800_000_000), ("years", 31_557_600_000_000), ("year", 31_557_600_000_000),
        ("y", 31_557_600_000_000),
    ]

    /// nil for "infinity", "" and anything unparsable; a bare number is microseconds.
    public static func parseMicroseconds(_ text: String) -> UInt64? {
        if let plain = UInt64(text) { return plain }
        var total: UInt64 = 0
        var found = false
        for token in text.split(separator: " ") {
            guard let split = token.firstIndex(where: { !($0.isNumber || $0 == ".") }) else { return nil }
            guard let number = Double(token[..<split]), number >= 0 else { return nil }
            let suffix = String(token[split...])
            guard let scale = units.first(where: { $0.0 == suffix })?.1 else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(UInt64(min(number * Double(scale), 1.8e19)))
            guard !overflow else { return nil }
            total = sum
            found = true
        }
        return found ? total : nil
    }
}
