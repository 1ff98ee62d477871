import AiopsCore
import AiopsRender
import AiopsTrace

/// What a trace saw and what it may have missed: printed at the end of every session.
public struct TraceSummary {
    var backend: EventSource
    var seconds: Double
    var shown: KindCounts
    var statistics: SourceStatistics
    var tableEvictions: UInt64
    var duplicateExits: UInt64
    var limitations: [String]

    public init(
        backend: EventSource, seconds: Double, shown: KindCounts, statistics: SourceStatistics,
        tableEvictions: UInt64, duplicateExits: UInt64, limitations: [String]
    ) {
        self.backend = backend
        self.seconds = seconds
        self.shown = shown
        self.statistics = statistics
        self.tableEvictions = tableEvictions
        self.duplicateExits = duplicateExits
        self.limitations = limitations
    }

    /// Nothing was lost anywhere between the kernel and the output.
    var isComplete: Bool {
        statistics.totalKernelDropped == 0 && statistics.kernelOverruns == 0 && statistics.streamDropped == 0
            && statistics.malformed == 0 && statistics.readErrors == 0
    }

    public func json() -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.field("event", "summary")
        json.field("backend", backend.rawValue)
        json.field("duration_s", seconds, digits: 3)
        json.key("events")
        writeCounts(shown, into: &json)
        json.key("seen")
        writeCounts(statistics.received, into: &json)
        json.field("kernel_dropped", statistics.totalKernelDropped)
        json.key("kernel_dropped_by_event")
        writeCounts(statistics.kernelDropped, into: &json)
        json.field("kernel_overruns", statistics.kernelOverruns)
        json.field("stream_dropped", statistics.streamDropped)
        json.field("malformed", statistics.malformed)
        json.field("read_errors", statistics.readErrors)
        json.field("table_evictions", tableEvictions)
        json.field("complete", isComplete)
        json.field("limitations", strings: limitations)
        json.endObject()
        return json.bytes
    }

    public func lines(style: TerminalStyle) -> [String] {
        let kinds = LifecycleEventKind.allCases
        let shownText = kinds.map { "\(shown[$0]) \($0.rawValue)" }.joined(separator: ", ")
        var lines = [
            style.paint("── summary " + String(repeating: "─", count: 60), .bold),
            "backend \(backend.rawValue), \(DurationText.format(seconds: seconds)); shown: \(shownText) "
                + "(of \(statistics.totalReceived) events seen)",
        ]
        if isComplete {
            lines.append("lost: none (kernel drops 0, queue drops 0)")
        } else {
            var losses: [String] = []
            for kind in kinds where statistics.kernelDropped[kind] > 0 {
                losses.append(
                    "\(statistics.kernelDropped[kind]) \(kind.rawValue) in the kernel (ring buffer full)")
            }
            if statistics.kernelOverruns > 0 {
                losses.append(
                    "\(statistics.kernelOverruns) netlink overruns (each loses an unknown number of events)")
            }
            if statistics.streamDropped > 0 {
                losses.append("\(statistics.streamDropped) in the queue (consumer too slow)")
            }
            if statistics.malformed > 0 { losses.append("\(statistics.malformed) malformed records") }
            if statistics.readErrors > 0 {
                losses.append("\(statistics.readErrors) failed kernel reads (counts may be short)")
            }
            lines.append(style.paint("lost: " + losses.joined(separator: "; "), .red))
            if statistics.totalKernelDropped > 0 {
                lines.append("hint: a larger --ring-size keeps more in a burst")
            }
        }
        if tableEvictions > 0 {
            lines.append(
                "process table full: \(tableEvictions) records evicted (their exits show less detail)")
        }
        for limitation in limitations { lines.append("cannot see: \(limitation)") }
        return lines
    }

    private func writeCounts(_ counts: KindCounts, into json: inout JSONWriter) {
        json.beginObject()
        for kind in LifecycleEventKind.allCases {
            switch kind {
            case .exec: json.field("exec", counts[kind])
            case .fork: json.field("fork", counts[kind])
            case .exit: json.field("exit", counts[kind])
            case .signal: json.field("signal", counts[kind])
            }

        }
        json.endObject()
    }
}
