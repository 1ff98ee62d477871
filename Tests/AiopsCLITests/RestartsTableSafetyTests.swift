import AiopsAnalyze
import AiopsCore
import Testing

@testable import AiopsCLI

/// What the kernel log says about a process is the process's own bytes: its name can hold an
/// escape sequence (prctl PR_SET_NAME), and it reaches the table escaped.
@Suite("analyze restarts: kernel log text escaped in the table")
struct RestartsTableSafetyTests {
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
