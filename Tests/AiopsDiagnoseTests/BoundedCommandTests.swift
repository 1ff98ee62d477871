import AiopsTestSupport
import XCTest

@testable import AiopsDiagnose

/// The runner of checkers and systemd tools, on real processes.
final class BoundedCommandTests: XCTestCase {
    func testArgumentsAreNeverInterpretedByAShell() throws {
        let result = try BoundedCommand(["echo", "$(id)", "a b", ";", "`x`"]).run()
        XCTAssertEqual(result.ending, .exited(0))
        XCTAssertEqual(String(decoding: result.standardOutput, as: UTF8.self), "$(id) a b ; `x`\n")
    }

    func testStatusAndStandardErrorApart() throws {
        let result = try BoundedCommand(["sh", "-c", "echo out; echo err >&2; exit 3"]).run()
        XCTAssertEqual(result.ending, .exited(3))
        XCTAssertEqual(result.standardOutput, Array("out\n".utf8))
        XCTAssertEqual(result.standardError, Array("err\n".utf8))
    }

    func testATimeoutKillsTheWholeGroup() throws {
        let directory = TemporaryDirectory(prefix: "aiops-bounded")
        let marker = directory.file("grandchild")
        // The grandchild keeps the pipe open and would outlive its parent: both must die.
        let result = try BoundedCommand(
            ["sh", "-c", "sleep 60 & echo $! > \(marker); wait"], timeoutSeconds: 1
        ).run()
        XCTAssertEqual(result.ending, .timedOut, "the deadline was kept")
        let grandchild = try XCTUnwrap(
            Int32(
                String(contentsOfFile: marker, encoding: .utf8).trimmingCharacters(
                    in: .whitespacesAndNewlines)))
        waitUntil { kill(grandchild, 0) != 0 }
        XCTAssertNotEqual(kill(grandchild, 0), 0, "the grandchild was killed with the group")
    }

    func testOutputIsCapped() throws {
        let result = try BoundedCommand(["head", "-c", "300000", "/dev/zero"], outputLimit: 1000).run()
        XCTAssertEqual(result.ending, .exited(0))
        XCTAssertEqual(result.standardOutput.count, 1000)
        XCTAssertTrue(result.truncated)
    }

    func testMissingProgram() {
        XCTAssertThrowsError(try BoundedCommand(["aiops-no-such-checker"]).run()) { error in
            XCTAssertEqual(error as? BoundedCommand.Failure, .notFound("aiops-no-such-checker"))
        }
    }

    func testTheChildGetsAPlainEnvironment() throws {
        setenv("AIOPS_SECRET_FOR_TEST", "x", 1)
        defer { unsetenv("AIOPS_SECRET_FOR_TEST") }
        let output = String(decoding: try BoundedCommand(["env"]).run().standardOutput, as: UTF8.self)
        XCTAssertFalse(output.contains("AIOPS_SECRET_FOR_TEST"))
        XCTAssertTrue(output.contains("SYSTEMD_COLORS=0"))
    }
}
