#if canImport(Glibc)
    import Glibc
#endif

/// A point on CLOCK_MONOTONIC: deadlines of waits, timeouts of commands and shutdown. Condition
/// variables are set to the same clock, so a wall-clock jump never shortens or stretches a wait.
struct MonotonicInstant: Comparable, Sendable {
    var nanoseconds: UInt64

    static func now() -> MonotonicInstant {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return MonotonicInstant(nanoseconds: UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec))
    }

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    static func + (lhs: Self, rhs: Duration) -> Self {
        let delta = rhs.nanoseconds
        if delta < 0 {
            return MonotonicInstant(nanoseconds: lhs.nanoseconds &- min(UInt64(-delta), lhs.nanoseconds))
        }
        let (sum, overflow) = lhs.nanoseconds.addingReportingOverflow(UInt64(delta))
        return MonotonicInstant(nanoseconds: overflow ? .max : sum)
    }

    /// Time left until `self`, zero once it has passed.
    var remaining: Duration {
        let now = MonotonicInstant.now()
        guard self > now else { return .zero }
        return .nanoseconds(Int64(clamping: nanoseconds - now.nanoseconds))
    }

    var hasPassed: Bool { MonotonicInstant.now() >= self }

    var cTimespec: timespec {
        timespec(
            tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
    }
}

extension Duration {
    /// Whole nanoseconds, saturating (a Duration can exceed Int64 nanoseconds).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflowed) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (sum, overflowedAgain) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflowed || overflowedAgain { return seconds < 0 ? .min : .max }
        return sum
    }

    /// Whole milliseconds, at least 1 for a positive duration (libcurl treats 0 as "no timeout").
    var milliseconds: Int {
        let value = Int(nanoseconds / 1_000_000)
        return value == 0 && self > .zero ? 1 : value
    }

    var seconds: Double { Double(nanoseconds) / 1e9 }
}
