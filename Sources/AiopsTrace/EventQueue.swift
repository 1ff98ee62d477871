import AiopsCore
import Synchronization

/// The hand-off from a source's reader thread to the consumer: an AsyncStream of batches with
/// a bound on the events waiting in it. When the consumer falls behind by more than `capacity`
/// events, new batches are dropped and counted — never blocking the reader (which would make
/// the kernel drop instead, uncounted on some paths) and never growing without bound.
final class EventQueue: Sendable {
    let capacity: Int
    private let continuation: AsyncStream<[LifecycleEvent]>.Continuation
    private let stream: AsyncStream<[LifecycleEvent]>
    private let waiting = Atomic<Int>(0)
    private let droppedCount = Atomic<UInt64>(0)

    init(capacity: Int) {
        self.capacity = capacity
        (stream, continuation) = AsyncStream.makeStream(
            of: [LifecycleEvent].self, bufferingPolicy: .unbounded)
    }

    /// From the reader thread.
    func push(_ batch: [LifecycleEvent]) {
        guard !batch.isEmpty else { return }
        let before = waiting.add(batch.count, ordering: .relaxed).oldValue
        if before + batch.count > capacity {
            waiting.subtract(batch.count, ordering: .relaxed)
            droppedCount.add(UInt64(batch.count), ordering: .relaxed)
            return
        }
        if case .terminated = continuation.yield(batch) {
            waiting.subtract(batch.count, ordering: .relaxed)
        }
    }

    func finish() {
        continuation.finish()
    }

    var dropped: UInt64 { droppedCount.load(ordering: .relaxed) }

    var batches: EventBatches {
        EventBatches(
            stream: stream,
            onConsume: { [self] count in
                _ = waiting.subtract(count, ordering: .relaxed)
            })
    }
}

/// The events of a source, batch by batch, as they are drained from the kernel.
public struct EventBatches: AsyncSequence, Sendable {
    public typealias Element = [LifecycleEvent]
    let stream: AsyncStream<[LifecycleEvent]>
    let onConsume: @Sendable (Int) -> Void

    public struct AsyncIterator: AsyncIteratorProtocol {
        var inner: AsyncStream<[LifecycleEvent]>.AsyncIterator
        let onConsume: @Sendable (Int) -> Void

        public mutating func next() async -> [LifecycleEvent]? {
            let batch = await inner.next()
            if let batch { onConsume(batch.count) }
            return batch
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(inner: stream.makeAsyncIterator(), onConsume: onConsume)
    }
}
