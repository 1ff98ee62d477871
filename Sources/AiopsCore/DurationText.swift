/// Parses the durations operators type: "30s", "5m", "1h", "2d", "500ms", "1.5s"; a bare number
/// is seconds. Zero, negative, empty, unknown units and values beyond 10 years are rejected, so
/// `--duration 0` or `9223372036854775807s` is a usage error and never an overflow.
public enum DurationText {
    public static let maximumSeconds: Double = 10 * 365 * 86_400

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case empty
        case malformed(String)
        case notPositive(String)
        case tooLarge(String)

        public var description: String {
            switch self {
            case .empty: return "a duration is empty"
            case .malformed(let text):
                return "'\(text)' is not a duration (use e.g. 500ms, 30s, 5m, 2h, 7d)"
            case .notPositive(let text): return "duration '\(text)' must be greater than zero"
            case .tooLarge(let text): return "duration '\(text)' is longer than 10 years"
            }
        }
    }

    /// The duration in nanoseconds.
    public static func parseNanoseconds(_ text: String) throws(ParseError) -> UInt64 {
        let trimmed = text.trimmingWhitespace
        guard !trimmed.isEmpty else { throw .empty }
        let unitStart = trimmed.firstIndex { !($0.isASCII && ($0.isNumber || $0 == ".")) } ?? trimmed.endIndex
        let number = String(trimmed[..<unitStart])
        let unit = String(trimmed[unitStart...]).lowercased()
        let multipliers: [String: Double] = [
            "": 1, "s": 1, "sec": 1, "ms": 1e-3, "us": 1e-6, "m": 60, "min": 60, "h": 3600, "d": 86_400,
        ]
        guard !number.isEmpty, number.filter({ $0 == "." }).count <= 1, number.last != ".",
            let value = Double(number), let multiplier = multipliers[unit]
        else {
            if trimmed.hasPrefix("-") { throw .notPositive(text) }
            throw .malformed(text)
        }
        let seconds = value * multiplier
        guard seconds > 0 else { throw .notPositive(text) }
        guard seconds <= maximumSeconds else { throw .tooLarge(text) }
        let nanoseconds = (seconds * 1e9).rounded()
        guard nanoseconds >= 1 else { throw .notPositive(text) }
        return UInt64(nanoseconds)
    }

    /// "1.5s", "2m30s", "3h5m" — for reports.
    public static func format(seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds < 60 {
            let tenths = (seconds * 10).rounded() / 10
            return tenths == tenths.rounded() ? "\(Int(tenths))s" : "\(tenths)s"
        }
        let total = Int(seconds.rounded())
        let (days, hours, minutes, rest) = (
            total / 86_400, total % 86_400 / 3600, total % 3600 / 60, total % 60
        )
        if days > 0 { return "\(days)d\(hours)h" }
        if hours > 0 { return "\(hours)h\(minutes)m" }
        return rest == 0 ? "\(minutes)m" : "\(minutes)m\(rest)s"
    }
}

extension String {
    var trimmingWhitespace: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) })
        else { return "" }
        return self[first...last]
    }
}
