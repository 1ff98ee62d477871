import AiopsCore
import AiopsProc

/// One process's line of `collect processes`: the sample and every column derived from it.
public struct ProcessRow {
    public let sample: ProcessSample
    public let user: String
    /// ps's %CPU (over the process's life) and %MEM, in tenths of a percent.
    public let cpuPermille: UInt64
    public let memoryPermille: UInt64
    public let tty: String
    public let stat: String
    public let start: String
    public let startUnixSeconds: Int64
    public let cpuTime: String
    /// With --duration: CPU used during the window, and the peak resident set seen.
    public var windowCPUPercent: Double?
    public var peakResidentKiB: UInt64?
    public var windowIO: ProcessWindow.WindowIO?

    public var residentKiB: UInt64 {
        sample.residentKiB ?? UInt64(max(0, sample.stat.residentPages)) * 4
    }

    public var virtualKiB: UInt64 { sample.stat.virtualBytes / 1024 }
    public var cpuTicks: UInt64 { sample.stat.userTicks + sample.stat.systemTicks }

    public init(
        sample: ProcessSample, user: String, cpuPermille: UInt64, memoryPermille: UInt64, tty: String,
        stat: String, start: String, startUnixSeconds: Int64, cpuTime: String
    ) {
        self.sample = sample
        self.user = user
        self.cpuPermille = cpuPermille
        self.memoryPermille = memoryPermille
        self.tty = tty
        self.stat = stat
        self.start = start
        self.startUnixSeconds = startUnixSeconds
        self.cpuTime = cpuTime
    }
}
