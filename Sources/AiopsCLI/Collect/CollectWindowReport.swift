import AiopsCore
import AiopsProc
import AiopsRender
import AiopsReports
import AiopsTrace

/// Writes what `collect processes --duration` found (CollectWindowView) as a table, JSON or CSV.
struct CollectWindowReport {
    let options: CollectOptions
    let window: ProcessWindow
    let facts: SystemFacts
    let events: LifecycleRecorder.Result
    let statistics: SourceStatistics
    let backend: EventSource
    let limitations: [String]

    func print() {
        let view = CollectWindowView(
            window: window, facts: facts, exits: events.exits, exitsNotListed: events.exitsNotListed,
            started: events.started, statistics: statistics, backend: backend, limitations: limitations)
        let builder = ProcessRowBuilder(facts: facts, nowUnixSeconds: unixNow())
        let rows = window.entries.values.map { entry -> ProcessRow in
            var row = builder.row(entry.last)
            row.windowCPUPercent = entry.windowCPUPercent
            row.peakResidentKiB = entry.peakResidentKiB
            row.windowIO = entry.windowIO
            return row
        }.ordered(by: options.sort, top: options.top)
        let output = OutputSink(fd: 1)
        switch options.format {
        case .table:
            output.write(
                view.table(rows, style: TerminalStyle.detect(for: output), clock: WallClock.measure()))
        case .json:
            output.write(view.json(rows, clock: WallClock.measure()))
            output.write([10])
        case .csv: for line in ProcessCSV.lines(rows) { output.writeLine(line) }
        }
        output.flush()
    }
}
