import AiopsCore
import AiopsProc
import Foundation
import Testing

@testable import AiopsTrace

/// A source that delivers what the test pushes into the real bounded queue.
private final class ScriptedSource: LifecycleSource, @unchecked Sendable {
    let queue: EventQueue
    let reportsEachExitOnce: Bool
    init(capacity: Int = 100_000, reportsEachExitOnce: Bool) {
        queue = EventQueue(capacity: capacity)
        self.reportsEachExitOnce = reportsEachExitOnce
    }
    var backend: EventSource { .procPoll }
    var limitations: [String] { ["no signals", "short-lived processes"] }
    func start() -> EventBatches { queue.batches }
    func stop() { queue.finish() }
    func statistics() -> SourceStatistics {
        var statistics = SourceStatistics()
        statistics.streamDropped = queue.dropped
        return statistics
    }

    static func forks(_ index: Int, size: Int) -> [LifecycleEvent] {
        let parent = Script.process(4242, "storm")
        return (0..<size).map { offset in
            Script.fork(
                parent, child: Int32(100_000 + index * size + offset), at: UInt64(index * size + offset))
        }
    }
}

/// A /proc with no processes: the seed is empty, so the test sees only its own events.
private func emptyProc() throws -> ProcessSnapshotReader {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("aiops-empty-proc-\(getpid())")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    return ProcessSnapshotReader(procfs: ProcFS(root: root.path))
}

private func session(_ source: ScriptedSource, reasons: [String] = []) throws -> LifecycleSession {
    LifecycleSession(opened: OpenedSource(source: source, fallbackReasons: reasons), reader: try emptyProc())
}

@Suite("Lifecycle session")
struct LifecycleSessionTests {
    @Test(
        "a source that may report an exit twice gets de-duplication, for every command: the exit comes once")
    func deduplicatesWhereTheSourceNeedsIt() async throws {
        let source = ScriptedSource(reportsEachExitOnce: false)
        let session = try session(source)
        #expect(session.table.deduplicatesExits)
        let process = Script.process(800)
        source.queue.push([Script.exit(process, .exited(0))])
        source.queue.push([Script.exit(process, .exited(0), at: 1)])
        session.stop()
        var exits = 0
        for await case .events(let batch) in session.deliveries() { exits += batch.count }
        #expect(exits == 1)
        #expect(session.table.duplicateExits == 1)
    }

    @Test("an exact source is not charged the duplicate check")
    func exactSourceSkipsTheCheck() throws {
        #expect(try session(ScriptedSource(reportsEachExitOnce: true)).table.deduplicatesExits == false)
    }

    @Test("events arrive completed by the table the session seeded")
    func completedEvents() async throws {
        let source = ScriptedSource(reportsEachExitOnce: true)
        let session = try session(source)
        let shell = Script.process(100, "bash")
        source.queue.push([Script.exec(shell, ["bash", "-l"]), Script.exit(shell, .exited(3), at: 5)])
        session.stop()
        var argv: [UntrustedText]?
        for await case .events(let batch) in session.deliveries() {
            for event in batch { if case .exit(let exit) = event.payload { argv = exit.argv } }
        }
        #expect(argv == ["bash", "-l"])
    }

    @Test("notices come in order with the events queued before them, on the one stream")
    func noticesInOrder() async throws {
        let source = ScriptedSource(reportsEachExitOnce: true)
        let session = try session(source)
        source.queue.push(ScriptedSource.forks(0, size: 3))
        session.post(.tick)
        source.queue.push(ScriptedSource.forks(1, size: 2))
        session.post(.hangup)
        session.stop()
        var seen: [String] = []
        for await delivery in session.deliveries() {
            switch delivery {
            case .events(let batch): seen.append("events \(batch.count)")
            case .notice(let notice): seen.append("\(notice)")
            }
        }
        #expect(seen == ["events 3", "tick", "events 2", "hangup"])
    }

    @Test(
        "a stalled consumer holds at most the source's bound; the rest is dropped by the source, counted; nothing vanishes"
    )
    func stalledConsumer() async throws {
        let source = ScriptedSource(capacity: 20_000, reportsEachExitOnce: true)
        let session = try session(source)
        let batches = 200
        let size = 500
        // Nothing consumes while the storm is pushed: the queue takes its bound and drops the rest.
        for index in 0..<batches { source.queue.push(ScriptedSource.forks(index, size: size)) }
        session.stop()
        #expect(session.statistics().streamDropped == UInt64(batches * size - 20_000))

        var delivered = 0
        for await case .events(let batch) in session.deliveries() { delivered += batch.count }
        #expect(delivered + Int(session.statistics().streamDropped) == batches * size)
    }

    @Test("the fallback banner has one wording: why, what it fell back to, what that cannot see")
    func fallbackBanner() throws {
        let source = ScriptedSource(reportsEachExitOnce: true)
        #expect(try session(source).fallbackBanner == nil)
        let fellBack = try session(source, reasons: ["BPF: not permitted", "proc connector: not permitted"])
        #expect(
            fellBack.fallbackBanner
                == "BPF: not permitted; proc connector: not permitted — falling back to proc-poll, "
                + "which cannot see: no signals; short-lived processes")
    }
}
