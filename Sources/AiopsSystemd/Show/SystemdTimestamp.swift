/// Times as systemd prints them with `--timestamp=us+utc` ("Wed 2026-11-25 05:56:48.816294 UTC"),
/// turned into microseconds since the Unix epoch — the unit of the journal's
/// `__REALTIME_TIMESTAMP`, so the two compare directly.
public enum SystemdTimestamp {
    /// nil for "", "n/a", "0" and anything not in the us+utc shape.
    public static func parseMicroseconds(_ text: String) -> Int64? {
        let parts = text.split(separator: " ")
        // "Wed 2026-11-25 05:56:48.816294 UTC"; the weekday is optional so either form parses.
        let fields = parts.count == 4 ? Array(parts.dropFirst()) : parts.count == 3 ? parts : []
        guard fields.count == 3, fields[2] == "UTC" else { return nil }
        let date = fields[0].split(separator: "-").compactMap { Int64($0) }
        let clock = fields[1].split(separator: ":")
        guard date.count == 3, clock.count == 3, let hour = Int64(clock[0]), let minute = Int64(clock[1])
        else { return nil }
        let secondParts = clock[2].split(separator: ".", omittingEmptySubsequences: false)
        guard let second = Int64(secondParts[0]), (1...12).contains(date[1]), (1...31).contains(date[2]),
            hour < 24, minute < 60, second < 61
        else { return nil }
        var micros: Int64 = 0
        if secondParts.count == 2 {
            let digits = secondParts[1]
            guard digits.count <= 6, let value = Int64(digits) else { return nil }
            micros = value * Int64([1, 100_000, 10_000, 1000, 100, 10, 1][digits.count])
        }
        let days = daysFromCivil(year: date[0], month: date[1], day: date[2])
        return ((days * 24 + hour) * 60 + minute) * 60_000_000 + second * 1_000_000 + micros
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
