import AiopsTestSupport
import Foundation
import Testing

/// Every one-shot report reaches stdout through one writer (ReportOutput), and behaves the same
/// when stdout fails: a reader that closed the pipe (`| head -1`) ends the command quietly with
/// exit 0, never SIGPIPE's 141; a write that fails for another reason (`> /dev/full`) is one
/// line on stderr and exit 74 (README "Exit codes").
@Suite("Report output into a closed pipe and a full disk")
struct ReportOutputTests {
    /// The one-shot commands, each cheap enough to run twice per test.
    static let commands: [[String]] = [
        ["collect", "processes"], ["collect", "processes", "--json"], ["collect", "processes", "--csv"],
        ["doctor"], ["doctor", "--json"],
        ["analyze", "process", "--pid", "1", "--duration", "100ms", "--interval", "50ms"],
        ["analyze", "process", "--pid", "1", "--duration", "100ms", "--interval", "50ms", "--json"],
    ]

    @Test("a closed pipe ends the report quietly, exit 0", arguments: commands)
    func closedPipe(arguments: [String]) throws {
        let result = try runIntoClosedPipe(BuildProducts.aiops, arguments)
        #expect(result.status == 0, "\(arguments): status \(result.status), stderr: \(result.standardError)")
        #expect(!result.standardError.contains("writing"), "\(arguments): \(result.standardError)")
    }

    @Test("/dev/full: exit 74 and the cause on stderr", arguments: commands)
    func devFull(arguments: [String]) throws {
        // The shell only redirects; aiops itself is exec'd with stdout on /dev/full.
        let result = try runCommand(
            "/bin/sh", ["-c", "exec \"$0\" \"$@\" > /dev/full", BuildProducts.aiops] + arguments, timeout: 60)
        #expect(result.status == 74, "\(arguments): status \(result.status), stderr: \(result.standardError)")
        #expect(
            result.standardError.contains("aiops: writing the report failed: No space left on device"),
            "\(arguments): \(result.standardError)")
    }
}

/// Runs `path` with stdout on a pipe whose read end is already closed, so that the first write
/// fails with EPIPE (and raises SIGPIPE) deterministically, whatever the pipe's buffer size. The
/// child starts with SIGPIPE at its default, as from a shell.
func runIntoClosedPipe(_ path: String, _ arguments: [String]) throws -> CommandResult {
    let script = """
        import os, subprocess, sys
        read_end, write_end = os.pipe()
        os.close(read_end)
        child = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=write_end,
                               stderr=subprocess.PIPE, timeout=60)
        sys.stderr.buffer.write(child.stderr)
        sys.exit(128 - child.returncode if child.returncode < 0 else child.returncode)
        """
    return try runCommand("/usr/bin/python3", ["-c", script, path] + arguments, timeout: 90)
}
