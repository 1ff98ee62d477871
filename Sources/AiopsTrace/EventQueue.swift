import AiopsCore
import Synchronization

/// The hand-off from a source's reader thread to the consumer: an AsyncStream of batches with
/// a bound on the events waiting in it. When the consumer falls behind by more than `capacity`
/// events, new batches are dropped and counted — never blocking the reader (which would make
/// the kernel drop instead, uncounted on some paths) and never growing without bound.
///
/// The same stream also carries a session's notices (a clock tick, SIGHUP), so a consumer that
/// reacts to both awaits one stream: no second queue, no polling between two.
final class EventQueue: Sendable {
    let capacity: Int
    private let continuation: AsyncStream<QueueItem>.Continuation
    private let stream: AsyncStream<QueueItem>
    private let waiting = Atomic<Int>(0)
    private let droppedCount = Atomic<UInt64>(0)

    init(capacity: Int) {
        self.capacity = capacity
        (stream, continuation) = AsyncStream.makeStream(of: QueueItem.self, bufferingPolicy: .unbounded)
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
        if case .terminated = continuation.yield(.events(batch)) {
            waiting.subtract(batch.count, ordering: .relaxed)
        }
    }

    /// From any thread. Not bounded: notices are few (one a second at most, and signals).
    func post(_ notice: SessionNotice) {
        continuation.yield(.notice(notice))
    }

    func finish() {
        continuation.finish()
    }

    var dropped: UInt64 { droppedCount.load(ordering: .relaxed) }

    var batches: EventBatches {
        EventBatches(
            stream: stream, queue: self,
            onConsume: { [self] count in
                _ = waiting.subtract(count, ordering: .relaxed)
            })
    }
}

/// What travels in an `EventQueue`.
enum QueueItem: Sendable {
    case events([LifecycleEvent])
    case notice(SessionNotice)
}

/// Something a session's consumer is told besides events, in order with them.
public enum SessionNotice: Sendable, Equatable {
    /// A second passed (`LifecycleSession.startTicking`).
    case tick
    /// SIGHUP (`SessionStopper` with `hangups`).
    case hangup
}

/// The events of a source, batch by batch, as they are drained from the kernel. Notices posted
/// to the same queue are passed over here; `LifecycleSession` delivers them.
public struct EventBatches: AsyncSequence, Sendable {
    public typealias Element = [LifecycleEvent]
    let stream: AsyncStream<QueueItem>
    let queue: EventQueue
    let onConsume: @Sendable (Int) -> Void

    public struct AsyncIterator: AsyncIteratorProtocol {
        var inner: AsyncStream<QueueItem>.AsyncIterator
        let onConsume: @Sendable (Int) -> Void

        public mutating func next() async -> [LifecycleEvent]? {
            while let item = await nextItem() {
                if case .events(let batch) = item { return batch }
            }
            return nil
        }

        /// The next batch or notice; a batch counts as consumed once it is returned.
        mutating func nextItem() async -> QueueItem? {
            let item = await inner.next()
            if case .events(let batch) = item { onConsume(batch.count) }
            return item
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(inner: stream.makeAsyncIterator(), onConsume: onConsume)
    }

    /// Puts a notice in the stream, after the batches already in it.
    func post(_ notice: SessionNotice) { queue.post(notice) }
}
