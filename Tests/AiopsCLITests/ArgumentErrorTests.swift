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
        ["--comm", ""], ["--no-such-option"], ["--poll-interval", "0"], ["--duration", " 1s"],
        ["--duration", "1s "],
    ]

    @Test("usage errors exit 2 with a message naming the problem", arguments: usageErrors)
    func usageError(arguments: [String]) throws {
        let result = try runCommand(BuildProducts.aiops, ["trace"] + arguments, timeout: 20)
        #expect(result.status == 2, "\(arguments): status \(result.status), stderr: \(result.standardError)")
        #expect(!result.standardError.isEmpty)
        #expect(result.standardOutput.isEmpty)
    }

    /// The enumerated options (`--backend`, `--sort`, `--events`) are parsed by the argument
    /// parser itself: a value outside the set is refused before anything runs, naming the set.
    static let enumeratedValueErrors: [(arguments: [String], valid: [String])] = [
        (["trace", "--backend", "ebpf"], ["auto", "bpf", "proc", "poll"]),
        (["monitor", "processes", "--backend", "BPF"], ["auto", "bpf", "proc", "poll"]),
        (
            ["collect", "processes", "--duration", "1s", "--backend", "kprobe"],
            ["auto", "bpf", "proc", "poll"]
        ),
        (["collect", "processes", "--sort", "size"], ["pid", "cpu", "mem", "rss", "time", "start"]),
        (["trace", "--events", "exec,bogus"], ["exec", "fork", "exit", "signal", "all"]),
        (["trace", "--events", ""], ["exec", "fork", "exit", "signal", "all"]),
    ]

    @Test(
        "a value outside an option's set exits 2, naming the option and the valid values",
        arguments: enumeratedValueErrors.indices)
    func enumeratedValue(index: Int) throws {
        let (arguments, valid) = Self.enumeratedValueErrors[index]
        let result = try runCommand(BuildProducts.aiops, arguments, timeout: 20)
        #expect(result.status == 2, "\(arguments): status \(result.status), stderr: \(result.standardError)")
        #expect(result.standardOutput.isEmpty)
        let option = try #require(arguments.first { $0.hasPrefix("--") && $0 != "--duration" })
        #expect(result.standardError.contains(option), "\(arguments): \(result.standardError)")
        for value in valid {
            // The parser quotes a short list inline and puts a long one on lines of its own.
            let named =
                result.standardError.contains("'\(value)'") || result.standardError.contains("- \(value)\n")
            #expect(named, "\(arguments): \(result.standardError)")
        }
    }

    @Test("the options every report shares are declared once and shown in each command's help")
    func sharedOptionsInHelp() throws {
        let commands: [(arguments: [String], options: [String])] = [
            (["trace"], ["--backend <backend>"]),
            (["monitor", "processes"], ["--backend <backend>", "--history <path>"]),
            (["collect", "processes"], ["--backend <backend>", "--json", "--sort <key>"]),
            (["analyze", "restarts"], ["--history <path>", "--json"]),
            (["analyze", "process"], ["--json"]), (["analyze", "service"], ["--json"]),
            (["diagnose", "start-failure"], ["--json"]), (["doctor"], ["--json"]),
        ]
        for (arguments, options) in commands {
            let help = try runCommand(BuildProducts.aiops, arguments + ["--help"], timeout: 20)
            #expect(help.status == 0, "\(arguments): \(help.standardError)")
            for option in options {
                #expect(help.standardOutput.contains(option), "\(arguments) --help lacks \(option)")
            }
        }
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
