import AiopsTestSupport
import Foundation
import Testing

/// `analyze restarts` on the ends of runs that are not failures, against a real systemd: a
/// process that answers a stop's SIGTERM with exit 143, a oneshot job run three times, an
/// outside SIGTERM under Restart=always, and a journal younger than the period asked.
@Suite("analyze restarts: manual stops, completed runs, journal coverage (real systemd)")
struct AnalyzeRestartsCausesLabTests {
    typealias Lab = AnalyzeRestartsLabTests

    static func report(_ lab: SystemdLab, _ unit: String, period: String = "1h") async throws -> (
        json: [String: Any], table: String
    ) {
        let json = try await lab.aiops([
            "analyze", "restarts", "--service", unit, "--period", period, "--json",
        ])
        #expect(json.status == 0, "\(json.standardError)")
        let table = try await lab.aiops(["analyze", "restarts", "--service", unit, "--period", period])
        #expect(table.status == 0, "\(table.standardError)")
        return (try AnalyzeServiceLabTests.object(json), table.standardOutput)
    }

    /// Waits until the unit's shell has said "trap set" `count` times: it then answers SIGTERM with 143.
    static func trapsSet(_ lab: SystemdLab, _ unit: String, _ count: Int) async throws -> Bool {
        try await lab.waitUntil {
            try await lab.journal(["_SYSTEMD_UNIT=\(unit)"]).filter { $0["MESSAGE"] as? String == "trap set" }
                .count >= count
        }
    }

    @Test("systemctl restart/stop of a process that exits 143 on SIGTERM: manual, the 143 a detail")
    func manualRestartOfProcessExiting143() async throws {
        try await SystemdLab.with { lab in
            let unit = "aiops-lab-exit143-on-term.service"
            try await lab.installProjectUnits(unit)
            #expect(try await lab.systemctl("start", unit).status == 0)
            #expect(try await Self.trapsSet(lab, unit, 1))
            #expect(try await lab.systemctl("restart", unit).status == 0)
            #expect(try await Self.trapsSet(lab, unit, 2))
            #expect(try await lab.systemctl("stop", unit).status == 0)

            let (json, table) = try await Self.report(lab, unit)
            let episodes = try #require(json["episodes"] as? [[String: Any]])
            #expect(episodes.map { $0["category"] as? String } == ["manual_restart", "manual_stop"])
            #expect(episodes.map { $0["exit_status"] as? Int } == [143, 143], "the exit is kept as a detail")
            #expect(episodes.allSatisfy { $0["automatic"] as? Bool == false })
            let stops = try await Lab.times(lab, unit, Lab.stopping)
            #expect(episodes.map { Lab.microseconds($0["time"]) } == stops, "measured from the stop request")
            #expect((json["statistics"] as? [String: Any])?["restarts"] as? Int == 1)
            #expect(table.contains("Manual restart"))
            #expect(table.contains("On the stop's SIGTERM the main process exited 143"))
            #expect(!table.contains("⚠️"), "one restart in seconds of journal is no pattern")
            #expect(!table.contains("Exit code 143"), "\(table)")
            #expect(!table.contains("Restart: not by systemd"))
            // The data shows a stop answered with 143 and marked failed: declare 143 clean.
            let advice = try #require(json["advice"] as? [[String: Any]])
            let stopStatus = advice.filter {
                ($0["command"] as? String)?.contains("SuccessExitStatus=143") == true
            }
            #expect(stopStatus.count == 1, "\(advice)")
            #expect(stopStatus.first?["term"] as? String == "short")
            #expect(!advice.contains { ($0["command"] as? String)?.contains("aiops monitor") == true })
            #expect(table.contains("Short term:"))
        }
    }

    @Test("a oneshot job started three times: three completed runs, no restart, no rate warning")
    func oneshotRunsAreNotRestarts() async throws {
        try await SystemdLab.with { lab in
            let unit = "aiops-lab-oneshot.service"
            try await lab.installProjectUnits(unit)
            for _ in 0..<3 { #expect(try await lab.systemctl("start", unit).status == 0) }
            #expect(try await Lab.times(lab, unit, Lab.started).count == 3, "three runs finished")

            let (json, table) = try await Self.report(lab, unit)
            #expect((json["episodes"] as? [[String: Any]])?.isEmpty == true)
            let statistics = try #require(json["statistics"] as? [String: Any])
            #expect(statistics["restarts"] as? Int == 0)
            #expect(statistics["completed_runs"] as? Int == 3)
            #expect(statistics["restarts_per_day"] as? Double == 0)
            #expect(statistics["rate_warning"] as? Bool == false)
            #expect(table.contains("Completed     3 runs that ended cleanly"), "\(table)")
            #expect(!table.contains("⚠️"))
            #expect(!table.contains("Restart=always"))
        }
    }

    @Test("systemctl kill -s TERM under Restart=always: a clean end restarted by systemd, named as SIGTERM")
    func outsideSIGTERMUnderRestartAlways() async throws {
        try await SystemdLab.with { lab in
            let unit = "aiops-lab-restart-always.service"
            try await lab.installProjectUnits(unit)
            #expect(try await lab.systemctl("start", unit).status == 0)
            #expect(try await lab.systemctl("kill", "-s", "TERM", unit).status == 0)
            let restarted = try await lab.waitUntil {
                try await Lab.times(lab, unit, Lab.started).count == 2
            }
            #expect(restarted)

            let (json, table) = try await Self.report(lab, unit)
            let episodes = try #require(json["episodes"] as? [[String: Any]])
            let episode = try #require(episodes.first)
            #expect(episodes.count == 1)
            #expect(episode["category"] as? String == "clean_exit")
            #expect(episode["signal_sent"] as? String == "SIGTERM")
            #expect(episode["automatic"] as? Bool == true)
            let starts = try await Lab.times(lab, unit, Lab.started)
            #expect(Lab.microseconds(episode["recovered_at"]) == starts.last)
            #expect(table.contains("Ended by SIGTERM from systemctl kill"), "\(table)")
            #expect(table.contains("Restart: automatic"))
            #expect(!table.contains("exited 0"))
        }
    }

    @Test("--period 7d on a journal seconds old: the coverage is reported and the rate is over it")
    func journalYoungerThanPeriod() async throws {
        try await SystemdLab.with { lab in
            let unit = "aiops-lab-steady.service"
            try await lab.installProjectUnits(unit)
            #expect(try await lab.systemctl("start", unit).status == 0)
            #expect(try await lab.systemctl("restart", unit).status == 0)

            let (json, table) = try await Self.report(lab, unit, period: "7d")
            let period = try #require(json["period"] as? [String: Any])
            #expect(period["seconds"] as? Double == Double(7 * 86_400))
            let covered = try #require(period["covered_seconds"] as? Double)
            #expect(covered > 0 && covered < 120, "the lab booted seconds ago")
            // The oracle: the first entry the lab's journal holds.
            let first = try #require(try await lab.journal([]).first?["__REALTIME_TIMESTAMP"] as? String)
            #expect(Lab.microseconds(period["journal_starts_at"]) == Int64(first))
            #expect(Lab.microseconds(period["covered_since"]) == Int64(first))
            let statistics = try #require(json["statistics"] as? [String: Any])
            #expect(statistics["restarts"] as? Int == 1)
            let rate = try #require(statistics["restarts_per_day"] as? Double)
            #expect(abs(rate - 86_400 / covered) / rate < 0.01, "one restart over the covered part")
            #expect(table.contains("journal covers only"), "\(table)")
            #expect(table.contains("of the 7d0h asked"), "\(table)")
        }
    }
}
