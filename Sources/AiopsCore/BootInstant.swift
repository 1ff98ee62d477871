#if canImport(Glibc)
    import Glibc
#endif

/// A point on CLOCK_BOOTTIME, in nanoseconds: the clock of BPF events (bpf_ktime_get_boot_ns),
/// of task start times, and, at tick resolution, of /proc/<pid>/stat. Unlike CLOCK_MONOTONIC it
/// keeps counting through suspend, so start times and event times compare directly.
public struct BootInstant: Hashable, Sendable, Comparable {
    public var nanoseconds: UInt64

    public init(nanoseconds: UInt64) {
        self.nanoseconds = nanoseconds
    }

    public init(clockTicks: UInt64) {
        self.nanoseconds = clockTicks &* BootInstant.nanosecondsPerTick
    }

    /// USER_HZ: the unit of /proc/<pid>/stat times. 100 on every Linux architecture in use.
    public static let clockTicksPerSecond: UInt64 = {
        let value = sysconf(Int32(_SC_CLK_TCK))
        return value > 0 ? UInt64(value) : 100
    }()

    public static let nanosecondsPerTick: UInt64 = 1_000_000_000 / clockTicksPerSecond

    /// The kernel derives /proc's start time by truncating the same nanosecond value.
    public var clockTicks: UInt64 { nanoseconds / BootInstant.nanosecondsPerTick }

    public static func now() -> BootInstant {
        BootInstant(nanoseconds: readClock(CLOCK_BOOTTIME))
    }

    public static func < (lhs: BootInstant, rhs: BootInstant) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    /// Whether two start times name the same process start. /proc knows starts only to the
    /// clock tick, BPF to the nanosecond: they are compared at the coarser resolution.
    public func sameStart(as other: BootInstant) -> Bool {
        clockTicks == other.clockTicks
    }

    /// Seconds from `earlier` to `self`; 0 if `earlier` is later (clocks of two sources).
    public func seconds(since earlier: BootInstant) -> Double {
        guard nanoseconds >= earlier.nanoseconds else { return 0 }
        return Double(nanoseconds - earlier.nanoseconds) / 1e9
    }
}

func readClock(_ clock: clockid_t) -> UInt64 {
    var spec = timespec()
    clock_gettime(clock, &spec)
    return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
}

/// Converts boot-clock instants to wall-clock time. Measured once: the offset only moves when
/// someone sets the clock, and a trace must not jump around when NTP slews.
public struct WallClock: Sendable {
    /// CLOCK_REALTIME minus CLOCK_BOOTTIME, in nanoseconds.
    public let offsetNanoseconds: Int64

    public init(offsetNanoseconds: Int64) {
        self.offsetNanoseconds = offsetNanoseconds
    }

    public static func measure() -> WallClock {
        // Bracket the realtime reading between two boot-clock readings to halve the error.
        let before = readClock(CLOCK_BOOTTIME)
        let realtime = readClock(CLOCK_REALTIME)
        let after = readClock(CLOCK_BOOTTIME)
        let boot = before / 2 + after / 2
        return WallClock(offsetNanoseconds: Int64(bitPattern: realtime &- boot))
    }

    /// Nanoseconds since the Unix epoch.
    public func unixNanoseconds(_ instant: BootInstant) -> Int64 {
        Int64(bitPattern: instant.nanoseconds) &+ offsetNanoseconds
    }
}

/// CLOCK_BOOTTIME minus CLOCK_MONOTONIC (time spent suspended): the proc connector stamps events
/// with the monotonic clock.
public func monotonicToBootOffset() -> UInt64 {
    let monotonic = readClock(CLOCK_MONOTONIC)
    let boot = readClock(CLOCK_BOOTTIME)
    return boot >= monotonic ? boot - monotonic : 0
}
