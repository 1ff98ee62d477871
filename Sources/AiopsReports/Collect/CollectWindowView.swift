import AiopsCore
import AiopsProc
import AiopsRender
import AiopsTrace

/// What `collect processes --duration` prints: the processes sampled (CPU during the window,
/// peak RSS), the processes that exited during it, and what the lifecycle source may have missed.
struct CollectWindowReport {
    let options: CollectOptions
    let window: ProcessWindow
    let facts: SystemFacts
    let events: LifecycleRecorder.Result
    let statistics: SourceStatistics
    let backend: EventSource
    let limitations: [String]

    func print() {
        let builder = ProcessRowBuilder(facts: facts, nowUnixSeconds: unixNow())
        let rows = window.entries.values.map { entry -> ProcessRow in
            var row = builder.row(entry.last)
            row.windowCPUPercent = entry.windowCPUPercent
            row.peakResidentKiB = entry.peakResidentKiB
            row.windowIO = entry.windowIO
            return row
        }.ordered(by: options.sort, top: options.top)
        let exits = events.exits.sorted { $0.time < $1.time }
        let output = OutputSink(fd: 1)
        switch options.format {
        case .table: printTable(rows, exits, to: output)
        case .json: printJSON(rows, exits, to: output)
        case .csv: for line in ProcessCSV.lines(rows) { output.writeLine(line) }
        }
        output.flush()
    }

    private func printTable(_ rows: [ProcessRow], _ exits: [LifecycleEvent], to output: OutputSink) {
        let style = TerminalStyle.detect(for: output)
        let seconds = DurationText.format(seconds: window.seconds)
        output.writeLine(
            style.paint(
                "── processes: \(window.entries.count) seen in \(window.rounds) samples over \(seconds) ──",
                .bold))
        for line in ProcessTableLayout.lines(rows, window: true, style: style) { output.writeLine(line) }
        output.writeLine("")
        output.writeLine(
            style.paint("── exited during the window: \(exits.count + events.exitsNotListed) ──", .bold))
        var renderer = EventTableRenderer(clock: WallClock.measure(), style: style)
        if !exits.isEmpty {
            output.writeLine(renderer.headerLine())
            output.append { buffer in for exit in exits { renderer.appendLine(exit, to: &buffer) } }
        }
        if events.exitsNotListed > 0 { output.writeLine("(\(events.exitsNotListed) more exits not listed)") }
        output.writeLine("")
        output.writeLine("processes started during the window: \(events.started)")
        output.writeLine(lossLine())
    }

    private func lossLine() -> String {
        let lost = statistics.totalKernelDropped + statistics.streamDropped
        let base = "exits from \(backend.rawValue): "
        if lost == 0 && statistics.kernelOverruns == 0 && limitations.isEmpty {
            return base + "complete (nothing lost)"
        }
        var parts: [String] = []
        if lost > 0 { parts.append("\(lost) events lost") }
        if statistics.kernelOverruns > 0 { parts.append("\(statistics.kernelOverruns) overruns") }
        parts += limitations
        return base + parts.joined(separator: "; ")
    }

    private func printJSON(_ rows: [ProcessRow], _ exits: [LifecycleEvent], to output: OutputSink) {
        var json = JSONWriter(reservingCapacity: 1 << 16)
        json.beginObject()
        json.field("schema", "aiops.collect/1")
        ProcessJSON.writeHeader(facts: facts, time: window.lastRound ?? BootInstant.now(), into: &json)
        json.key("window")
        json.beginObject()
        json.field("seconds", window.seconds, digits: 3)
        json.field("samples", window.rounds)
        json.endObject()
        json.key("processes")
        json.beginArray()
        for row in rows { ProcessJSON.write(row, into: &json) }
        json.endArray()
        // Exits are lifecycle events: the same objects as `aiops trace --json` prints.
        json.key("exited")
        json.beginArray()
        var encoder = EventJSONEncoder(clock: WallClock.measure())
        for exit in exits { json.encodedValue(encoder.encode(exit)) }
        json.endArray()
        json.field("exits_not_listed", events.exitsNotListed)
        json.field("started", events.started)
        json.field("backend", backend.rawValue)
        json.field("events_lost", statistics.totalKernelDropped + statistics.streamDropped)
        json.field("kernel_overruns", statistics.kernelOverruns)
        json.field("limitations", strings: limitations)
        json.endObject()
        output.write(json.bytes)
        output.write([10])
    }
}
