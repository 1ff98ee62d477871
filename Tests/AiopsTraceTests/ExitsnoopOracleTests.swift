import AiopsCore
import AiopsTestSupport
import AiopsTrace
import Foundation
import Testing

/// libbpf-tools' exitsnoop as an oracle: for the same children, run at the same time, aiops and
/// exitsnoop must agree on every exit code, signal and core flag.
@Suite("exitsnoop oracle")
struct ExitsnoopOracleTests {
    @Test("aiops and exitsnoop agree on the exits of the same children")
    func agreeWithExitsnoop() async throws {
        try mountTracefs()  // exitsnoop attaches classic tracepoints, which need tracefs
        let exitsnoop = try RunningCommand("/usr/bin/stdbuf", ["-oL", "/usr/sbin/exitsnoop"])
        #expect(
            exitsnoop.waitFor { output, _ in output.contains("PCOMM") },
            "exitsnoop did not start")
        let collector = EventCollector(try TestSources.bpf())

        let directory = TemporaryDirectory()
        var children: [(child: Child, status: Int32)] = []
        for arguments in [
            ["exit", "0"], ["exit", "3"], ["exit", "255"], ["segv", "nocore"], ["segv", "core"],
        ] {
            children.append(try runTestChild(arguments, in: directory))
        }
        let victim = try startChild(BuildProducts.testChild, ["sleep", "600"], in: directory.path)
        waitUntilAsleep(victim.pid)
        try runTestChild(["kill", String(victim.pid), "9"], in: directory)
        children.append((victim, waitForExit(victim.pid)))

        for child in children { _ = await collector.exit(of: child.child) }
        _ = exitsnoop.waitFor { output, _ in
            children.allSatisfy { child in output.contains(" \(child.child.pid) ") }
        }
        // Its lines are flushed one by one (stdbuf -oL); it may have inherited a blocked SIGINT
        // from the test runner, so end it the sure way.
        exitsnoop.signal(SIGKILL)
        exitsnoop.finish()
        await collector.stop()

        let oracle = parseExitsnoop(exitsnoop.standardOutput)
        for child in children {
            let fromWait = AiopsCore.ExitStatus(waitStatus: UInt32(bitPattern: child.status))
            let fromAiops = await collector.exit(of: child.child)?.1.status
            let fromExitsnoop = oracle[child.child.pid] ?? []
            #expect(!fromExitsnoop.isEmpty, "exitsnoop missed \(child.child)")
            // pid_max is 32768 here: under load another child of this test process may have had
            // the same pid during the run, so the child's exit must be among that pid's exits.
            #expect(
                fromAiops.map(fromExitsnoop.contains) == true,
                "\(child.child): aiops \(String(describing: fromAiops)), exitsnoop \(String(describing: fromExitsnoop))"
            )
            #expect(fromAiops == fromWait)
        }
    }

    /// "PCOMM PID PPID TID AGE(s) EXIT_CODE" where EXIT_CODE is "0", "code N", or
    /// "signal N (name)" with ", core dumped" when it dumped. Only children of this test process
    /// (PPID): exitsnoop has no start times, and other processes may have held the same pids.
    private func parseExitsnoop(_ output: String) -> [pid_t: [AiopsCore.ExitStatus]] {
        var result: [pid_t: [AiopsCore.ExitStatus]] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, let pid = pid_t(fields[1]), pid_t(fields[2]) == getpid() else {
                continue
            }
            let code = fields[5...].joined(separator: " ")
            if code == "0" {
                result[pid, default: []].append(.exited(0))
            } else if code.hasPrefix("code "), let value = UInt8(code.dropFirst(5)) {
                result[pid, default: []].append(.exited(value))
            } else if code.hasPrefix("signal "), let number = Int32(code.dropFirst(7).prefix { $0.isNumber })
            {
                result[pid, default: []].append(.killed(by: number, coreDumped: code.contains("core dumped")))
            }
        }
        return result
    }
}

/// tracefs for classic tracepoints (exitsnoop). aiops itself does not need it.
func mountTracefs() throws {
    if access("/sys/kernel/tracing/trace_pipe", F_OK) == 0 { return }
    let result = try runCommand("/bin/mount", ["-t", "tracefs", "nodev", "/sys/kernel/tracing"])
    if result.status != 0 && access("/sys/kernel/tracing/trace_pipe", F_OK) != 0 {
        Issue.record("cannot mount tracefs: \(result.standardError)")
    }
}
