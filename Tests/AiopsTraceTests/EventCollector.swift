import AiopsCore
import AiopsProc
import AiopsTestSupport
import AiopsTrace
import Foundation
import Synchronization

/// Drains a real source the way `aiops trace` does — through a process table seeded from /proc —
/// and keeps every event, so a test can wait for the events of its own children.
final class EventCollector: Sendable {
    let source: any LifecycleSource
    private let collected = Mutex<[LifecycleEvent]>([])
    private let consumer = Mutex<Task<Void, Never>?>(nil)

    init(_ source: any LifecycleSource, slowConsumerMicroseconds: UInt32 = 0) {
        self.source = source
        let batches = source.start()
        let snapshots = ProcessSnapshotReader().all()
        let task = Task.detached { [self] in
            let table = ProcessTable()
            table.seed(snapshots)
            for await batch in batches {
                let completed = batch.compactMap { table.apply($0) }
                collected.withLock { $0 += completed }
                if slowConsumerMicroseconds > 0 { usleep(slowConsumerMicroseconds) }
            }
        }
        consumer.withLock { $0 = task }
    }

    var events: [LifecycleEvent] { collected.withLock { $0 } }

    /// Events of the process `pid` (as the process, or as a signal's target).
    func events(of pid: pid_t) -> [LifecycleEvent] {
        events.filter { event in
            if event.process.pid == pid { return true }
            if case .signal(let signal) = event.payload, signal.targetPID == pid { return true }
            return false
        }
    }

    /// Waits until `predicate` holds over the events so far; false after `timeout` seconds.
    func waitUntil(timeout: Double = 10, _ predicate: ([LifecycleEvent]) -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if predicate(events) { return true }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        return predicate(events)
    }

    /// The exit event of `pid`, waiting for it to arrive.
    func exit(of pid: pid_t, timeout: Double = 10) async -> (LifecycleEvent, ExitDetails)? {
        _ = await waitUntil(timeout: timeout) { events in events.contains { $0.isExit(of: pid) } }
        guard let event = events.first(where: { $0.isExit(of: pid) }), case .exit(let details) = event.payload
        else { return nil }
        return (event, details)
    }

    /// Stops the source and waits until its stream has ended.
    func stop() async {
        source.stop()
        let task = consumer.withLock { $0 }
        await task?.value
    }
}

extension LifecycleEvent {
    func isExit(of pid: pid_t) -> Bool {
        if case .exit = payload { return process.pid == pid }
        return false
    }

    var exec: ExecDetails? {
        if case .exec(let details) = payload { return details }
        return nil
    }

    var fork: ForkDetails? {
        if case .fork(let details) = payload { return details }
        return nil
    }

    var signal: SignalDetails? {
        if case .signal(let details) = payload { return details }
        return nil
    }
}

/// Sources as the tests use them: BPF with a short poll so tests finish quickly.
enum TestSources {
    static func bpf(threads: Bool = false, ringBytes: UInt32 = 4 << 20) throws -> BPFLifecycleSource {
        var configuration = BPFLifecycleSource.Configuration()
        configuration.pollIntervalMilliseconds = 20
        configuration.emitThreads = threads
        configuration.ringBytes = ringBytes
        configuration.wakeupBytes = ringBytes / 4
        return try BPFLifecycleSource(configuration: configuration)
    }

    static func connector(threads: Bool = false) throws -> ProcConnectorSource {
        var configuration = ProcConnectorSource.Configuration()
        configuration.emitThreads = threads
        return try ProcConnectorSource(configuration: configuration)
    }

    static func poll(intervalMilliseconds: UInt64 = 50) -> ProcPollSource {
        var configuration = ProcPollSource.Configuration()
        configuration.intervalNanoseconds = intervalMilliseconds * 1_000_000
        return ProcPollSource(configuration: configuration)
    }
}

/// Runs the test child with `arguments` in a fresh directory (cores land there) and reaps it.
@discardableResult
func runTestChild(_ arguments: [String], in directory: TemporaryDirectory = TemporaryDirectory()) throws -> (
    pid: pid_t, status: Int32
) {
    let pid = try spawnChild(BuildProducts.testChild, arguments, in: directory.path)
    return (pid, waitForExit(pid))
}
