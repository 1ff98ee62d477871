import AiopsCore

#if canImport(Glibc)
    import Glibc
#endif

/// Machine-wide facts that per-process figures are relative to, read once per snapshot:
/// %MEM needs MemTotal, %CPU and START need the uptime and the boot time.
public struct SystemFacts: Sendable, Equatable {
    public var memoryTotalKiB: UInt64
    /// Seconds since boot (/proc/uptime), when the snapshot was taken.
    public var uptimeSeconds: Double
    /// Boot time, seconds since the Unix epoch (/proc/stat "btime").
    public var bootTimeSeconds: Int64
    public var pageSize: UInt64
    public var cpuCount: Int

    public init(
        memoryTotalKiB: UInt64, uptimeSeconds: Double, bootTimeSeconds: Int64, pageSize: UInt64, cpuCount: Int
    ) {
        self.memoryTotalKiB = memoryTotalKiB
        self.uptimeSeconds = uptimeSeconds
        self.bootTimeSeconds = bootTimeSeconds
        self.pageSize = pageSize
        self.cpuCount = cpuCount
    }

    public static func read(procfs: ProcFS = ProcFS()) -> SystemFacts {
        SystemFacts(
            memoryTotalKiB: procfs.read("meminfo").bytes.flatMap(parseMemTotal) ?? 0,
            uptimeSeconds: procfs.read("uptime").bytes.flatMap(parseUptime) ?? 0,
            bootTimeSeconds: procfs.read("stat", limit: 1 << 20).bytes.flatMap(parseBootTime) ?? 0,
            pageSize: UInt64(sysconf(Int32(_SC_PAGESIZE))),
            cpuCount: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    static func parseMemTotal(_ bytes: [UInt8]) -> UInt64? {
        for line in bytes.split(separator: 10) where line.starts(with: Array("MemTotal:".utf8)) {
            return line.dropFirst(9).split(separator: 32).first.flatMap { UInt64(ascii: $0) }
        }
        return nil
    }

    /// "12345.67 54321.00": the first number, seconds since boot.
    static func parseUptime(_ bytes: [UInt8]) -> Double? {
        bytes.split(whereSeparator: { $0 == 32 || $0 == 10 }).first.flatMap {
            Double(String(decoding: $0, as: UTF8.self))
        }
    }

    static func parseBootTime(_ bytes: [UInt8]) -> Int64? {
        for line in bytes.split(separator: 10) where line.starts(with: Array("btime ".utf8)) {
            return Int64(ascii: line.dropFirst(6))
        }
        return nil
    }
}
