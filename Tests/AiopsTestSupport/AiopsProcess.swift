import Foundation

/// A running `aiops` process whose output the test reads as it comes: for live sessions that
/// must be started, exercised, and stopped.
public final class RunningCommand: @unchecked Sendable {
    public let process = Process()
    private let output = Pipe()
    private let error = Pipe()
    private let lock = NSLock()
    private var outputData = Data()
    private var errorData = Data()
    private var readers: [Thread] = []
    private var finishedReaders = 0

    public init(_ path: String, _ arguments: [String], environment: [String: String]? = nil) throws {
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Blocking reads on threads of their own, not readabilityHandler: tearing down its
        // dispatch read source races the descriptor's close and crashes libdispatch's manager
        // thread on Linux (swift-corelibs-libdispatch#949); it took a whole test run down here.
        readers = [(output, \RunningCommand.outputData), (error, \RunningCommand.errorData)].map {
            pipe, buffer in
            let thread = Thread { [self] in
                let handle = pipe.fileHandleForReading
                while case let data = handle.availableData, !data.isEmpty {
                    lock.withLock { self[keyPath: buffer].append(data) }
                }
                lock.withLock { finishedReaders += 1 }
            }
            thread.start()
            return thread
        }
    }

    public var pid: pid_t { process.processIdentifier }
    public var standardOutput: String { lock.withLock { String(decoding: outputData, as: UTF8.self) } }
    public var standardError: String { lock.withLock { String(decoding: errorData, as: UTF8.self) } }

    /// Waits until `condition` holds for the output so far, or `timeout` passes.
    @discardableResult
    public func waitFor(timeout: Double = patience, _ condition: (String, String) -> Bool) -> Bool {
        waitUntil(timeout: timeout) { condition(standardOutput, standardError) }
    }

    /// Like `waitFor`, but sleeps without holding a thread: an async test that waits long must
    /// not keep one of Swift Testing's few cooperative threads from the other suites.
    @discardableResult
    public func waitFor(
        seconds timeout: Double, _ condition: (String, String) -> Bool
    ) async -> Bool {
        await waitUntil(timeout: timeout) { condition(standardOutput, standardError) }
    }

    /// Like `finish`, waiting asynchronously for the process to end.
    @discardableResult
    public func finish(seconds timeout: Double) async -> Int32 {
        await waitUntil(timeout: timeout) { !process.isRunning }
        return finish(timeout: 0.1)
    }

    /// Waits for the "tracing with …" line aiops prints on stderr once the tracer is attached.
    public func waitUntilTracing(timeout: Double = patience) -> Bool {
        waitFor(timeout: timeout) { _, error in error.contains("tracing with ") }
    }

    public func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// Waits for the process to end (killing it after `timeout`) and returns its exit status.
    @discardableResult
    public func finish(timeout: Double = patience) -> Int32 {
        waitUntil(timeout: timeout) { !process.isRunning }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        // The readers end at end of file. A child of the command that inherited the pipes keeps
        // them open: then what arrived within 5 s is the output.
        waitUntil(timeout: 5, every: 0.005) { lock.withLock { finishedReaders } == readers.count }
        return process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus : process.terminationStatus
    }

    /// Output lines parsed as JSON objects (lines that are not are skipped).
    public var jsonLines: [[String: Any]] {
        standardOutput.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }
}
