/// /proc/meminfo's totals, to put a process's memory in proportion ("%MEM" as ps computes it:
/// RSS ÷ MemTotal).
public struct MemInfo: Hashable, Sendable {
    public var totalBytes: UInt64?
    public var availableBytes: UInt64?
    public var swapTotalBytes: UInt64?

    public static func parse(_ bytes: [UInt8]) -> MemInfo {
        var info = MemInfo()
        KeyValueLines.forEach(bytes) { name, values in
            if name.spells("MemTotal") {
                info.totalBytes = KeyValueLines.kilobytes(values)
            } else if name.spells("MemAvailable") {
                info.availableBytes = KeyValueLines.kilobytes(values)
            } else if name.spells("SwapTotal") {
                info.swapTotalBytes = KeyValueLines.kilobytes(values)
            }
        }
        return info
    }
}
