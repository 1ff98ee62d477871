import AiopsAlert
import AiopsCore
import AiopsMonitor
import AiopsTrace

/// The lines printed when the monitor stops: what it saw, what it said, and every place
/// something may have been lost.
struct MonitorSummary {
    var seconds: Double
    var backend: EventSource
    var source: SourceStatistics
    var engine: MonitorStatistics
    var alerts: AlertStatistics
    var alertsRaised: UInt64
    var alertsAllDelivered: Bool
    var historyStored: UInt64
    var historyDropped: UInt64
    var tableEvictions: UInt64

    var lines: [String] {
        var lines = [
            "monitored \(DurationText.format(seconds: seconds)) with \(backend.rawValue): "
                + "\(source.totalReceived) events, \(engine.forks) forks, \(engine.exits) exits, \(engine.scans) scans",
            "alerts: \(alertsRaised) raised, \(alerts.sent) sent, \(alerts.suppressedDuplicates) duplicates and "
                + "\(alerts.suppressedByRateLimit) over the rate limit held back",
            "history: \(historyStored) records written, \(historyDropped) lost",
        ]
        var losses: [String] = []
        if source.totalKernelDropped > 0 {
            losses.append("\(source.totalKernelDropped) events dropped in the kernel")
        }
        if source.kernelOverruns > 0 { losses.append("\(source.kernelOverruns) kernel buffer overruns") }
        if source.streamDropped > 0 {
            losses.append("\(source.streamDropped) events dropped by a slow consumer")
        }
        if source.malformed > 0 { losses.append("\(source.malformed) malformed records") }
        if source.readErrors > 0 {
            losses.append("\(source.readErrors) failed kernel reads (counts may be short)")
        }
        if engine.exitsNotSeen > 0 {
            losses.append("\(engine.exitsNotSeen) critical exits found by scan, not seen")
        }
        if tableEvictions > 0 { losses.append("\(tableEvictions) process records evicted") }
        if historyDropped > 0 { losses.append("\(historyDropped) history records not written") }
        for sink in alerts.sinks where sink.dropped > 0 || sink.failed > 0 || sink.timedOut > 0 {
            losses.append(
                "alert sink \(sink.sink): \(sink.failed) failed, \(sink.timedOut) timed out, \(sink.dropped) dropped"
            )
        }
        if !alertsAllDelivered { losses.append("alerts still queued at exit were abandoned") }
        lines.append(losses.isEmpty ? "nothing lost" : "may have missed: " + losses.joined(separator: "; "))
        return lines
    }
}
