import AiopsCore

#if canImport(Glibc)
    import Glibc
#endif

/// Formats event times. Calendar conversion is done once per distinct second, not per event: two
/// seconds are cached because a JSON line carries two times (the event's and its process's
/// start), which with one slot would evict each other on every line.
public struct TimeText {
    private let clock: WallClock
    private var slots: [CachedSecond] = [CachedSecond(), CachedSecond()]
    private var nextSlot = 0

    /// The calendar text of one second: "2026-11-25T10:20:30" in UTC and "10:20:30" local.
    private struct CachedSecond {
        var second: Int64 = .min
        var utc: [UInt8] = []
        var local: [UInt8] = []
    }

    public init(clock: WallClock) {
        self.clock = clock
    }

    /// RFC 3339, UTC, microseconds: "2026-11-25T10:20:30.123456Z".
    public mutating func rfc3339(_ instant: BootInstant) -> String {
        var bytes: [UInt8] = []
        appendRFC3339(instant, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Local wall time for a table: "10:20:30.123".
    public mutating func localClock(_ instant: BootInstant) -> String {
        var bytes: [UInt8] = []
        appendLocalClock(instant, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    public mutating func appendRFC3339(_ instant: BootInstant, to output: inout [UInt8]) {
        let (second, nanosecond) = split(instant)
        output.append(contentsOf: slot(for: second).utc)
        output.append(UInt8(ascii: "."))
        output.appendZeroPadded(Int(nanosecond / 1000), width: 6)
        output.append(UInt8(ascii: "Z"))
    }

    public mutating func appendLocalClock(_ instant: BootInstant, to output: inout [UInt8]) {
        let (second, nanosecond) = split(instant)
        output.append(contentsOf: slot(for: second).local)
        output.append(UInt8(ascii: "."))
        output.appendZeroPadded(Int(nanosecond / 1_000_000), width: 3)
    }

    private func split(_ instant: BootInstant) -> (Int64, Int64) {
        let unix = clock.unixNanoseconds(instant)
        let second = unix >= 0 ? unix / 1_000_000_000 : (unix - 999_999_999) / 1_000_000_000
        return (second, unix - second * 1_000_000_000)
    }

    private mutating func slot(for second: Int64) -> CachedSecond {
        if slots[0].second == second { return slots[0] }
        if slots[1].second == second { return slots[1] }
        var time = time_t(second)
        var parts = tm()
        var fresh = CachedSecond(second: second)
        gmtime_r(&time, &parts)
        fresh.utc.appendZeroPadded(Int(parts.tm_year) + 1900, width: 4)
        fresh.utc.append(UInt8(ascii: "-"))
        fresh.utc.appendZeroPadded(Int(parts.tm_mon) + 1, width: 2)
        fresh.utc.append(UInt8(ascii: "-"))
        fresh.utc.appendZeroPadded(Int(parts.tm_mday), width: 2)
        fresh.utc.append(UInt8(ascii: "T"))
        Self.appendClock(parts, to: &fresh.utc)
        localtime_r(&time, &parts)
        Self.appendClock(parts, to: &fresh.local)
        slots[nextSlot] = fresh
        nextSlot ^= 1
        return fresh
    }

    private static func appendClock(_ parts: tm, to output: inout [UInt8]) {
        output.appendZeroPadded(Int(parts.tm_hour), width: 2)
        output.append(UInt8(ascii: ":"))
        output.appendZeroPadded(Int(parts.tm_min), width: 2)
        output.append(UInt8(ascii: ":"))
        output.appendZeroPadded(Int(parts.tm_sec), width: 2)
    }
}
