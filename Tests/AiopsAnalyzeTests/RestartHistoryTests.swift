import AiopsAnalyze
import AiopsCore
import Testing

/// RestartHistory driven by event scripts in systemd 252's order (as the lab recorded them),
/// for the causes a container on this host cannot produce: OOM kills, the watchdog, Restart=always
/// after a clean exit. Times are seconds, written as µs.
@Suite("restart history from service events")
struct RestartHistoryTests {
    static func at(_ seconds: Double) -> Int64 { Int64(seconds * 1_000_000) }

    static func event(_ kind: ServiceEvent.Kind, _ seconds: Double, _ run: String?) -> ServiceEvent {
        ServiceEvent(kind: kind, time: at(seconds), invocationID: run)
    }

    /// A run that starts at `start`, dies at `end` with `exit` and `result`, and is restarted by systemd.
    static func autoRestartedRun(
        _ run: String, start: Double, end: Double, exit: ServiceEvent.ProcessExit, result: String?,
        counter: Int
    ) -> [ServiceEvent] {
        var events = [event(.started, start, run), event(.processExited(exit), end, run)]
        if let result { events.append(event(.failed(result: result), end + 0.0001, run)) }
        events.append(event(.restartScheduled(counter: counter), end + 1, run))
        events.append(event(.stopped(jobType: "restart"), end + 1.0001, run))
        return events
    }

    @Test("SIGKILL on cgroup v1 + a kernel oom-kill line for the unit's cgroup = an OOM kill")
    func kernelOOM() throws {
        let kill = KernelOOMKill(
            time: Self.at(100.0005), constraint: "CONSTRAINT_MEMCG",
            taskCgroup: "/machine/payload/system.slice/db.service",
            limitCgroup: "/machine/payload/system.slice/db.service",
            pid: 4242, command: "db", anonymousResidentKB: 4_200_000)
        let events =
            Self.autoRestartedRun(
                "a", start: 10, end: 100, exit: .init(code: .killed, status: 9), result: "signal", counter: 1)
            + [Self.event(.started, 101.5, "b")]
        let history = RestartHistory(
            events: events, context: .init(controlGroup: "/system.slice/db.service", kernelOOMKills: [kill]))
        let episode = try #require(history.episodes.first)
        #expect(history.episodes.count == 1)
        #expect(episode.cause == .oomKill(evidence: .kernel(kill)))
        #expect(episode.category == "oom_kill")
        #expect(episode.recoverySeconds == 1.5)
        #expect(episode.uptimeSeconds == 90)

        // The same SIGKILL without a kernel line (or one for another cgroup, or too far away) is a crash.
        for context in [
            RestartHistory.Context(controlGroup: "/system.slice/db.service"),
            RestartHistory.Context(controlGroup: "/system.slice/web.service", kernelOOMKills: [kill]),
        ] {
            #expect(
                RestartHistory(events: events, context: context).episodes.first?.cause
                    == .crash(signal: 9, coreDumped: false))
        }
        var late = kill
        late.time = Self.at(110)
        #expect(
            RestartHistory(
                events: events,
                context: .init(controlGroup: "/system.slice/db.service", kernelOOMKills: [late])
            )
            .episodes.first?.cause == .crash(signal: 9, coreDumped: false))
    }

    @Test("systemd's own OOM verdict (cgroup v2) and the watchdog")
    func systemdVerdicts() {
        let oom =
            [Self.event(.started, 0, "a"), Self.event(.oomKilled, 5, "a")]
            + Self.autoRestartedRun(
                "a", start: 0, end: 5.1, exit: .init(code: .killed, status: 9), result: "oom-kill", counter: 1
            )
            .dropFirst() + [Self.event(.started, 6.5, "b")]
        #expect(RestartHistory(events: Array(oom)).episodes.map(\.cause) == [.oomKill(evidence: .systemd)])

        let watchdog =
            [Self.event(.started, 0, "a"), Self.event(.watchdogTimeout, 30, "a")]
            + Self.autoRestartedRun(
                "a", start: 0, end: 30.1, exit: .init(code: .killed, status: 6), result: "watchdog",
                counter: 1
            )
            .dropFirst()
        #expect(RestartHistory(events: Array(watchdog)).episodes.map(\.cause) == [.watchdog])
    }

    @Test("a clean exit restarted by Restart=always, and a run still going is no episode")
    func cleanExitAndCurrentRun() throws {
        let events =
            Self.autoRestartedRun(
                "a", start: 0, end: 60, exit: .init(code: .exited, status: 0), result: nil, counter: 1)
            + [Self.event(.started, 61, "b")]
        let history = RestartHistory(events: events)
        #expect(history.episodes.map(\.cause) == [.cleanExit])
        #expect(history.episodes.first?.automatic == true)
    }

    @Test("manual restart vs manual stop then start vs a failed dependency")
    func operatorActions() {
        let events = [
            Self.event(.started, 0, "a"), Self.event(.stopping, 10, "a"),
            Self.event(.deactivated, 10.01, "a"),
            Self.event(.stopped(jobType: "restart"), 10.02, "a"), Self.event(.started, 10.05, "b"),
            Self.event(.stopping, 20, "b"), Self.event(.deactivated, 20.01, "b"),
            Self.event(.stopped(jobType: "stop"), 20.02, "b"),
            Self.event(.startJobFailed(result: "dependency"), 25, nil),
            Self.event(.started, 30, "c"),
        ]
        let episodes = RestartHistory(events: events).episodes
        #expect(episodes.map(\.cause) == [.manualRestart, .manualStop, .dependencyFailed])
        #expect(episodes.map(\.automatic) == [false, false, false])
        #expect(episodes[0].recoverySeconds.map { abs($0 - 0.05) < 1e-9 } == true)
        #expect(episodes[1].recoverySeconds == 10)
        #expect(episodes[2].recoverySeconds == 5)
    }

    @Test("a restart or stop of a process that exits 143 or 1 on SIGTERM is manual, the exit a detail")
    func manualStopOfProcessThatFailsOnSIGTERM() throws {
        // The lab's order (systemd 252): Stopping, the exit, "Failed with result", Stopped, Started.
        let exit143 = ServiceEvent.ProcessExit(code: .exited, status: 143, command: "ExecStart")
        let exit1 = ServiceEvent.ProcessExit(code: .exited, status: 1, command: "ExecStart")
        let events = [
            Self.event(.started, 0, "a"), Self.event(.stopping, 10, "a"),
            Self.event(.processExited(exit143), 10.002, "a"),
            Self.event(.failed(result: "exit-code"), 10.0021, "a"),
            Self.event(.stopped(jobType: "restart"), 10.0022, "a"), Self.event(.started, 10.01, "b"),
            Self.event(.stopping, 20, "b"), Self.event(.processExited(exit1), 20.001, "b"),
            Self.event(.failed(result: "exit-code"), 20.0011, "b"),
            Self.event(.stopped(jobType: "stop"), 20.0012, "b"),
        ]
        let episodes = RestartHistory(events: events).episodes
        #expect(episodes.map(\.cause) == [.manualRestart, .manualStop])
        #expect(episodes.map(\.exit) == [exit143, exit1])
        #expect(episodes.map(\.result) == ["exit-code", "exit-code"])
        #expect(episodes.map(\.automatic) == [false, false])
        #expect(episodes.map(\.time) == [Self.at(10), Self.at(20)], "measured from the stop request")
        #expect(episodes[0].recoverySeconds.map { abs($0 - 0.01) < 1e-9 } == true)

        // The same exit without a stop request before it is the service failing on its own.
        let failedAlone = [
            Self.event(.started, 0, "a"), Self.event(.processExited(exit1), 5, "a"),
            Self.event(.failed(result: "exit-code"), 5.0001, "a"), Self.event(.stopping, 6, "a"),
            Self.event(.stopped(jobType: "restart"), 6.001, "a"), Self.event(.started, 6.01, "b"),
        ]
        #expect(
            RestartHistory(events: failedAlone).episodes.map(\.cause) == [.exitCode(status: 1, errno: nil)])
    }

    @Test("a oneshot unit started three times: completed runs, not restarts, and no restart rate")
    func oneshotRunsAreNotRestarts() {
        // A oneshot's "Finished" (the Started message id) comes after its "Deactivated successfully."
        var events: [ServiceEvent] = []
        for (index, start) in [0.0, 1.0, 2.0].enumerated() {
            events += [
                Self.event(.starting, start, "r\(index)"),
                Self.event(.deactivated, start + 0.004, "r\(index)"),
                Self.event(.started, start + 0.0041, "r\(index)"),
            ]
        }
        let history = RestartHistory(events: events)
        #expect(history.episodes.isEmpty)
        #expect(history.completedRuns == [Self.at(0.004), Self.at(1.004), Self.at(2.004)])
        let statistics = RestartStatistics(
            episodes: history.episodes, completedRuns: history.completedRuns.count, periodSeconds: 3600,
            hourOf: { _ in 0 })
        #expect(statistics.restarts == 0)
        #expect(statistics.restartsPerDay == 0)
        #expect(!statistics.rateIsHigh)
        #expect(statistics.completedRuns == 3)
    }

    @Test("over less than a day (a young journal) one restart is no pattern to warn about; two are")
    func rateWarningOverAShortPeriod() {
        let crashes =
            Self.autoRestartedRun(
                "a", start: 0, end: 10, exit: .init(code: .dumped, status: 11), result: "core-dump",
                counter: 1)
            + Self.autoRestartedRun(
                "b", start: 11, end: 20, exit: .init(code: .dumped, status: 11), result: "core-dump",
                counter: 2)
            + [Self.event(.started, 22, "c")]
        let episodes = RestartHistory(events: crashes).episodes
        let one = RestartStatistics(
            episodes: Array(episodes.prefix(1)), periodSeconds: 3600, hourOf: { _ in 0 })
        #expect(one.restartsPerDay == 24)
        #expect(!one.rateIsHigh)
        #expect(RestartStatistics(episodes: episodes, periodSeconds: 3600, hourOf: { _ in 0 }).rateIsHigh)
        // Over a week the threshold is the rate itself: 8 restarts in 7 days warn.
        let week = RestartStatistics(
            episodes: Array(repeating: episodes[0], count: 8), periodSeconds: 7 * 86_400, hourOf: { _ in 0 })
        #expect(week.rateIsHigh)
    }

    @Test("systemctl kill -s TERM under Restart=always: a clean end restarted by systemd, the signal kept")
    func outsideSIGTERMUnderRestartAlways() throws {
        // No "Main process exited": systemd logs a clean SIGTERM death at debug level.
        let events = [
            Self.event(.started, 0, "a"), Self.event(.signalSent(signal: 15), 5, "a"),
            Self.event(.deactivated, 5.004, "a"), Self.event(.restartScheduled(counter: 1), 6.05, "a"),
            Self.event(.stopped(jobType: "restart"), 6.0501, "a"), Self.event(.started, 6.07, "b"),
        ]
        let episode = try #require(RestartHistory(events: events).episodes.first)
        #expect(episode.cause == .cleanExit)
        #expect(episode.signalSent == 15)
        #expect(episode.automatic)
        #expect(episode.restartCounter == 1)
        #expect(episode.recoverySeconds.map { abs($0 - 1.066) < 1e-9 } == true)
    }

    @Test("statistics: rate, mean uptime, MTTR, intervals, hours and shares")
    func statistics() throws {
        // Three crashes 100 s, 1000 s and 10 000 s after their starts, each restarted 2 s later.
        var events: [ServiceEvent] = []
        var start = 0.0
        for (index, gap) in [100.0, 1000.0, 10_000.0].enumerated() {
            events += Self.autoRestartedRun(
                "r\(index)", start: start, end: start + gap - 2, exit: .init(code: .dumped, status: 11),
                result: "core-dump", counter: index + 1)
            start += gap
        }
        events.append(Self.event(.started, start, "r3"))
        let episodes = RestartHistory(events: events).episodes
        #expect(episodes.count == 3)
        let statistics = RestartStatistics(episodes: episodes, periodSeconds: 2 * 86_400, hourOf: { _ in 3 })
        #expect(statistics.restarts == 3)
        #expect(statistics.restartsPerDay == 1.5)
        #expect(statistics.rateIsHigh)
        #expect(statistics.meanRecoverySeconds == 2)
        #expect(abs((statistics.meanUptimeSeconds ?? 0) - (98 + 998 + 9998) / 3) < 1e-6)
        let intervals = try #require(statistics.intervals)
        #expect(intervals.minimumSeconds == 1000)
        #expect(intervals.maximumSeconds == 10_000)
        #expect(intervals.buckets == [0, 0, 1, 1, 0])
        #expect(statistics.byHour[3] == 3)
        #expect(statistics.causes == [.init(category: "crash", count: 3)])
    }
}
