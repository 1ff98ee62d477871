#if canImport(Glibc)
    import Glibc
#endif

/// A mutex with a condition variable on CLOCK_MONOTONIC. Synchronization's Mutex has no
/// condition to wait on, and the sink threads must sleep until work arrives or a deadline
/// passes — without polling, and without the Swift concurrency pool (two threads here, which a
/// blocked sink would starve).
final class ConditionLock: @unchecked Sendable {
    // Heap-allocated: pthread objects must never move, and Swift may move stored properties.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// With the lock held: sleeps until `broadcast()` or `deadline` (nil: no deadline). Returns
    /// false once the deadline has passed. Wake-ups can be spurious: callers re-check their state.
    @discardableResult
    func wait(until deadline: MonotonicInstant?) -> Bool {
        guard let deadline else {
            pthread_cond_wait(condition, mutex)
            return true
        }
        if deadline.hasPassed { return false }
        var spec = deadline.cTimespec
        return pthread_cond_timedwait(condition, mutex, &spec) != ETIMEDOUT
    }

    func broadcast() {
        pthread_cond_broadcast(condition)
    }
}
