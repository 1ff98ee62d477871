import AiopsCore

#if canImport(Glibc)
    import Glibc
#endif

/// "2026-11-25 03:50:12" in local time: the title bar of a report, as an operator reads a clock.
public func localDateTimeText(_ instant: BootInstant, clock: WallClock) -> String {
    let unix = clock.unixNanoseconds(instant)
    var time = time_t(unix >= 0 ? unix / 1_000_000_000 : (unix - 999_999_999) / 1_000_000_000)
    var parts = tm()
    localtime_r(&time, &parts)
    var bytes: [UInt8] = []
    bytes.appendZeroPadded(Int(parts.tm_year) + 1900, width: 4)
    bytes.append(UInt8(ascii: "-"))
    bytes.appendZeroPadded(Int(parts.tm_mon) + 1, width: 2)
    bytes.append(UInt8(ascii: "-"))
    bytes.appendZeroPadded(Int(parts.tm_mday), width: 2)
    bytes.append(UInt8(ascii: " "))
    bytes.appendZeroPadded(Int(parts.tm_hour), width: 2)
    bytes.append(UInt8(ascii: ":"))
    bytes.appendZeroPadded(Int(parts.tm_min), width: 2)
    bytes.append(UInt8(ascii: ":"))
    bytes.appendZeroPadded(Int(parts.tm_sec), width: 2)
    return String(decoding: bytes, as: UTF8.self)
}
