import AiopsCore
import AiopsProc
import AiopsRender
import AiopsReports

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
        let builder = ProcessRowBuilder(facts: snapshot.facts, nowUnixSeconds: snapshot.unixSeconds)
        let rows = snapshot.samples.map(builder.row).ordered(by: options.sort, top: options.top)
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
