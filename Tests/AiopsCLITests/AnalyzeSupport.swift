import AiopsTestSupport
import Foundation
import Testing

/// A test child for `aiops analyze process` tests, killed and reaped when the test ends
/// (`stop()` in a `defer`). With `reapInBackground`, a thread waits for it, so a child that exits
/// by itself disappears instead of lingering as our zombie.
final class AnalyzedChild: @unchecked Sendable {
    let pid: pid_t
    private let lock = NSLock()
    private var reaped = false

    init(_ arguments: [String], reapInBackground: Bool = false) throws {
        pid = try spawnChild(BuildProducts.testChild, arguments)
        if reapInBackground {
            Thread { [self] in
                waitForExit(pid)
                lock.withLock { reaped = true }
            }.start()
        }
    }

    /// A child started by `prlimit OPTIONS testchild ARGS`: the same pid once prlimit has exec'd.
    init(prlimit options: [String], _ arguments: [String]) throws {
        pid = try spawnChild("/usr/bin/prlimit", options + [BuildProducts.testChild] + arguments)
        let target = URL(fileURLWithPath: BuildProducts.testChild).resolvingSymlinksInPath().path
        let execd = waitUntil {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")) == target
        }
        if !execd { Issue.record("prlimit did not exec the test child") }
    }

    /// Waits until the child's RSS (VmRSS) reaches `bytes`.
    func waitForResident(atLeast bytes: UInt64) -> Bool {
        waitUntil {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
                let field = line.split(whereSeparator: { $0 == "\t" || $0 == " " }).dropFirst().first,
                let kilobytes = UInt64(field)
            else { return false }
            return kilobytes * 1024 >= bytes
        }
    }

    /// Waits until the child holds `count` open descriptors (it opens them one by one).
    func waitForOpenFiles(_ count: Int) -> Bool {
        waitUntil { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) == count }
    }

    func stop() {
        let done = lock.withLock { reaped }
        guard !done else { return }
        kill(pid, SIGKILL)
        if lock.withLock({ !reaped }) {
            // The background reaper (if any) may win the race: either way it is reaped once.
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
    }
}

/// Runs `aiops analyze process ARGS` to completion.
func analyze(_ arguments: [String], timeout: Double = 60) throws -> CommandResult {
    try runCommand(BuildProducts.aiops, ["analyze", "process"] + arguments, timeout: timeout)
}

/// Runs it with --json and parses the object.
func analyzeJSON(_ arguments: [String], timeout: Double = 60) throws -> [String: Any] {
    let result = try analyze(arguments + ["--json"], timeout: timeout)
    #expect(result.status == 0, "stderr: \(result.standardError)")
    let lines = result.outputLines
    #expect(lines.count == 1, "one JSON object on one line")
    let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8))
    return try #require(object as? [String: Any])
}

extension Dictionary where Key == String, Value == Any {
    func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
    func int(_ key: String) -> Int? { self[key] as? Int }
    func double(_ key: String) -> Double? { (self[key] as? NSNumber)?.doubleValue }
    func string(_ key: String) -> String? { self[key] as? String }
    func objects(_ key: String) -> [[String: Any]] { self[key] as? [[String: Any]] ?? [] }
}

/// Terminal columns of a report line: emoji two, everything else one (the report holds no
/// other wide characters).
func reportColumns(_ line: Substring) -> Int {
    line.unicodeScalars.reduce(0) { $0 + ($1.properties.isEmojiPresentation ? 2 : 1) }
}
