import AiopsTestSupport
import Foundation
import Testing

/// `aiops analyze process`: bad input is a usage error (exit 2) before anything is sampled; a
/// missing target is 66; a kernel thread is explained.
@Suite("analyze process arguments")
struct AnalyzeArgumentTests {
    static let usageErrors: [[String]] = [
        ["--pid", "0"], ["--pid", "-1"], ["--pid", "4294967296"], ["--pid", "abc"], [],
        ["--pid", "1", "--duration", "0"], ["--pid", "1", "--duration", "-1"],
        ["--pid", "1", "--duration", "abc"],
        ["--pid", "1", "--duration", "10x"], ["--pid", "1", "--duration", "9223372036854775807s"],
        ["--pid", "1", "--interval", "0"], ["--pid", "1", "--interval", "10ms"],
        ["--pid", "1", "--duration", "1s", "--interval", "2s"],
        ["--pid", "1", "--duration", "30d", "--interval", "50ms"],
        ["--pid", "1", "--no-such-option"],
    ]

    @Test("usage errors exit 2 with a message and no output", arguments: usageErrors)
    func usageError(arguments: [String]) throws {
        let result = try analyze(arguments, timeout: 20)
        #expect(result.status == 2, "\(arguments): status \(result.status), stderr: \(result.standardError)")
        #expect(!result.standardError.isEmpty)
        #expect(result.standardOutput.isEmpty)
    }

    @Test("a PID that does not exist exits 66 and says so")
    func missingPID() throws {
        let result = try analyze(["--pid", "4194303", "--resources"], timeout: 20)
        #expect(result.status == 66)
        #expect(result.standardError.contains("no process with PID 4194303"))
        #expect(result.standardOutput.isEmpty)
    }

    @Test("a kernel thread is explained, exit 2")
    func kernelThread() throws {
        let result = try analyze(["--pid", "2"], timeout: 20)
        #expect(result.status == 2)
        #expect(result.standardError.contains("kernel thread"))
    }

    @Test("the command is listed in help, and its own help names the options")
    func help() throws {
        let root = try runCommand(BuildProducts.aiops, ["--help"])
        #expect(root.standardOutput.contains("analyze"))
        let help = try analyze(["--help"])
        #expect(help.status == 0)
        for option in ["--pid", "--resources", "--duration", "--interval", "--json"] {
            #expect(help.standardOutput.contains(option))
        }
    }
}
