import AiopsTestSupport
import Foundation
import Testing

/// `aiops trace` run as an operator runs it: the real binary, real children, real kernel.
@Suite("aiops trace sessions")
struct TraceSessionTests {
    static let requiredFields: [String: [String]] = [
        "exec": ["filename", "argv", "argv_truncated"],
        "fork": ["child_pid", "thread"],
        "exit": ["exit_code", "signal", "signal_name", "core_dumped", "age_s"],
        "signal": ["signal", "signal_name", "sender_pid", "target_pid", "code", "result"],
    ]

    @Test(
        "--pid --json follows grandchildren born during the trace, ends when the tree is gone, summary last")
    func pidTreeJSON() throws {
        let gate = try Gate()
        let root = try spawnChild(
            "/bin/sh", ["-c", "read go < \(gate.path); exec \(BuildProducts.testChild) tree 2"])
        let trace = try RunningCommand(
            BuildProducts.aiops, ["trace", "--json", "--pid", String(root), "--duration", "30s"])
        #expect(trace.waitUntilTracing())
        try gate.open()
        waitForExit(root)
        let status = trace.finish()
        #expect(status == 0, "stderr: \(trace.standardError)")

        let lines = trace.jsonLines
        let summary = try #require(lines.last)
        #expect(summary["event"] as? String == "summary")
        #expect(summary["backend"] as? String == "bpf")
        #expect(summary["kernel_dropped"] as? Int == 0)
        #expect(summary["stream_dropped"] as? Int == 0)
        #expect(summary["read_errors"] as? Int == 0)
        let events = lines.dropLast()
        #expect(events.allSatisfy { ($0["event"] as? String) != "summary" })
        for event in events { try checkSchema(event) }

        // Every event concerns the tree: the root, its child, its grandchild.
        let execs = events.filter { $0["event"] as? String == "exec" }
        #expect(execs.first?["pid"] as? Int == Int(root))
        let grandchildExec = try #require(
            execs.first { ($0["argv"] as? [String])?.suffix(2) == ["exit", "7"] })
        let grandchild = try #require(grandchildExec["pid"] as? Int)
        let grandchildExit = try #require(
            events.first { $0["event"] as? String == "exit" && $0["pid"] as? Int == grandchild })
        #expect(grandchildExit["exit_code"] as? Int == 7)
        #expect(grandchildExit["signal"] is NSNull)
        #expect((grandchildExit["argv"] as? [String])?.suffix(2) == ["exit", "7"])
        let rootExit = try #require(
            events.first { $0["event"] as? String == "exit" && $0["pid"] as? Int == Int(root) })
        #expect(rootExit["exit_code"] as? Int == 0)
        let forks = events.filter { $0["event"] as? String == "fork" }
        #expect(forks.count == 2)
        #expect(Set(events.compactMap { $0["pid"] as? Int }).count == 3)
    }

    @Test("the table shows hostile names escaped: no raw escape sequence reaches the terminal")
    func hostileNamesEscaped() throws {
        let trace = try RunningCommand(BuildProducts.aiops, ["trace", "--events", "exit"])
        #expect(trace.waitUntilTracing())
        // comm "evil" ESC "]0;pwned" BEL newline
        let pid = try spawnChild(BuildProducts.testChild, ["rename", "6576696c1b5d303b70776e65640707", "50"])
        waitForExit(pid)
        #expect(trace.waitFor { output, _ in output.contains(" \(pid) ") })
        trace.signal(SIGINT)
        #expect(trace.finish() == 0)
        let line = try #require(trace.standardOutput.split(separator: "\n").first { $0.contains(" \(pid) ") })
        #expect(line.contains("evil\\e]0;pwned\\x07"))
        #expect(!trace.standardOutput.contains("\u{1B}]"))
        #expect(!trace.standardOutput.contains("\u{07}"))
    }

    @Test("`aiops trace | head -1` ends quietly and promptly")
    func brokenPipe() throws {
        let directory = TemporaryDirectory()
        let errors = directory.file("stderr")
        // Promptly: far sooner than the 10 minutes asked for, or the failure deadline kills it
        // (status 137). How soon is a benchmark's question, not a test's.
        let result = try runCommand(
            "/bin/bash",
            [
                "-c",
                "set -o pipefail; '\(BuildProducts.aiops)' trace --duration 600s 2>'\(errors)' | head -1",
            ],
            timeout: patience)
        // The header fills head's one line; the next batch of events finds the pipe closed.
        #expect(result.status == 0)
        #expect(result.outputLines.count == 1)
        let stderr = try String(contentsOfFile: errors, encoding: .utf8)
        #expect(stderr.split(separator: "\n").allSatisfy { $0.contains("tracing with") }, "stderr: \(stderr)")
    }

    @Test("SIGTERM ends the session cleanly with the summary as the last JSON line")
    func sigterm() throws {
        let trace = try RunningCommand(BuildProducts.aiops, ["trace", "--json"])
        #expect(trace.waitUntilTracing())
        try runTestChild(["exit", "1"])
        trace.signal(SIGTERM)
        #expect(trace.finish() == 0)
        let summary = try #require(trace.jsonLines.last)
        #expect(summary["event"] as? String == "summary")
        #expect(summary["complete"] as? Bool == true)
        #expect(((summary["events"] as? [String: Int])?["exit"] ?? 0) >= 1)
    }

    @Test("--failed shows only abnormal exits", arguments: ["bpf", "proc"])
    func failedOnly(backend: String) throws {
        let trace = try RunningCommand(
            BuildProducts.aiops,
            ["trace", "--json", "--failed", "--backend", backend, "--comm", "aiops-testchild"])
        #expect(trace.waitUntilTracing())
        let (good, _) = try runTestChild(["linger", "100", "0"])
        let (bad, _) = try runTestChild(["linger", "100", "3"])
        #expect(trace.waitFor { output, _ in output.contains("\"pid\":\(bad.pid),") })
        trace.signal(SIGINT)
        #expect(trace.finish() == 0)
        let events = trace.jsonLines.filter { $0["event"] as? String != "summary" }
        #expect(events.allSatisfy { $0["event"] as? String == "exit" })
        #expect(events.contains { $0["pid"] as? Int == Int(bad.pid) && $0["exit_code"] as? Int == 3 })
        #expect(!events.contains { $0["pid"] as? Int == Int(good.pid) })
    }

    @Test("--unit traces the processes of one cgroup, and signals sent into it from outside")
    func unitCgroup() throws {
        let cgroup = try TestCgroup()
        let gate = try Gate()
        let launcher = try spawnChild(
            "/bin/sh",
            [
                "-c",
                "read go < \(gate.path); \(BuildProducts.testChild) exit 4; \(BuildProducts.testChild) sleep 30",
            ])
        try cgroup.add(launcher)
        let trace = try RunningCommand(BuildProducts.aiops, ["trace", "--json", "--unit", cgroup.name])
        #expect(trace.waitUntilTracing())
        try gate.open()
        try runTestChild(["exit", "5"])  // outside the unit: must not appear
        #expect(
            trace.waitFor { output, _ in
                output.contains("\"argv\":[\"\(BuildProducts.testChild)\",\"sleep\"")
            })
        kill(launcher, SIGTERM)  // from the test, outside the unit, into it
        waitForExit(launcher)
        #expect(trace.waitFor { output, _ in output.contains("\"signal_name\":\"SIGTERM\"") })
        trace.signal(SIGINT)
        #expect(trace.finish() == 0)

        let events = trace.jsonLines.filter { $0["event"] as? String != "summary" }
        let exit4 = try #require(
            events.first { $0["event"] as? String == "exit" && $0["exit_code"] as? Int == 4 })
        #expect(exit4["unit"] as? String == cgroup.name)
        #expect(!events.contains { $0["exit_code"] as? Int == 5 })
        let term = try #require(events.first { $0["signal_name"] as? String == "SIGTERM" })
        #expect(term["target_pid"] as? Int == Int(launcher))
        #expect(term["sender_pid"] as? Int == Int(getpid()))
    }

    private func checkSchema(_ event: [String: Any]) throws {
        for field in ["time", "event", "pid", "tid", "ppid", "uid", "comm", "source"] {
            #expect(event[field] != nil, "missing \(field) in \(event)")
        }
        let time = try #require(event["time"] as? String)
        #expect(time.count == 27 && time.hasSuffix("Z"), "time \(time) is not RFC 3339 UTC with microseconds")
        #expect(event["source"] as? String == "bpf")
        let kind = try #require(event["event"] as? String)
        for field in Self.requiredFields[kind] ?? [] {
            #expect(event[field] != nil, "missing \(field) in \(kind) event \(event)")
        }
    }
}

/// A FIFO a child blocks on until the test opens it, so the child acts only once the tracer is
/// attached.
final class Gate {
    let directory = TemporaryDirectory()
    var path: String { directory.file("gate") }

    init() throws {
        guard mkfifo(directory.file("gate"), 0o600) == 0 else { throw SpawnError.failed("mkfifo", errno) }
    }

    func open() throws {
        let fd = Foundation.open(path, O_WRONLY)
        guard fd >= 0 else { throw SpawnError.failed("open gate", errno) }
        _ = "go\n".withCString { write(fd, $0, 3) }
        close(fd)
    }
}

/// A cgroup v2 directory named like a systemd service, removed at deinit.
final class TestCgroup {
    let name = "aiops-test-\(UInt32.random(in: 0...UInt32.max)).service"
    let path: String

    init() throws {
        path = "/sys/fs/cgroup/unified/" + name
        guard mkdir(path, 0o755) == 0 else { throw SpawnError.failed("mkdir \(path)", errno) }
    }

    func add(_ pid: pid_t) throws {
        try "\(pid)\n".write(toFile: path + "/cgroup.procs", atomically: false, encoding: .utf8)
    }

    deinit {
        // Move leftovers out, then remove the directory.
        if let pids = try? String(contentsOfFile: path + "/cgroup.procs", encoding: .utf8) {
            for pid in pids.split(separator: "\n") {
                try? "\(pid)\n".write(
                    toFile: "/sys/fs/cgroup/unified/cgroup.procs", atomically: false, encoding: .utf8)
            }
        }
        rmdir(path)
    }
}

@Suite("Output failures")
struct OutputFailureTests {
    @Test("a full disk is an error with a message (exit 74, as for the reports), not a silent success")
    func fullDisk() throws {
        let result = try runCommand(
            "/bin/sh", ["-c", "'\(BuildProducts.aiops)' trace --duration 1s > /dev/full"])
        #expect(result.status == 74)
        #expect(result.standardError.contains("writing the trace failed: No space left on device"))
    }

    @Test("a closed stdout is refused before anything is traced")
    func closedStdout() throws {
        let result = try runCommand("/bin/sh", ["-c", "'\(BuildProducts.aiops)' trace --duration 1s >&-"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("standard output is closed"))
        #expect(!result.standardError.contains("tracing with"))
    }
}
