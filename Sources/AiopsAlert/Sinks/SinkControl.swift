import Synchronization

/// What a sink's thread shares with whoever shuts it down: whether to give up — abandon what is
/// queued, interrupt the attempt in flight (an HTTP request, a command, a retry backoff).
final class SinkControl: Sendable {
    private let cancelled = Atomic<Bool>(false)
    private let lock = ConditionLock()

    var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    func cancel() {
        cancelled.store(true, ordering: .releasing)
        lock.withLock { lock.broadcast() }
    }

    /// Sleeps `duration` (a retry backoff), cut short by `cancel()`. Returns false if it was: the
    /// retry should not happen. A shutdown that is only draining does not cut it: while its
    /// deadline allows, a last alert still deserves its retries.
    func pause(_ duration: Duration) -> Bool {
        let deadline = MonotonicInstant.now() + duration
        return lock.withLock {
            while !isCancelled {
                if !lock.wait(until: deadline) { return true }
            }
            return false
        }
    }
}
