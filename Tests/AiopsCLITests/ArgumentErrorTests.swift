import AiopsTestSupport
import Foundation
import Testing

/// Bad input gets one clear message on stderr and a distinct exit code (README "Exit codes"),
/// before anything is traced.
@Suite("Argument errors")
struct ArgumentErrorTests {
    static let usageErrors: [[String]] = [
        ["--duration", "0"], ["--duration", "-1"], ["--duration", "abc"], ["--duration", "10x"],
        ["--duration", "9223372036854775807s"], ["--duration", ""], ["--pid", "0"], ["--pid", "-1"],
        ["--pid", "4294967296"], ["--pid", "abc"], ["--events", "exec,bogus"], ["--backend", "ebpf"],
        ["--unit", "nginx; rm -rf /"], ["--unit", "$(id)"], ["--unit", "../../etc/passwd"], ["--unit", "-h"],
        ["--unit", String(repeating: "a", count: 300)], ["--ring-size", "3M"], ["--ring-size", "1K"],
        ["--comm", ""], ["--no-such-option"], ["--poll-interval", "0"],
    ]

    @Test("usage errors exit 2 with a message naming the problem", arguments: usageErrors)
    func usageError(arguments: [String]) throws {
        let result = try runCommand(BuildProducts.aiops, ["trace"] + arguments, timeout: 20)
        #expect(result.status == 2, "\(arguments): status \(result.status), stderr: \(result.standardError)")
        #expect(!result.standardError.isEmpty)
        #expect(result.standardOutput.isEmpty)
    }

    @Test("a PID that does not exist exits 66 and says so")
    func missingPID() throws {
        let result = try runCommand(BuildProducts.aiops, ["trace", "--pid", "4194303"], timeout: 20)
        #expect(result.status == 66)
        #expect(result.standardError.contains("no process with PID 4194303"))
    }

    @Test("a kernel thread is explained, not traced")
    func kernelThread() throws {
        let result = try runCommand(BuildProducts.aiops, ["trace", "--pid", "2"], timeout: 20)
        #expect(result.status == 2)
        #expect(result.standardError.contains("kernel thread"))
    }

    @Test("an unknown subcommand is a usage error; --help succeeds")
    func subcommands() throws {
        #expect(try runCommand(BuildProducts.aiops, ["frobnicate"]).status == 2)
        let help = try runCommand(BuildProducts.aiops, ["trace", "--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("--backend"))
    }
}

@Suite("--pid of a process that is already gone")
struct GonePIDTests {
    @Test("a process that exited before tracing started is reported, not waited for")
    func zombieRoot() throws {
        let child = try startChild(BuildProducts.testChild, ["exit", "0"])
        defer { waitForExit(child.pid) }
        // Exited, not reaped: a zombie with its pid still in /proc.
        #expect(waitUntil { processState(child.pid) == "Z" })
        // Not waited for: a trace that waited would be killed at the failure deadline (137).
        let result = try runCommand(
            BuildProducts.aiops, ["trace", "--pid", String(child.pid)], timeout: patience)
        #expect(result.status == 66)
        #expect(result.standardError.contains("exited before tracing started"))
    }
}
