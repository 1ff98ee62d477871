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

    func print(samples snapshot: CollectSnapshotView.Snapshot) throws(AiopsError) {
        let builder = ProcessRowBuilder(facts: snapshot.facts, nowUnixSeconds: snapshot.unixSeconds)
        let rows = snapshot.samples.map(builder.row).ordered(by: options.sort, top: options.top)
        switch options.format {
        case .table:
            try ReportOutput.writeLines { style in CollectSnapshotView.table(rows, style: style) }
        case .json:
            try ReportOutput.writeJSON(CollectSnapshotView.json(rows, of: snapshot))
        case .csv:
            try ReportOutput.writeLines { _ in ProcessCSV.lines(rows) }
        }
    }
}
