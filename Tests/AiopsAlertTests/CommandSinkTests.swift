import AiopsAlert
import AiopsCore
import AiopsTestSupport
import Foundation
import Testing

@Suite("Command sink")
struct CommandSinkTests {
    @Test(
        "the command gets the alert JSON on stdin and AIOPS_ALERT_* in its environment, control characters stripped"
    )
    func stdinAndEnvironment() throws {
        let directory = TemporaryDirectory(prefix: "aiops-alert")
        // The operator's own command line; the alert's hostile text only reaches it as data.
        let line =
            "cd '\(directory.path)' && cat > stdin.json && env | grep '^AIOPS_ALERT_' | sort > env.txt"
            + " && printf '%s' \"$AIOPS_ALERT_SUBJECT\" > subject.txt"
        let sink = try QueuedSink.command(.shell(line), reporter: ProblemLog().reporter)
        let dispatcher = dispatcher([sink])
        dispatcher.dispatch(.sample(subject: hostileText, summary: "exited 3\nsecond line"))
        #expect(dispatcher.shutdown(timeout: .seconds(10)))
        #expect(sink.statistics().delivered == 1)
        #expect(sink.statistics().lastResult == "exit 0")

        let input = try Data(contentsOf: URL(fileURLWithPath: directory.file("stdin.json")))
        let object = try jsonObject(input)
        #expect(object["subject"] as? String == hostileText)
        #expect(object["kind"] as? String == "process_exited")

        let environment = try String(contentsOfFile: directory.file("env.txt"), encoding: .utf8)
        #expect(environment.contains("AIOPS_ALERT_KIND=process_exited\n"))
        #expect(environment.contains("AIOPS_ALERT_SEVERITY=critical\n"))
        #expect(environment.contains("AIOPS_ALERT_PID=1234\n"))
        #expect(environment.contains("AIOPS_ALERT_UNIT=nginx.service\n"))
        #expect(environment.contains("AIOPS_ALERT_SUMMARY=exited 3second line\n"))
        let subject = try String(contentsOfFile: directory.file("subject.txt"), encoding: .utf8)
        #expect(subject == "evil[2J]0;pwned\"\\31m\u{202E}gnp.exe\u{2066}$(touch pwned)`id`é")
        #expect(!subject.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        #expect(!FileManager.default.fileExists(atPath: directory.file("pwned")), "alert text is never run")
    }

    @Test("an argv command runs without a shell; a non-zero exit is counted and recorded")
    func argvAndExitStatus() throws {
        let directory = TemporaryDirectory(prefix: "aiops-alert")
        let problems = ProblemLog()
        let sink = try QueuedSink.command(
            .arguments(["sh", "-c", "cat > \"$1\"; exit 3", "alert-cmd", directory.file("out.json")]),
            reporter: problems.reporter)
        let dispatcher = dispatcher([sink])
        dispatcher.dispatch(.sample(subject: "a"))
        dispatcher.dispatch(.sample(subject: "b"))
        #expect(dispatcher.shutdown(timeout: .seconds(10)))
        let statistics = sink.statistics()
        #expect(statistics.failed == 2 && statistics.delivered == 0 && statistics.timedOut == 0)
        #expect(statistics.lastResult == "exit 3")
        #expect(
            problems.all == [
                "command: exit 3 (reported once; later alerts are still tried, failures are counted)"
            ])
        #expect(
            try jsonObject(Data(contentsOf: URL(fileURLWithPath: directory.file("out.json"))))["subject"]
                as? String == "b")
    }

    @Test("a command that cannot start is counted")
    func missingCommand() throws {
        let sink = try QueuedSink.command(
            .arguments(["/nonexistent/aiops-alert-command"]), reporter: ProblemLog().reporter)
        let dispatcher = dispatcher([sink])
        dispatcher.dispatch(.sample())
        #expect(dispatcher.shutdown(timeout: .seconds(5)))
        #expect(sink.statistics().failed == 1)
        #expect(sink.statistics().lastError?.contains("No such file or directory") == true)
        #expect(throws: AlertSinkSetupError.self) { try QueuedSink.command(.shell("  ")) }
        #expect(throws: AlertSinkSetupError.self) { try QueuedSink.command(.arguments([])) }
    }

    @Test("a command that hangs is killed after the timeout, with what it started, and leaves no zombie")
    func hangingCommand() throws {
        let directory = TemporaryDirectory(prefix: "aiops-alert")
        // A shell and a sleep with names of their own, so /proc tells our processes from those of
        // the other tests running in this process.
        let shell = try namedLink(to: "/bin/sh", "aiops-sh", in: directory)
        let sleeper = try namedLink(to: "/bin/sleep", "aiops-hang", in: directory)
        let sink = try QueuedSink.command(
            .arguments([shell.path, "-c", "'\(sleeper.path)' 60; echo never"]), timeout: .milliseconds(300),
            reporter: ProblemLog().reporter)
        let dispatcher = dispatcher([sink])
        dispatcher.dispatch(.sample())
        #expect(waitUntil { !processes(named: sleeper.name).isEmpty }, "the sleep started")
        #expect(waitUntil { sink.statistics().timedOut == 1 })
        let statistics = sink.statistics()
        #expect(statistics.failed == 1)
        #expect(statistics.lastError == "killed by SIGKILL after the 300ms timeout")
        // The shell's child was in the command's process group: gone too, not orphaned.
        #expect(
            waitUntil {
                processes(named: sleeper.name).isEmpty && processes(named: shell.name).isEmpty
            })
        let zombies = zombieChildren().filter { [shell.name, sleeper.name].contains($0.comm) }
        #expect(zombies.isEmpty, "\(zombies)")
        #expect(dispatcher.shutdown(timeout: .seconds(2)))
    }

    @Test("shutdown kills a running command within its timeout")
    func shutdownKills() throws {
        let sink = try QueuedSink.command(.arguments(["/bin/sleep", "60"]), reporter: ProblemLog().reporter)
        let dispatcher = dispatcher([sink])
        dispatcher.dispatch(.sample(subject: "a"))
        dispatcher.dispatch(.sample(subject: "b"))
        #expect(waitUntil { sink.statistics().queued == 1 })
        // Killed, not waited for: the error below says so, at whatever speed the machine has.
        #expect(dispatcher.shutdown(timeout: .seconds(1)))
        let statistics = sink.statistics()
        #expect(statistics.failed == 1 && statistics.dropped == 1)
        #expect(statistics.lastError == "killed by SIGKILL at shutdown")
    }

    @Test("many quick commands: all run, all reaped")
    func manyCommands() throws {
        let directory = TemporaryDirectory(prefix: "aiops-alert")
        let quick = try namedLink(to: "/bin/true", "aiops-true", in: directory)
        let sink = try QueuedSink.command(.arguments([quick.path]), reporter: ProblemLog().reporter)
        let dispatcher = dispatcher([sink])
        for index in 0..<50 { dispatcher.dispatch(.sample(subject: "p\(index)")) }
        #expect(dispatcher.shutdown(timeout: .seconds(20)))
        #expect(sink.statistics().delivered == 50)
        #expect(zombieChildren().filter { $0.comm == quick.name }.isEmpty)
        #expect(processes(named: quick.name).isEmpty)
    }
}

/// A symbolic link to `target` whose name is unique to this test process: the kernel names a
/// process after the path it executed, so its comm is that name (at most 15 bytes).
func namedLink(to target: String, _ prefix: String, in directory: TemporaryDirectory) throws -> (
    path: String, name: String
) {
    let name = "\(prefix)-\(getpid() % 10_000)"
    let path = directory.file(name)
    try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
    return (path, String(name.prefix(15)))
}

/// Pids of live processes whose name is `name`.
func processes(named name: String) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { entry in
        guard let pid = Int32(entry),
            let comm = try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8),
            comm.trimmingCharacters(in: .newlines) == name
        else { return nil }
        return pid
    }
}

/// Children of the test process in state Z (exited, never reaped).
func zombieChildren() -> [(pid: Int32, comm: String)] {
    let me = getpid()
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { entry in
        guard let pid = Int32(entry),
            let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
            let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
        guard fields.count > 1, fields[0] == "Z", Int32(fields[1]) == me else { return nil }
        return (pid, String(stat[stat.index(after: open)..<close]))
    }
}
