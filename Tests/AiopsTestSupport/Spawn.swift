import AiopsCore
import AiopsPlatform
import AiopsProc
import Foundation

/// Starts a child (no shell), optionally in `directory`, with every signal at its default and
/// none blocked (else it inherits the mask of whichever test-runner thread spawned it, and a
/// SIGUSR1 a test sends may stay pending forever). Returns its pid; the caller reaps it with
/// `waitForExit`.
public func spawnChild(_ path: String, _ arguments: [String], in directory: String? = nil) throws -> pid_t {
    try startChild(path, ProgramSpawn([path] + arguments, environment: childEnvironment()), in: directory)
}

/// Like `spawnChild`, but argv elements are raw bytes (for invalid UTF-8 and control bytes), and
/// stdin is inherited.
public func spawnChild(_ path: String, rawArguments: [[UInt8]], in directory: String? = nil) throws -> pid_t {
    var spawn = ProgramSpawn(rawArguments: [Array(path.utf8)] + rawArguments, environment: childEnvironment())
    spawn.input = .inherit
    return try startChild(path, spawn, in: directory)
}

private func startChild(_ path: String, _ spawn: ProgramSpawn, in directory: String?) throws -> pid_t {
    var spawn = spawn
    spawn.executable = path
    spawn.directory = directory
    spawn.output = .inherit
    do {
        return try spawn.start().pid
    } catch {
        throw SpawnError.failed(path, error.errno)
    }
}

public enum SpawnError: Error {
    case failed(String, Int32)
}

/// Reaps `pid` and returns its raw wait status; -1 if it was not ours to reap (a bug in the test).
@discardableResult
public func waitForExit(_ pid: pid_t) -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
        if errno != EINTR { return -1 }
    }
    return status
}

/// The result of running a command to completion.
public struct CommandResult: Sendable {
    public var status: Int32
    public var standardOutput: String
    public var standardError: String

    public var outputLines: [String] { standardOutput.split(separator: "\n").map(String.init) }
}

/// Runs a command (no shell unless `path` is one), capturing its output. `timeout` guards a
/// hung command: it is killed and the test sees status 137.
public func runCommand(
    _ path: String, _ arguments: [String], environment: [String: String]? = nil, timeout: Double = 60
) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let killer = DispatchWorkItem { [process] in
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
    DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
    // Read both pipes concurrently: a full stderr pipe would otherwise block the child.
    nonisolated(unsafe) var errorData = Data()
    let errorReader = Thread { errorData = error.fileHandleForReading.readDataToEndOfFile() }
    errorReader.start()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !errorReader.isFinished { usleep(1000) }
    killer.cancel()
    return CommandResult(
        status: process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus : process.terminationStatus,
        standardOutput: String(decoding: outputData, as: UTF8.self),
        standardError: String(decoding: errorData, as: UTF8.self))
}

/// `runCommand` for async tests: it waits on a thread of its own, not on one of the test pool's
/// two threads. A command whose pipe stays open (a child of another test inherited it) must not
/// stall the tests that would end that child.
public func runCommand(
    _ path: String, _ arguments: [String], environment: [String: String]? = nil, timeout: Double = 60
) async throws -> CommandResult {
    try await offPool { try runCommand(path, arguments, environment: environment, timeout: timeout) }
}

/// The test's environment, with SWIFT_BACKTRACE=enable=no: SwiftPM links its C executables with
/// the Swift runtime, whose crash handler would catch SIGSEGV and re-raise it — a second signal
/// the tests do not expect from a plain C program.
private func childEnvironment() -> [String] {
    var entries: [String] = []
    var index = 0
    while let entry = environ[index] {
        let text = String(cString: entry)
        if !text.hasPrefix("SWIFT_BACKTRACE=") { entries.append(text) }
        index += 1
    }
    return entries + ["SWIFT_BACKTRACE=enable=no"]
}

/// A child process the test started, by identity: pids wrap within seconds on a busy machine
/// (pid_max is 32768 here), so tests match events by (pid, start time), never the pid alone.
public struct Child: Sendable, Hashable, CustomStringConvertible {
    public let pid: pid_t
    /// Start time in clock ticks, as /proc/<pid>/stat field 22 shows it.
    public let startTicks: UInt64

    public init(pid: pid_t, startTicks: UInt64) {
        self.pid = pid
        self.startTicks = startTicks
    }

    public var key: ProcessKey { ProcessKey(pid: pid, startTicks: startTicks) }
    public var description: String { "\(pid)@\(startTicks)" }

    /// Whether a process seen by a source (start possibly unknown) is this child.
    public func matches(pid: pid_t, start: BootInstant?) -> Bool {
        guard pid == self.pid else { return false }
        guard let start else { return true }  // the source could not tell: the pid is all there is
        return start.clockTicks == startTicks
    }
}

/// Starts a child and records its identity before anyone could reap it.
public func startChild(_ path: String, _ arguments: [String], in directory: String? = nil) throws -> Child {
    let pid = try spawnChild(path, arguments, in: directory)
    return try identify(pid)
}

/// Like `startChild` with raw argv bytes.
public func startChild(_ path: String, rawArguments: [[UInt8]], in directory: String? = nil) throws -> Child {
    try identify(try spawnChild(path, rawArguments: rawArguments, in: directory))
}

private func identify(_ pid: pid_t) throws -> Child {
    // Our unreaped child: alive or a zombie, /proc/<pid>/stat is there.
    guard let stat = ProcFS().read("\(pid)/stat").bytes.flatMap(ProcStat.parse) else {
        throw SpawnError.failed("no /proc/\(pid)/stat for our own child", ESRCH)
    }
    return Child(pid: pid, startTicks: stat.startTicks)
}

/// Runs the test child with `arguments` in a fresh directory (cores land there) and reaps it.
@discardableResult
public func runTestChild(_ arguments: [String], in directory: TemporaryDirectory = TemporaryDirectory())
    throws -> (
        child: Child, status: Int32
    )
{
    let child = try startChild(BuildProducts.testChild, arguments, in: directory.path)
    return (child, waitForExit(child.pid))
}

/// Runs aiops where PID 1 is certainly not systemd, whatever the host runs: in new PID and mount
/// namespaces (aiops itself becomes PID 1, comm "aiops") with an empty /run, so neither
/// /proc/1/comm nor /run/systemd/system says systemd. Tests of the "no systemd here" answer then
/// hold on a systemd host too, instead of asserting what this machine happens to run. Needs root.
public func runAiopsWithoutSystemd(_ arguments: [String], timeout: Double = 60) throws -> CommandResult {
    try runCommand(
        "/usr/bin/unshare",
        [
            "--pid", "--fork", "--mount", "--mount-proc", "--", "/bin/sh", "-c",
            #"mount -t tmpfs none /run && exec "$0" "$@""#,
        ]
            + [BuildProducts.aiops] + arguments,
        timeout: timeout)
}

/// Writes an executable script (a fake journalctl) that a test then runs. Written here, the file
/// would be open for writing while other tests fork: a child inheriting that descriptor makes
/// exec'ing the script fail with ETXTBSY until it execs in turn. So the text goes to a side
/// file, and `install`, another process, makes the executable from it.
public func writeExecutableScript(_ text: String, to path: String) throws {
    let source = path + ".source"
    try text.write(toFile: source, atomically: false, encoding: .utf8)
    let result = try runCommand("/usr/bin/install", ["-m", "755", source, path])
    guard result.status == 0 else {
        throw CocoaError(
            .fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, "stderr": result.standardError])
    }
}

/// glibc's makedev(), which Swift cannot import (a macro): the device number of major:minor.
public func deviceNumber(major: UInt64, minor: UInt64) -> dev_t {
    dev_t((major & 0xFFF) << 8 | (minor & 0xFF) | (minor & ~0xFF) << 12 | (major & ~0xFFF) << 32)
}
