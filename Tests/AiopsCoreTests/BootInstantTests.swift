import AiopsCore
import Foundation
import Testing

@Suite("BootInstant and WallClock")
struct BootInstantTests {
    @Test("USER_HZ is what sysconf says, and a tick is its reciprocal in nanoseconds")
    func clockTicks() {
        #expect(BootInstant.clockTicksPerSecond == UInt64(sysconf(Int32(_SC_CLK_TCK))))
        #expect(BootInstant.nanosecondsPerTick * BootInstant.clockTicksPerSecond == 1_000_000_000)
        let instant = BootInstant(clockTicks: 144_522)
        #expect(instant.nanoseconds == 144_522 * BootInstant.nanosecondsPerTick)
        #expect(instant.clockTicks == 144_522)
    }

    @Test("clockTicks truncates like the kernel does for /proc start times")
    func truncation() {
        let tick = BootInstant.nanosecondsPerTick
        #expect(BootInstant(nanoseconds: 3 * tick - 1).clockTicks == 2)
        #expect(BootInstant(nanoseconds: 3 * tick).clockTicks == 3)
        #expect(BootInstant(nanoseconds: 3 * tick + 1).sameStart(as: BootInstant(clockTicks: 3)))
        #expect(!BootInstant(nanoseconds: 3 * tick - 1).sameStart(as: BootInstant(clockTicks: 3)))
    }

    @Test("a huge tick count wraps instead of trapping")
    func hugeTicksDoNotTrap() {
        let instant = BootInstant(clockTicks: .max)
        #expect(instant.nanoseconds == UInt64.max &* BootInstant.nanosecondsPerTick)
    }

    @Test("seconds(since:) is the difference, and 0 when the earlier instant is later")
    func secondsSince() {
        let start = BootInstant(nanoseconds: 1_000_000_000)
        let end = BootInstant(nanoseconds: 3_500_000_000)
        #expect(end.seconds(since: start) == 2.5)
        #expect(start.seconds(since: end) == 0)
        #expect(start < end)
        #expect(!(end < start))
    }

    @Test("now() is CLOCK_BOOTTIME: /proc/uptime read in between lies between two readings")
    func nowIsBootClock() throws {
        let before = BootInstant.now()
        let uptimeText = try String(contentsOfFile: "/proc/uptime", encoding: .utf8)
        let after = BootInstant.now()
        let uptime = try #require(Double(uptimeText.split(separator: " ")[0]))
        // /proc/uptime is CLOCK_BOOTTIME truncated to hundredths of a second.
        #expect(uptime >= Double(before.nanoseconds) / 1e9 - 0.01)
        #expect(uptime <= Double(after.nanoseconds) / 1e9 + 0.01)
        #expect(before <= after)
    }

    @Test("unixNanoseconds adds the offset, which may be negative")
    func offsetArithmetic() {
        let clock = WallClock(offsetNanoseconds: 1_795_602_030_000_000_000)
        #expect(clock.unixNanoseconds(BootInstant(nanoseconds: 123)) == 1_795_602_030_000_000_123)
        let before1970 = WallClock(offsetNanoseconds: -10_000_000_000)
        #expect(before1970.unixNanoseconds(BootInstant(nanoseconds: 2_500_000_000)) == -7_500_000_000)
    }

    @Test("a measured WallClock maps now() to the real time")
    func measuredClockMatchesRealtime() {
        let clock = WallClock.measure()
        var spec = timespec()
        let boot = BootInstant.now()
        clock_gettime(CLOCK_REALTIME, &spec)
        let realtime = Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
        // Generous: this checks the sign and the clocks used, not precision.
        #expect(abs(clock.unixNanoseconds(boot) - realtime) < 2_000_000_000)
    }
}
