import AiopsAlert
import AiopsMonitor
import AiopsTrace
import Testing

@testable import AiopsCLI

@Suite("monitor summary")
struct MonitorSummaryTests {
    func summary(stored: UInt64, dropped: UInt64) -> [String] {
        MonitorSummary(
            seconds: 10, backend: .bpf, source: SourceStatistics(), engine: MonitorStatistics(),
            alerts: AlertStatistics(), alertsRaised: 0, alertsAllDelivered: true, historyStored: stored,
            historyDropped: dropped, tableEvictions: 0
        ).lines
    }

    @Test("history records that could not be written (a full disk) are a loss, never 'nothing lost'")
    func historyLossCounts() {
        let lines = summary(stored: 2, dropped: 77)
        #expect(lines.contains("history: 2 records written, 77 lost"))
        #expect(lines.last == "may have missed: 77 history records not written")
        #expect(summary(stored: 2, dropped: 0).last == "nothing lost")
    }
}
