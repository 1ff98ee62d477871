import AiopsCore
import AiopsTestSupport
import Foundation
import Testing

@testable import AiopsCLI
@testable import AiopsTrace

/// A source whose reader pushes a storm into the real bounded queue while the monitoring loop
/// is stalled: the loop's input must stop growing at its bound and the overflow must be counted
/// by the source, so every event is either delivered or counted as dropped.
private final class StormSource: LifecycleSource, @unchecked Sendable {
    let queue = EventQueue(capacity: 20_000)
    var backend: EventSource { .procPoll }
    var limitations: [String] { [] }
    var reportsEachExitOnce: Bool { true }
    func start() -> EventBatches { queue.batches }
    func stop() { queue.finish() }
    func statistics() -> SourceStatistics { SourceStatistics() }

    static func batch(_ index: Int, size: Int) -> [LifecycleEvent] {
        let process = EventProcess(
            pid: 4242, tid: 4242, ppid: 1, uid: 0, comm: UntrustedText("storm".utf8),
            start: BootInstant(nanoseconds: 1))
        return (0..<size).map { offset in
            let pid = Int32(100_000 + index * size + offset)
            return LifecycleEvent(
                time: BootInstant(nanoseconds: UInt64(index * size + offset + 10)), source: .procPoll,
                process: process,
                payload: .fork(
                    ForkDetails(
                        childPID: pid, childTID: pid, childStart: BootInstant(nanoseconds: 2), isThread: false
                    )))
        }
    }
}

@Suite("monitor input under a stalled loop")
struct MonitorBackpressureTests {
    @Test(
        "a stalled loop holds at most its bound; the rest is dropped by the source, counted; nothing vanishes"
    )
    func stalledLoop() async throws {
        let source = StormSource()
        let inputs = MonitorInputs(intervalNanoseconds: 10_000_000_000)
        inputs.forward(source)
        let batches = 200
        let size = 500
        for index in 0..<batches { source.queue.push(StormSource.batch(index, size: size)) }
        source.stop()

        // Nothing consumes the loop's input: the forwarder must stop taking batches at its bound.
        let settled = await waitUntil { inputs.pending > MonitorInputs.maxPendingEvents }
        #expect(settled, "the forwarder never reached its bound: \(inputs.pending) pending")
        // The subject: time for the forwarder to take more if it wrongly would. A slow machine
        // makes this check weaker, never makes it fail.
        try await Task.sleep(nanoseconds: 100_000_000)
        #expect(inputs.pending <= MonitorInputs.maxPendingEvents + size)
        #expect(source.queue.dropped > 0)

        // The loop resumes: everything not dropped arrives, then the end of the source.
        var delivered = 0
        for await input in inputs.stream {
            if case .events(let events) = input {
                delivered += events.count
                inputs.processed(events.count)
            }
            if case .sourceEnded = input { break }
        }
        #expect(delivered + Int(source.queue.dropped) == batches * size)
        #expect(inputs.pending == 0)
        inputs.finish()
    }
}
