import AiopsCore
import AiopsProc
import AiopsTestSupport
import AiopsTrace
import Foundation
import Synchronization
import Testing

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

    /// Events of `child` (as the process, or as a signal's target), by identity: on a busy
    /// machine its pid is reused within seconds.
    func events(of child: Child) -> [LifecycleEvent] {
        events.filter { event in
            if child.matches(pid: event.process.pid, start: event.process.start) { return true }
            if case .signal(let signal) = event.payload,
                child.matches(pid: signal.targetPID, start: signal.targetStart)
            {
                return true
            }
            return false
        }
    }

    /// What `parent` forked (processes and, if the source reports them, threads).
    func forks(by parent: Child) -> [ForkDetails] {
        events(of: parent).compactMap { $0.process.pid == parent.pid ? $0.fork : nil }
    }

    /// Waits until `predicate` holds over the events so far; false after `timeout` seconds.
    func waitUntil(timeout: Double = patience, _ predicate: ([LifecycleEvent]) -> Bool) async -> Bool {
        await AiopsTestSupport.waitUntil(timeout: timeout, every: 0.01) { predicate(events) }
    }

    /// Returns once the source has delivered everything it saw before the call, so a test can
    /// assert that something did *not* arrive (a second exit) without sleeping for it. A marker
    /// child starts after those events: the connector's socket and the ring buffer deliver in
    /// order, and a poller's scan that finds the marker began after them.
    func drain() async throws {
        let marker = try startChild(BuildProducts.testChild, ["sleep", "600"])
        defer {
            kill(marker.pid, SIGKILL)
            waitForExit(marker.pid)
        }
        let seen = await waitUntil { _ in !self.events(of: marker).isEmpty }
        if !seen { Issue.record("the source never reported the marker child \(marker)") }
    }

    /// The exit event of `child`, waiting for it to arrive.
    func exit(of child: Child, timeout: Double = patience) async -> (LifecycleEvent, ExitDetails)? {
        _ = await waitUntil(timeout: timeout) { events in events.contains { $0.isExit(of: child) } }
        guard let event = events.first(where: { $0.isExit(of: child) }),
            case .exit(let details) = event.payload
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
    func isExit(of child: Child) -> Bool {
        if case .exit = payload { return child.matches(pid: process.pid, start: process.start) }
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

extension Child {
    /// The process a fork event announced, when the source knew its start.
    init?(fork: ForkDetails) {
        guard !fork.isThread, let start = fork.childStart else { return nil }
        self.init(pid: fork.childPID, startTicks: start.clockTicks)
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
