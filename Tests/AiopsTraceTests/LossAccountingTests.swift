import AiopsCore
import AiopsTestSupport
import AiopsTrace
import Foundation
import Testing

/// Losses must be counted, never silent: these force real losses at each layer and check that
/// events received + events counted as dropped cover everything that happened.
@Suite("Loss accounting")
struct LossAccountingTests {
    @Test("a ring buffer too small for a fork storm drops in the kernel, and every lost exit is counted")
    func kernelDrops() async throws {
        var configuration = BPFLifecycleSource.Configuration()
        configuration.ringBytes = 4096  // one page: a few dozen records
        configuration.wakeupBytes = 1 << 30  // never woken early
        configuration.pollIntervalMilliseconds = 500
        let collector = EventCollector(try BPFLifecycleSource(configuration: configuration))
        let children = 2000
        let (storm, status) = try runTestChild(["spawn", String(children)])
        #expect(status == 0)
        _ = await collector.waitUntil(timeout: 5) { events in events.contains { $0.isExit(of: storm) } }
        await collector.stop()

        let statistics = collector.source.statistics()
        let exitsSeen = Set(collector.exitsOfChildren(of: storm)).count
        let exitsDropped = Int(statistics.kernelDropped[.exit])
        #expect(exitsDropped > 0, "the storm should overflow a 4 KiB ring")
        #expect(
            exitsSeen + exitsDropped >= children,
            "exits seen \(exitsSeen) + dropped \(exitsDropped) < \(children)")
        #expect(statistics.totalKernelDropped >= UInt64(exitsDropped))
    }

    @Test("with a generous ring nothing is lost: every child's exit arrives")
    func noDrops() async throws {
        let collector = EventCollector(try TestSources.bpf())
        let children = 2000
        let (storm, _) = try runTestChild(["spawn", String(children)])
        _ = await collector.waitUntil { events in events.contains { $0.isExit(of: storm) } }
        await collector.stop()
        let statistics = collector.source.statistics()
        let exits = Set(collector.exitsOfChildren(of: storm))
        #expect(statistics.totalKernelDropped == 0)
        #expect(exits.count == children)
    }

    @Test("a consumer slower than the source drops whole batches in the queue, counted apart from the kernel")
    func streamDrops() async throws {
        var configuration = BPFLifecycleSource.Configuration()
        configuration.pollIntervalMilliseconds = 10
        configuration.queueCapacity = 50
        let source = try BPFLifecycleSource(configuration: configuration)
        let collector = EventCollector(source, slowConsumerMicroseconds: 200_000)
        let (storm, _) = try runTestChild(["spawn", "1500"])
        // The reader keeps polling while the consumer sleeps on its first batches: wait for the
        // queue to overflow.
        #expect(await waitUntil { source.statistics().streamDropped > 0 })
        await collector.stop()
        let statistics = source.statistics()
        #expect(statistics.streamDropped > 0)
        #expect(statistics.totalKernelDropped == 0)
        // Everything read from the kernel was either handed over or counted as dropped.
        #expect(statistics.totalReceived == UInt64(collector.events.count) + statistics.streamDropped)
        _ = storm
    }
}

extension EventCollector {
    /// Identities of the processes `parent` forked that exited while it lived (its pid may be
    /// reused after it is gone, so later exits naming it as parent are not its children's).
    func exitsOfChildren(of parent: Child) -> [ProcessKey] {
        let end = events.first { $0.isExit(of: parent) }?.time ?? BootInstant(nanoseconds: .max)
        return events.compactMap { event in
            guard case .exit = event.payload, event.process.ppid == parent.pid, event.time <= end else {
                return nil
            }
            return event.process.key
        }
    }
}
