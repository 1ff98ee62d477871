import AiopsTestSupport
import Foundation
import Testing

/// `aiops analyze restarts` against a real systemd: the scenarios happen for real in the lab,
/// and every count, cause and recovery time is checked against the journal systemd wrote (AC4).
@Suite("analyze restarts against real systemd")
struct AnalyzeRestartsLabTests {
    static let started = "39f53479d3a045ac8e11786248231fbf"
    static let exited = "98e322203f7a4ed290d09fe03c09fe15"
    static let stopping = "de5b426a63be47a7b6ac3eaac82e2f6f"

    static func restarts(_ lab: SystemdLab, _ unit: String) async throws -> [String: Any] {
        let result = try await lab.aiops([
            "analyze", "restarts", "--service", unit, "--period", "1h", "--json",
        ])
        #expect(result.status == 0, "\(result.standardError)")
        return try AnalyzeServiceLabTests.object(result)
    }

    /// The journal's times (Unix µs) of the unit's entries with this MESSAGE_ID.
    static func times(_ lab: SystemdLab, _ unit: String, _ messageID: String) async throws -> [Int64] {
        try await lab.journal(["UNIT=\(unit)", "MESSAGE_ID=\(messageID)"]).compactMap {
            ($0["__REALTIME_TIMESTAMP"] as? String).flatMap { Int64($0) }
        }
    }

    static func microseconds(_ value: Any?) -> Int64? {
        (value as? String).flatMap(AnalyzeServiceLabTests.microseconds(rfc3339:))
    }

    @Test(
        "a SIGSEGV crash loop (Restart=always): every restart listed as a crash, times and MTTR from the journal"
    )
    func crashLoop() async throws {
        try await SystemdLab.with { lab in
            let unit = "aiops-lab-crashloop.service"
            try await lab.installProjectUnits(unit)
            #expect(try await lab.systemctl("start", unit).status == 0)
            let looped = try await lab.waitUntil {
                (Int(try await lab.property(unit, "NRestarts")) ?? 0) >= 3
            }
            #expect(looped)
            #expect(try await lab.systemctl("stop", unit).status == 0)

            let json = try await Self.restarts(lab, unit)
            let starts = try await Self.times(lab, unit, Self.started)
            let exits = try await Self.times(lab, unit, Self.exited)
            let statistics = try #require(json["statistics"] as? [String: Any])
            #expect(
                statistics["restarts"] as? Int == starts.count - 1, "each start after the first is a restart")
            let episodes = try #require(json["episodes"] as? [[String: Any]])
            // Every crash is an episode; the stop either caught the last run alive (one more
            // episode, a manual stop) or waiting for its restart (that crash is not restarted).
            let last = try #require(episodes.last)
            #expect(last["recovered_at"] is NSNull)
            if episodes.count == exits.count + 1 {
                #expect(last["category"] as? String == "manual_stop")
            } else {
                #expect(episodes.count == exits.count)
                #expect(last["category"] as? String == "crash")
            }
            let restarted = episodes.filter { !($0["recovered_at"] is NSNull) }
            #expect(restarted.count == starts.count - 1)
            for (index, episode) in restarted.enumerated() {
                #expect(episode["category"] as? String == "crash")
                #expect(episode["signal_name"] as? String == "SIGSEGV")
                #expect(episode["core_dumped"] as? Bool == true)  // the lab runs with RLIMIT_CORE=infinity
                #expect(episode["automatic"] as? Bool == true)
                #expect(Self.microseconds(episode["time"]) == exits[index])
                #expect(Self.microseconds(episode["recovered_at"]) == starts[index + 1])
            }
            let recoveries = zip(exits, starts.dropFirst()).map { Double($1 - $0) / 1e6 }
            let mttr = try #require(statistics["mttr_s"] as? Double)
            #expect(abs(mttr - recoveries.reduce(0, +) / Double(recoveries.count)) < 0.001)
            #expect(mttr > 0.9 && mttr < 30, "RestartSec=1 plus the time systemd took")
            let causes = try #require(statistics["causes"] as? [[String: Any]])
            #expect(causes.first?["category"] as? String == "crash")
            // RestartSec=1: every restart within seconds of the one before, one burst of them all.
            let patterns = try #require(statistics["patterns"] as? [[String: Any]])
            #expect(patterns.map { $0["kind"] as? String } == ["burst"], "\(patterns)")
            #expect(patterns.first?["count"] as? Int == starts.count - 1)
            #expect(Self.microseconds(patterns.first?["start"]) == exits.first)
            // journalctl 252 took the kernel-transport query with --grep; the lab has no
            // /dev/kmsg, so its journal holds no kernel entry at all.
            let kernelJournal = try #require(json["kernel_journal"] as? [String: Any])
            #expect(kernelJournal["available"] as? Bool == true, "\(kernelJournal)")
            #expect(kernelJournal["grep"] as? Bool == true)
            #expect(kernelJournal["oom_kills"] as? Int == 0)
            let advice = try #require(json["advice"] as? [[String: Any]])
            let long = advice.filter { $0["term"] as? String == "long" }.compactMap {
                $0["command"] as? String
            }
            #expect(long.contains("aiops monitor processes --daemon --critical \(unit)"), "\(advice)")
            #expect(!advice.contains { ($0["command"] as? String)?.contains("SuccessExitStatus") == true })

            let table = try await lab.aiops(["analyze", "restarts", "--service", unit, "--period", "1h"])
            #expect(table.status == 0)
            #expect(table.standardOutput.contains("Crash (SIGSEGV, core dumped)"))
            #expect(table.standardOutput.contains("Restarts      \(starts.count - 1)"))
            #expect(
                table.standardOutput.contains("• burst: \(starts.count - 1) restarts within"),
                "\(table.standardOutput)")
        }
    }

    @Test(
        "the monitoring daemon's history is joined in: each crash gets its process, who sent the signal, the resources at death"
    )
    func monitorHistoryJoined() async throws {
        let directory = TemporaryDirectory()
        let history = directory.path + "/history.sqlite"
        // The daemon runs on the host and sees the lab's processes (the same kernel); the lab
        // reads the history through a read-only bind, as `analyze` reads a live daemon's file.
        let monitor = try RunningCommand(
            BuildProducts.aiops, ["monitor", "processes", "--history", history, "--interval", "1", "--json"])
        let started = await monitor.waitFor(seconds: patience) { _, error in
            error.contains("monitoring with ")
        }
        try #require(started, "no start line; stderr: \(monitor.standardError)")
        let unit = "aiops-lab-crashloop.service"
        try await SystemdLab.with(readOnlyBinds: SystemdLab.defaultReadOnlyBinds + [directory.path]) { lab in
            try await lab.installProjectUnits(unit)
            #expect(try await lab.systemctl("start", unit).status == 0)
            let looped = try await lab.waitUntil {
                (Int(try await lab.property(unit, "NRestarts")) ?? 0) >= 3
            }
            #expect(looped)
            #expect(try await lab.systemctl("stop", unit).status == 0)
            monitor.signal(SIGTERM)
            #expect(await monitor.finish(seconds: patience) == 0, "\(monitor.standardError)")

            let result = try await lab.aiops([
                "analyze", "restarts", "--service", unit, "--period", "1h", "--json", "--history", history,
            ])
            #expect(result.status == 0, "\(result.standardError)")
            let json = try AnalyzeServiceLabTests.object(result)
            let source = try #require(json["monitor_history"] as? [String: Any])
            #expect(source["available"] as? Bool == true, "\(source)")
            let crashes = try #require(json["episodes"] as? [[String: Any]]).filter {
                $0["category"] as? String == "crash"
            }
            try #require(crashes.count >= 3)
            #expect(source["matched"] as? Int == crashes.count)
            for crash in crashes {
                let death = try #require(crash["monitor"] as? [String: Any], "not joined: \(crash)")
                // The unit's shell kills itself: the sender is the dying process.
                #expect(death["comm"] as? String == "sh")
                #expect(death["killer_pid"] as? Int == death["pid"] as? Int)
                #expect(death["source"] as? String == "bpf")
                // The exit event's high-water mark, kept in the history (a shell uses at least 1 MiB).
                #expect((death["peak_rss_bytes"] as? Int ?? 0) > 1 << 20, "\(death)")
                let joinedAt = try #require(Self.microseconds(death["time"]))
                let loggedAt = try #require(Self.microseconds(crash["time"]))
                #expect(abs(loggedAt - joinedAt) < 2_000_000)
            }
            let table = try await lab.aiops([
                "analyze", "restarts", "--service", unit, "--period", "1h", "--history", history,
            ])
            #expect(table.standardOutput.contains("signal sent by itself"), "\(table.standardOutput)")
            #expect(table.standardOutput.contains("matched to episodes"))
        }
    }

    @Test("manual systemctl restarts are classified manual, with the recovery from Stopping to Started")
    func manualRestarts() async throws {
        try await SystemdLab.with { lab in
            let unit = "aiops-lab-steady.service"
            try await lab.installProjectUnits(unit)
            #expect(try await lab.systemctl("start", unit).status == 0)
            #expect(try await lab.systemctl("restart", unit).status == 0)
            #expect(try await lab.systemctl("restart", unit).status == 0)

            let json = try await Self.restarts(lab, unit)
            let episodes = try #require(json["episodes"] as? [[String: Any]])
            #expect(episodes.count == 2)
            let stops = try await Self.times(lab, unit, Self.stopping)
            let starts = try await Self.times(lab, unit, Self.started)
            for (index, episode) in episodes.enumerated() {
                #expect(episode["category"] as? String == "manual_restart")
                #expect(episode["automatic"] as? Bool == false)
                #expect(Self.microseconds(episode["time"]) == stops[index])
                #expect(Self.microseconds(episode["recovered_at"]) == starts[index + 1])
            }
            #expect((json["statistics"] as? [String: Any])?["restarts"] as? Int == 2)
            #expect((json["current"] as? [String: Any])?["active_state"] as? String == "active")
        }
    }

    @Test(
        "a start limit hit: one episode per start systemd made, the last refused, each cause and status as systemd logged"
    )
    func startLimit() async throws {
        try await SystemdLab.with { lab in
            let unit = "aiops-lab-startlimit.service"
            try await lab.installProjectUnits(unit)
            _ = try await lab.systemctl("start", unit)
            let gaveUp = try await lab.waitUntil {
                try await lab.property(unit, "ActiveState") == "failed"
            }
            #expect(gaveUp)
            let json = try await Self.restarts(lab, unit)
            // The oracle, read independently: systemd's restart counter (not reset: nothing
            // stopped the unit), and the journal's starts and main-process exits with their status.
            let counter = try #require(Int(try await lab.property(unit, "NRestarts")))
            let starts = try await Self.times(lab, unit, Self.started)
            let exits = try await lab.journal(["UNIT=\(unit)", "MESSAGE_ID=\(Self.exited)"])
            let exitTimes = exits.compactMap { ($0["__REALTIME_TIMESTAMP"] as? String).flatMap { Int64($0) } }
            let refused = try await lab.journal(["UNIT=\(unit)"]).filter {
                ($0["MESSAGE"] as? String)?.hasSuffix("Start request repeated too quickly.") == true
            }
            try #require(refused.count == 1, "systemd refused one start")
            try #require(starts.count >= 2 && exits.count == starts.count, "each run started and exited")
            // Each start made a run that crashed; each crash scheduled a restart (the counter), the
            // last of which the start limit refused: runs = starts = exits = the counter.
            #expect(counter == starts.count)

            let episodes = try #require(json["episodes"] as? [[String: Any]])
            #expect(episodes.count == starts.count, "one episode per start systemd made")
            guard episodes.count == starts.count else { return }
            for (index, episode) in episodes.enumerated() {
                let logged = exits[index]
                let code = try #require(logged["EXIT_CODE"] as? String)
                let status = try #require((logged["EXIT_STATUS"] as? String).flatMap { Int($0) })
                let exit = try #require(episode["exit"] as? [String: Any], "\(episode)")
                #expect(exit["code"] as? String == code)
                #expect(exit["status"] as? Int == status)
                // A signal death (the unit kills itself with SIGSEGV) is a crash, a status an exit-code failure.
                #expect(episode["cause"] as? String == (code == "exited" ? "exit_code" : "crash"))
                #expect(
                    episode["result"] as? String
                        == (code == "dumped" ? "core-dump" : code == "killed" ? "signal" : "exit-code"))
                #expect(Self.microseconds(episode["time"]) == exitTimes[index])
                #expect(Self.microseconds(episode["run_started_at"]) == starts[index])
                #expect(episode["automatic"] as? Bool == true)
                #expect(episode["restart_counter"] as? Int == index + 1)
                let last = index == episodes.count - 1
                #expect(episode["start_limit_hit"] as? Bool == last)
                if last {
                    #expect(episode["category"] as? String == "start_limit_hit")
                    #expect(episode["recovered_at"] is NSNull)
                } else {
                    #expect(episode["category"] as? String == episode["cause"] as? String)
                    #expect(Self.microseconds(episode["recovered_at"]) == starts[index + 1])
                }
            }
            let statistics = try #require(json["statistics"] as? [String: Any])
            #expect(statistics["restarts"] as? Int == starts.count - 1)
            #expect(statistics["episodes"] as? Int == starts.count)
            let advice = (json["advice"] as? [[String: Any]] ?? []).compactMap { $0["command"] as? String }
            #expect(advice.contains("systemctl reset-failed \(unit) && systemctl start \(unit)"))
        }
    }

    @Test("a missing executable is an exit-code failure 203/EXEC; a failed dependency is classified")
    func exitCodeAndDependency() async throws {
        try await SystemdLab.with { lab in
            try await lab.installProjectUnits(
                "aiops-lab-missing-exec.service", "aiops-lab-broken-dependency.service",
                "aiops-lab-needs-broken.service")
            _ = try await lab.systemctl("start", "aiops-lab-missing-exec.service")
            #expect(try await lab.systemctl("start", "aiops-lab-needs-broken.service").status != 0)
            let failed = try await lab.waitUntil {
                try await lab.property("aiops-lab-missing-exec.service", "ActiveState") == "failed"
            }
            #expect(failed)

            let missing = try await Self.restarts(lab, "aiops-lab-missing-exec")
            let episode = try #require((missing["episodes"] as? [[String: Any]])?.first)
            #expect(episode["category"] as? String == "exit_code")
            #expect(episode["exit_status"] as? Int == 203)
            #expect(
                (episode["exit"] as? [String: Any])?["meaning"] as? String == "systemd: failed at step EXEC")
            #expect(episode["errno"] as? Int == 2)

            let dependency = try await Self.restarts(lab, "aiops-lab-needs-broken")
            let categories = (dependency["episodes"] as? [[String: Any]] ?? []).map {
                $0["category"] as? String
            }
            #expect(categories == ["dependency"])
        }
    }

    @Test("bad input: a malformed name or period exits 2; an unknown unit 66; no systemd as PID 1 69")
    func badInput() async throws {
        for arguments in [
            ["--service", "$(id)"], ["--service", "x", "--period", "0"],
            ["--service", "x", "--period", "7x"],
            ["--service", "-h"],
        ] {
            let result = try await runCommand(BuildProducts.aiops, ["analyze", "restarts"] + arguments)
            #expect(result.status == 2, "\(arguments): \(result.standardError)")
        }
        let host = try runAiopsWithoutSystemd(["analyze", "restarts", "--service", "nginx"])
        #expect(host.status == 69)
        #expect(host.standardError.contains("does not run systemd as init"))
        try await SystemdLab.with { lab in
            let unknown = try await lab.aiops(["analyze", "restarts", "--service", "aiops-no-such-unit"])
            #expect(unknown.status == 66)
        }
    }
}
