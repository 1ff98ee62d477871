import AiopsAnalyze
import AiopsCore
import Testing

@testable import AiopsReports

/// The `analyze restarts` table on reports built without systemd.
@Suite("analyze restarts: the table")
struct RestartsTableTests {
    @Test("the sources say what each kernel log gave: the journal's kernel entries, the ring")
    func sources() {
        var report = RestartsReportFixture.report(episodes: [])
        report.kernelJournal = .read(oomKills: 2, entries: 5, narrowed: true)
        report.kernelLog = .read(oomKills: 1, lostRecords: 0)
        var table = RestartsReportFixture.table(report)
        #expect(
            table.contains(
                "journal (0 entries; 2 OOM kills among its kernel entries), kernel log (1 OOM kill in the buffer)"
            ))
        report.kernelJournal = .unavailable("journalctl failed (status 1): No journal files were found.")
        table = RestartsReportFixture.table(report)
        #expect(
            table.contains(
                "its kernel entries unreadable: journalctl failed (status 1): No journal files were found.)"))
    }

    @Test(
        "a stop that timed out: the SIGTERM ignored and the SIGKILL after TimeoutStopSec, not 'how it answers'"
    )
    func stopTimedOut() {
        let time = RestartsReportFixture.now - 1_000_000
        let killed = RestartsReportFixture.episode(
            .manualStop, at: time, exit: .init(code: .killed, status: 9), result: "timeout",
            recoveredAfter: nil)
        var table = RestartsReportFixture.table(RestartsReportFixture.report(episodes: [killed]))
        #expect(table.contains("The main process ignored the stop's SIGTERM: systemd killed it with SIGKILL"))
        #expect(!table.contains("how it answers a stop"))
        let exited143 = RestartsReportFixture.episode(
            .manualStop, at: time, exit: .init(code: .exited, status: 143), result: "exit-code",
            recoveredAfter: nil)
        table = RestartsReportFixture.table(RestartsReportFixture.report(episodes: [exited143]))
        #expect(
            table.contains("how it answers a stop, not a failure (SuccessExitStatus=143 would make it clean)")
        )
    }

    /// What the kernel log says about a process is the process's own bytes: its name can hold an
    /// escape sequence (prctl PR_SET_NAME), and it reaches the table escaped.
    @Test("an OOM-killed task named with an escape sequence is shown escaped")
    func hostileTaskName() {
        let kill = KernelOOMKill(
            time: RestartsReportFixture.now - 1_000_000, constraint: "CONSTRAINT_MEMCG",
            taskCgroup: "/system.slice/mysql.service", limitCgroup: nil, pid: 77,
            command: "x\u{1B}]0;owned\u{07}y")
        let report = RestartsReportFixture.report(episodes: [
            RestartsReportFixture.episode(
                .oomKill(evidence: .kernel(kill)), at: kill.time, exit: .init(code: .killed, status: 9))
        ])
        let table = RestartsReportFixture.table(report)
        #expect(!table.contains("\u{1B}"))
        #expect(!table.contains("\u{07}"))
        #expect(table.contains("Kernel: killed x\\e]0;owned"), "\(table)")
    }
}
