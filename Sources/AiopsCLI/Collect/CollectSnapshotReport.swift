import AiopsCore
import AiopsProc
import AiopsRender
import AiopsReports

#if canImport(Glibc)
    import Glibc
#endif

/// `collect processes` without --duration: takes one snapshot and writes it as a table, JSON or
/// CSV (CollectSnapshotView).
struct CollectSnapshotReport {
    let options: CollectOptions

    static func takeSnapshot() -> CollectSnapshotView.Snapshot {
        let facts = SystemFacts.read()
        let time = BootInstant.now()
        return CollectSnapshotView.Snapshot(
            facts: facts, samples: ProcessSampler().sampleAll(), unixSeconds: unixNow(), time: time)
    }

    func print(samples snapshot: CollectSnapshotView.Snapshot) {
        let rows = CollectSnapshotView.rows(snapshot).ordered(by: options.sort, top: options.top)
        let output = OutputSink(fd: 1)
        switch options.format {
        case .table:
            for line in CollectSnapshotView.table(rows, style: TerminalStyle.detect(for: output)) {
                output.writeLine(line)
            }
        case .json:
            output.write(CollectSnapshotView.json(rows, of: snapshot))
            output.write([10])
        case .csv:
            for line in ProcessCSV.lines(rows) { output.writeLine(line) }
        }
        output.flush()
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
