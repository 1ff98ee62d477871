import AiopsTestSupport
import Foundation
import Testing

/// `aiops diagnose start-failure` where PID 1 is not systemd: the arguments are judged first
/// (exit 2), then the missing systemd is said in one sentence (exit 69).
@Suite("diagnose start-failure: arguments and hosts without systemd")
struct DiagnoseStartFailureTests {
    static let badNames = ["nginx; rm -rf /", "$(id)", "../../etc/passwd", "-h", "", "nginx."]

    @Test("a unit name systemd's grammar rejects is a usage error", arguments: badNames)
    func badName(name: String) throws {
        let result = try runCommand(
            BuildProducts.aiops, ["diagnose", "start-failure", "--name", name], timeout: 20)
        #expect(result.status == 2, "\(name): status \(result.status), stderr: \(result.standardError)")
        #expect(result.standardError.contains("--name"))
        #expect(result.standardOutput.isEmpty)
    }

    /// Kept out of the parameterized list so the test runner never prints the raw escape.
    @Test("a name with an escape sequence is refused, and escaped in the message")
    func escapeInName() throws {
        let result = try runCommand(
            BuildProducts.aiops, ["diagnose", "start-failure", "--name", "a\u{1B}[2Jb"], timeout: 20)
        #expect(result.status == 2)
        #expect(!result.standardError.contains("\u{1B}"))
        #expect(result.standardError.contains("\\e"))
    }

    @Test("--name is required")
    func missingName() throws {
        let result = try runCommand(BuildProducts.aiops, ["diagnose", "start-failure"], timeout: 20)
        #expect(result.status == 2)
    }

    @Test("without systemd as PID 1: one plain sentence and exit 69, table or JSON")
    func notSystemd() throws {
        for json in [false, true] {
            let result = try runAiopsWithoutSystemd(
                ["diagnose", "start-failure", "--name", "nginx"] + (json ? ["--json"] : []), timeout: 20)
            #expect(result.status == 69)
            // aiops is PID 1 of its namespace.
            #expect(result.standardError.contains("does not run systemd as init (PID 1 is 'aiops')"))
            #expect(result.standardOutput.isEmpty)
        }
    }
}
