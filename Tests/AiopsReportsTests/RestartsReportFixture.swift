import AiopsCore
import AiopsRender
import AiopsSystemd
import Foundation

@testable import AiopsAnalyze
@testable import AiopsReports

/// A `RestartsReport` built from episodes, without systemd: for the advice, the patterns and the
/// rendering, which are pure over the report. Times are Unix µs; hours UTC unless given.
enum RestartsReportFixture {
    static let now: Int64 = 1_795_600_000_000_000

    static func report(
        unit: String = "mysql.service", episodes: [RestartEpisode], memoryMax: UInt64? = nil,
        mainPID: Int32? = 2891, monitorDeaths: [Int: ExitRecord] = [:],
        hourOf: (Int64) -> Int = { Int(($0 / 3_600_000_000) % 24) }
    ) -> RestartsReport {
        let since = now - 7 * 86_400_000_000
        var report = RestartsReport(
            unit: unit, now: now, since: since, coveredSince: since, journalStartsAt: since,
            current: .init(
                active: "active", sub: "running", mainPID: mainPID, activeSince: now - 1, loaded: true),
            episodes: episodes,
            statistics: RestartStatistics(episodes: episodes, periodSeconds: 7 * 86_400, hourOf: hourOf),
            kernelLog: .unavailable("not read in tests"),
            kernelJournal: .read(oomKills: 0, entries: 0, narrowed: true),
            kernelOOMKills: 0, memoryMax: memoryMax.map { .value($0) } ?? .infinity,
            systemdRestartCounter: nil,
            journalEntries: 0,
            monitorHistory: .init(path: "/nonexistent", unavailable: "no file", deaths: monitorDeaths),
            advice: [])
        report.advice = RestartAdvice.advise(report)
        return report
    }

    static func episode(
        _ cause: RestartEpisode.Cause, at time: Int64, exit: ServiceEvent.ProcessExit? = nil,
        result: String? = nil,
        recoveredAfter seconds: Double? = 2
    ) -> RestartEpisode {
        RestartEpisode(
            invocationID: "run-\(time)", cause: cause, time: time, runStartedAt: time - 3_600_000_000,
            exit: exit,
            result: result, automatic: true, restartCounter: nil, startLimitHit: false,
            recoveredAt: seconds.map { time + Int64($0 * 1e6) }, coreDumpExecutable: nil, signalSent: nil,
            logTail: [])
    }

    static func table(_ report: RestartsReport) -> String {
        RestartsTable.panel(report).render(width: 200, style: TerminalStyle(colors: false)).joined(
            separator: "\n")
    }

    static func json(_ report: RestartsReport) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(RestartsJSON.encode(report)))
        return object as? [String: Any] ?? [:]
    }
}
