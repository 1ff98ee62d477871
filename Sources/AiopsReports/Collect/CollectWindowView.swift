import AiopsCore
import AiopsProc
import AiopsRender
import AiopsTrace

/// What `collect processes --duration` shows: the processes sampled (CPU during the window,
/// peak RSS), the processes that exited during it, and what the lifecycle source may have missed.
public struct CollectWindowView {
    public var window: ProcessWindow
    public var facts: SystemFacts
    /// The exits listed, oldest first, and those counted past the list's limit.
    public var exits: [LifecycleEvent]
    public var exitsNotListed: Int
    /// Processes started during the window.
    public var started: Int
    public var statistics: SourceStatistics
    public var backend: EventSource
    public var limitations: [String]

    public init(
        window: ProcessWindow, facts: SystemFacts, exits: [LifecycleEvent], exitsNotListed: Int, started: Int,
        statistics: SourceStatistics, backend: EventSource, limitations: [String]
    ) {
        self.window = window
        self.facts = facts
        self.exits = exits.sorted { $0.time < $1.time }
        self.exitsNotListed = exitsNotListed
        self.started = started
        self.statistics = statistics
        self.backend = backend
        self.limitations = limitations
    }

    /// The table, then the exits (as `aiops trace` prints them), then what may have been missed.
    public func table(_ rows: [ProcessRow], style: TerminalStyle, clock: WallClock) -> [UInt8] {
        var output: [UInt8] = []
        func writeLine(_ line: String) {
            output.append(contentsOf: line.utf8)
            output.append(10)
        }
        let seconds = DurationText.format(seconds: window.seconds)
        writeLine(
            style.paint(
                "── processes: \(window.entries.count) seen in \(window.rounds) samples over \(seconds) ──",
                .bold))
        for line in ProcessTableLayout.lines(rows, window: true, style: style) { writeLine(line) }
        writeLine("")
        writeLine(
            style.paint("── exited during the window: \(exits.count + exitsNotListed) ──", .bold))
        var renderer = EventTableRenderer(clock: clock, style: style)
        if !exits.isEmpty {
            writeLine(renderer.headerLine())
            for exit in exits { renderer.appendLine(exit, to: &output) }
        }
        if exitsNotListed > 0 { writeLine("(\(exitsNotListed) more exits not listed)") }
        writeLine("")
        writeLine("processes started during the window: \(started)")
        writeLine(lossLine())
        return output
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

    public func json(_ rows: [ProcessRow], clock: WallClock) -> [UInt8] {
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
        var encoder = EventJSONEncoder(clock: clock)
        for exit in exits { json.encodedValue(encoder.encode(exit)) }
        json.endArray()
        json.field("exits_not_listed", exitsNotListed)
        json.field("started", started)
        json.field("backend", backend.rawValue)
        json.field("events_lost", statistics.totalKernelDropped + statistics.streamDropped)
        json.field("kernel_overruns", statistics.kernelOverruns)
        json.field("limitations", strings: limitations)
        json.endObject()
        return json.bytes
    }
}
