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
}

/// Shared lookups for building rows: names are resolved once per distinct uid or terminal.
public struct ProcessRowBuilder {
    let columns: PsColumns
    let users = UserNames()
    let terminals = TerminalNames()

    public init(facts: SystemFacts, nowUnixSeconds: Int64) {
        columns = PsColumns(facts: facts, nowUnixSeconds: nowUnixSeconds)
    }

    public func row(_ sample: ProcessSample) -> ProcessRow {
        let stat = sample.stat
        return ProcessRow(
            sample: sample, user: sample.effectiveUID.map(users.name(of:)) ?? "?",
            cpuPermille: columns.cpuPermille(stat),
            memoryPermille: columns.memoryPermille(residentKiB: sample.residentKiB),
            tty: terminals.name(ofDevice: stat.ttyNumber), stat: columns.stateText(sample),
            start: columns.startText(stat), startUnixSeconds: columns.startUnixSeconds(stat),
            cpuTime: PsColumns.cpuTimeText(stat))
    }
}
