/// The hand-off from the dispatcher (the monitoring loop) to one sink's thread. Pushing never
/// waits: when the sink has fallen `capacity` alerts behind, the oldest waiting alert is dropped
/// and counted, because during an incident the newest alerts say the most about the present.
final class BoundedQueue<Element>: @unchecked Sendable {
    enum PushResult: Equatable {
        case accepted
        /// Accepted, and the oldest waiting element was dropped to make room.
        case acceptedDroppingOldest
        /// The queue is closed (shutting down): not accepted.
        case rejected
    }

    let capacity: Int
    private let lock = ConditionLock()
    private var items: [Element?]  // a ring buffer: popping is O(1) under the lock
    private var head = 0
    private var size = 0
    private var closed = false

    init(capacity: Int) {
        precondition(capacity > 0, "a queue needs room for at least one element")
        self.capacity = capacity
        items = Array(repeating: nil, count: capacity)
    }

    func push(_ element: Element) -> PushResult {
        lock.withLock {
            guard !closed else { return .rejected }
            var result = PushResult.accepted
            if size == capacity {
                items[head] = nil
                head = (head + 1) % capacity
                size -= 1
                result = .acceptedDroppingOldest
            }
            items[(head + size) % capacity] = element
            size += 1
            lock.broadcast()
            return result
        }
    }

    /// The oldest element, waiting for one to arrive; nil once the queue is closed and empty.
    func pop() -> Element? {
        lock.withLock {
            while size == 0 && !closed { lock.wait(until: nil) }
            guard size > 0 else { return nil }
            let element = items[head]
            items[head] = nil
            head = (head + 1) % capacity
            size -= 1
            return element
        }
    }

    /// Stops accepting; what is queued can still be popped.
    func close() {
        lock.withLock {
            closed = true
            lock.broadcast()
        }
    }

    /// Empties the queue and returns how many elements were in it.
    func removeAll() -> Int {
        lock.withLock {
            let removed = size
            items = Array(repeating: nil, count: capacity)
            head = 0
            size = 0
            return removed
        }
    }

    var count: Int { lock.withLock { size } }
}
