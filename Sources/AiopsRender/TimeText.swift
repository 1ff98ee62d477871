import AiopsCore

#if canImport(Glibc)
    import Glibc
#endif

/// Formats event times. Calendar conversion is done once per second of output, not per event.
public struct TimeText {
    private let clock: WallClock
    private var cachedSecond: Int64 = .min
    private var cachedUTC = ""
    private var cachedLocal = ""

    public init(clock: WallClock) {
        self.clock = clock
    }

    /// RFC 3339, UTC, microseconds: "2026-11-25T10:20:30.123456Z".
    public mutating func rfc3339(_ instant: BootInstant) -> String {
        let (second, nanosecond) = split(instant)
        refresh(second)
        return cachedUTC + "." + padded(Int(nanosecond / 1000), width: 6) + "Z"
    }

    /// Local wall time for a table: "10:20:30.123".
    public mutating func localClock(_ instant: BootInstant) -> String {
        let (second, nanosecond) = split(instant)
        refresh(second)
        return cachedLocal + "." + padded(Int(nanosecond / 1_000_000), width: 3)
    }

    private func split(_ instant: BootInstant) -> (Int64, Int64) {
        let unix = clock.unixNanoseconds(instant)
        let second = unix >= 0 ? unix / 1_000_000_000 : (unix - 999_999_999) / 1_000_000_000
        return (second, unix - second * 1_000_000_000)
    }

    private mutating func refresh(_ second: Int64) {
        guard second != cachedSecond else { return }
        cachedSecond = second
        var time = time_t(second)
        var parts = tm()
        gmtime_r(&time, &parts)
        cachedUTC =
            "\(padded(Int(parts.tm_year) + 1900, width: 4))-\(padded(Int(parts.tm_mon) + 1, width: 2))-"
            + "\(padded(Int(parts.tm_mday), width: 2))T\(padded(Int(parts.tm_hour), width: 2)):"
            + "\(padded(Int(parts.tm_min), width: 2)):\(padded(Int(parts.tm_sec), width: 2))"
        localtime_r(&time, &parts)
        cachedLocal =
            "\(padded(Int(parts.tm_hour), width: 2)):\(padded(Int(parts.tm_min), width: 2)):"
            + "\(padded(Int(parts.tm_sec), width: 2))"
    }
}

func padded(_ value: Int, width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}
