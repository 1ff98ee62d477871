import AiopsCore
import AiopsProc
import AiopsReports

#if canImport(Glibc)
    import Glibc
#endif

/// Builds `collect processes`' rows (ProcessRow): user and terminal names are looked up (the
/// passwd database, /proc/tty/drivers) once per distinct uid or terminal.
struct ProcessRowBuilder {
    let columns: PsColumns
    let users = UserNames()
    let terminals = TerminalNames()

    init(facts: SystemFacts, nowUnixSeconds: Int64) {
        columns = PsColumns(facts: facts, nowUnixSeconds: nowUnixSeconds)
    }

    func row(_ sample: ProcessSample) -> ProcessRow {
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

extension Array where Element == ProcessRow {
    /// Sorted by `key` (largest first for resources, ascending for pid and start), then cut to `top`.
    func ordered(by key: CollectOptions.SortKey, top: Int?) -> [ProcessRow] {
        let sorted: [ProcessRow]
        switch key {
        case .pid: sorted = self.sorted { $0.sample.pid < $1.sample.pid }
        case .cpu:
            sorted = self.sorted {
                ($0.windowCPUPercent ?? Double($0.cpuPermille) / 10, $1.sample.pid)
                    > ($1.windowCPUPercent ?? Double($1.cpuPermille) / 10, $0.sample.pid)
            }
        case .mem, .rss:
            sorted = self.sorted { ($0.residentKiB, $1.sample.pid) > ($1.residentKiB, $0.sample.pid) }
        case .time: sorted = self.sorted { ($0.cpuTicks, $1.sample.pid) > ($1.cpuTicks, $0.sample.pid) }
        case .start:
            sorted = self.sorted {
                ($0.sample.stat.startTicks, $0.sample.pid) < ($1.sample.stat.startTicks, $1.sample.pid)
            }
        }
        return top.map { Array(sorted.prefix($0)) } ?? sorted
    }
}

func unixNow() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Int64(spec.tv_sec)
}
