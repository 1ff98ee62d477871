import AiopsAnalyze
import AiopsCore
import Foundation
import Testing

@testable import AiopsReports

/// The suggestions of `analyze restarts`, split as the specification's sample: short term (get
/// the service back, keep the evidence) and long term (find the cause, catch the next death).
@Suite("analyze restarts: short- and long-term suggestions")
struct RestartAdviceTests {
    typealias Fixture = RestartsReportFixture

    static let oomKill = KernelOOMKill(
        time: Fixture.now - 86_400_000_000, constraint: "CONSTRAINT_MEMCG",
        taskCgroup: "/system.slice/mysql.service",
        limitCgroup: "/system.slice/mysql.service", pid: 2800, command: "mysqld",
        anonymousResidentKB: 4_194_304)

    static func commands(_ report: RestartsReport, _ term: RestartsReport.Advice.Term) -> [String] {
        report.advice.filter { $0.term == term }.compactMap(\.command)
    }

    @Test("an OOM kill at MemoryMax: raise it now; find the leak and watch the unit later")
    func oomKill() throws {
        let report = Fixture.report(
            episodes: [
                Fixture.episode(
                    .oomKill(evidence: .kernel(Self.oomKill)), at: Self.oomKill.time,
                    exit: .init(code: .killed, status: 9), result: "signal")
            ], memoryMax: 4 << 30)
        #expect(Self.commands(report, .short) == ["systemctl set-property mysql.service MemoryMax=6144M"])
        #expect(
            Self.commands(report, .long) == [
                "aiops analyze process --pid 2891 --resources --duration 30m --interval 10s",
                "aiops monitor processes --daemon --critical mysql.service",
            ])
        #expect(!report.advice.contains { ($0.command ?? "").contains("alert create") })

        let table = Fixture.table(report)
        let short = try #require(table.range(of: "Short term:"))
        let long = try #require(table.range(of: "Long term:"))
        #expect(short.upperBound < long.lowerBound)
        #expect(table.contains("    1. Raise the memory limit"))
        #expect(table.contains("    2. Watch the unit with the monitoring daemon"))

        let advice = try #require(try Fixture.json(report)["advice"] as? [[String: Any]])
        #expect(advice.map { $0["term"] as? String } == ["short", "long", "long"])
        #expect(advice.allSatisfy { $0["text"] is String && $0["command"] is String })
    }

    @Test("without a main PID the leak hunt asks systemd for it, the unit name quoted")
    func noMainPID() {
        let report = Fixture.report(
            unit: "my\\x2ddb.service",
            episodes: [Fixture.episode(.oomKill(evidence: .systemd), at: Fixture.now - 1_000_000)],
            mainPID: nil)
        #expect(
            Self.commands(report, .long).first
                == #"aiops analyze process --pid "$(systemctl show -p MainPID --value 'my\x2ddb.service')" "#
                + "--resources --duration 30m --interval 10s")
        #expect(
            Self.commands(report, .short).first?.hasPrefix("journalctl _TRANSPORT=kernel --since '") == true)
    }

    @Test("a manual stop whose process exits 143 and is marked failed: SuccessExitStatus=143, only then")
    func successExitStatus() {
        let exit143 = ServiceEvent.ProcessExit(code: .exited, status: 143, command: "ExecStart")
        let stopped = Fixture.report(
            unit: "app.service",
            episodes: [
                Fixture.episode(
                    .manualRestart, at: Fixture.now - 9_000_000, exit: exit143, result: "exit-code"),
                Fixture.episode(.manualStop, at: Fixture.now - 1_000_000, exit: exit143, result: "exit-code"),
            ])
        #expect(
            Self.commands(stopped, .short).contains(
                "mkdir -p /etc/systemd/system/app.service.d && printf '[Service]\\nSuccessExitStatus=143\\n' "
                    + "> /etc/systemd/system/app.service.d/50-success-exit-status.conf && systemctl daemon-reload"
            ))
        #expect(Self.commands(stopped, .long).isEmpty, "an operator's stops: no killer to catch")

        // Not when the stop ended cleanly, when the run was not marked failed, or when the
        // service itself exited 143 with no stop request before it.
        for episode in [
            Fixture.episode(.manualStop, at: 5, exit: .init(code: .exited, status: 0), result: nil),
            Fixture.episode(.manualStop, at: 5, exit: exit143, result: nil),
            Fixture.episode(.manualStop, at: 5, exit: .init(code: .exited, status: 1), result: "exit-code"),
            Fixture.episode(.exitCode(status: 143, errno: nil), at: 5, exit: exit143, result: "exit-code"),
        ] {
            let report = Fixture.report(unit: "app.service", episodes: [episode])
            #expect(
                !report.advice.contains { ($0.command ?? "").contains("SuccessExitStatus") }, "\(episode)")
        }

        // 130 (SIGINT as KillSignal) and 143 in one history: both declared.
        let both = Fixture.report(
            unit: "app.service",
            episodes: [
                Fixture.episode(.manualStop, at: 5, exit: exit143, result: "exit-code"),
                Fixture.episode(
                    .manualStop, at: 9, exit: .init(code: .exited, status: 130), result: "exit-code"),
            ])
        #expect(both.advice.contains { ($0.command ?? "").contains("SuccessExitStatus=130 143\\n") })
    }

    @Test("deaths the monitoring daemon already caught: no advice to start it")
    func monitorAlreadyRunning() {
        let crash = Fixture.episode(
            .crash(signal: 11, coreDumped: true), at: Fixture.now - 5_000_000,
            exit: .init(code: .dumped, status: 11))
        let watched = Fixture.report(
            episodes: [crash],
            monitorDeaths: [
                0: ExitRecord(
                    unixNanoseconds: crash.time * 1000, pid: 7, ppid: 1, uid: 0, comm: "mysqld", argv: [],
                    startUnixNanoseconds: nil, unit: "mysql.service", status: nil, snapshot: nil, source: .bpf
                )
            ])
        #expect(!watched.advice.contains { ($0.command ?? "").contains("aiops monitor") })
        #expect(Self.commands(watched, .long) == ["cat /proc/sys/kernel/core_pattern"])
        let unwatched = Fixture.report(episodes: [crash])
        #expect(
            Self.commands(unwatched, .long).last
                == "aiops monitor processes --daemon --critical mysql.service")
    }

    @Test("nothing seen, nothing said")
    func nothing() {
        let report = Fixture.report(episodes: [])
        #expect(report.advice.isEmpty)
        #expect(Fixture.table(report).contains("nothing to do: no failures in the period"))
    }
}
