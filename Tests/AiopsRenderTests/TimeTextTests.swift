import AiopsCore
import AiopsRender
import Foundation
import Testing

@Suite("TimeText")
struct TimeTextTests {
    static let base: UInt64 = 50_000_000_000_000

    /// A TimeText for which `at(0)` is the Unix time `unixNanoseconds`.
    static func text(at unixNanoseconds: Int64) -> TimeText {
        TimeText(clock: WallClock(offsetNanoseconds: unixNanoseconds - Int64(base)))
    }

    /// The boot instant `offset` nanoseconds after the one `text(at:)` pinned.
    static func at(_ offset: Int64) -> BootInstant {
        BootInstant(nanoseconds: UInt64(Int64(base) + offset))
    }

    /// The local clock the C library shows for a Unix second, the oracle for localClock.
    static func localtime(_ second: Int64) -> String {
        var time = time_t(second)
        var parts = tm()
        localtime_r(&time, &parts)
        return String(format: "%02d:%02d:%02d", parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    @Test("RFC 3339 in UTC with microseconds, truncated rather than rounded")
    func rfc3339() {
        var time = TimeText(clock: EventFixtures.clock)
        #expect(time.rfc3339(EventFixtures.time) == "2026-11-25T10:20:30.123456Z")
        #expect(
            time.rfc3339(BootInstant(nanoseconds: EventFixtures.bootNanoseconds + 876_543_210))
                == "2026-11-25T10:20:30.999999Z")
    }

    @Test("crossing second, minute, day and year boundaries refreshes the cached calendar fields")
    func boundaries() {
        // 2026-12-31T23:59:59Z
        var time = Self.text(at: 1_798_761_599_000_000_000)
        #expect(time.rfc3339(Self.at(999_999_000)) == "2026-12-31T23:59:59.999999Z")
        #expect(time.rfc3339(Self.at(1_000_000_000)) == "2027-01-01T00:00:00.000000Z")
        #expect(time.rfc3339(Self.at(1_000_001_000)) == "2027-01-01T00:00:00.000001Z")
        #expect(time.rfc3339(Self.at(61_500_000_000)) == "2027-01-01T00:01:00.500000Z")
        // Back in time (events from two sources are not ordered): still right.
        #expect(time.rfc3339(Self.at(0)) == "2026-12-31T23:59:59.000000Z")
    }

    @Test("a leap day and a time before 1970")
    func calendarEdges() {
        var leap = Self.text(at: 1_835_438_400_000_000_000)  // 2028-02-29T12:00:00Z
        #expect(leap.rfc3339(Self.at(0)) == "2028-02-29T12:00:00.000000Z")
        var old = Self.text(at: -1_500_000_000)
        #expect(old.rfc3339(Self.at(0)) == "1969-12-31T23:59:58.500000Z")
        #expect(old.rfc3339(Self.at(1_500_000_000)) == "1970-01-01T00:00:00.000000Z")
    }

    @Test("localClock is HH:MM:SS.mmm in local time, as localtime_r gives it")
    func localClock() {
        var time = TimeText(clock: EventFixtures.clock)
        let second = EventFixtures.unixNanoseconds / 1_000_000_000
        #expect(time.localClock(EventFixtures.time) == Self.localtime(second) + ".123")
        let later = BootInstant(nanoseconds: EventFixtures.bootNanoseconds + 3_600_000_000_000 + 877_000_000)
        #expect(time.localClock(later) == Self.localtime(second + 3601) + ".000")
        // The UTC text of the same instant stays right after the local one refreshed the cache.
        #expect(time.rfc3339(later) == "2026-11-25T11:20:31.000456Z")
    }

    @Test("local and UTC texts of the same instants agree on minutes and seconds")
    func localMatchesUTC() {
        var time = Self.text(at: 1_795_602_030_000_000_000)
        for step in stride(from: Int64(0), to: 4 * 86_400_000_000_000, by: 7_777_777_777_777) {
            let local = time.localClock(Self.at(step))
            let utc = time.rfc3339(Self.at(step))
            // Time zones differ from UTC by whole quarter hours at most: seconds and milliseconds match.
            #expect(local.suffix(6) == utc.dropLast(4).suffix(6), "\(local) vs \(utc)")
            #expect(local.count == 12)
        }
    }
}
