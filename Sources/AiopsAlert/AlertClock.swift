#if canImport(Glibc)
    import Glibc
#endif

/// The dispatcher's two clocks, injectable so that deduplication and rate-limit windows are
/// tested without waiting: a monotonic one for windows (immune to clock changes), and the wall
/// clock for the time stamp of the rate-limit summary alert.
public struct AlertClock: Sendable {
    public var monotonic: @Sendable () -> Duration
    public var unixNanoseconds: @Sendable () -> Int64

    public init(
        monotonic: @escaping @Sendable () -> Duration, unixNanoseconds: @escaping @Sendable () -> Int64
    ) {
        self.monotonic = monotonic
        self.unixNanoseconds = unixNanoseconds
    }

    public static let system = AlertClock(
        monotonic: { .nanoseconds(Int64(MonotonicInstant.now().nanoseconds)) },
        unixNanoseconds: {
            var spec = timespec()
            clock_gettime(CLOCK_REALTIME, &spec)
            return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
        })
}
