import AiopsSystemd
import Testing

@Suite("systemctl show timestamps")
struct SystemdTimestampTests {
    @Test("us+utc text becomes Unix microseconds")
    func parses() {
        // 2026-11-25 05:56:48.816294 UTC, checked with `date -u -d @1795586208`.
        #expect(
            SystemdTimestamp.parseMicroseconds("Wed 2026-11-25 05:56:48.816294 UTC") == 1_795_586_208_816_294)
        #expect(SystemdTimestamp.parseMicroseconds("Thu 1970-01-01 00:00:00 UTC") == 0)
        #expect(SystemdTimestamp.parseMicroseconds("Tue 2024-02-29 23:59:59.5 UTC") == 1_709_251_199_500_000)
    }

    @Test(
        "unset and foreign forms are nil",
        arguments: ["", "n/a", "0", "Wed 2026-11-25 05:56:48 CET", "garbage"])
    func rejects(_ text: String) {
        #expect(SystemdTimestamp.parseMicroseconds(text) == nil)
    }
}

@Suite("systemctl show durations")
struct SystemdTimespanTests {
    @Test("systemd's timespan text becomes microseconds")
    func parses() {
        #expect(SystemdTimespan.parseMicroseconds("2s") == 2_000_000)
        #expect(SystemdTimespan.parseMicroseconds("200ms") == 200_000)
        #expect(SystemdTimespan.parseMicroseconds("1min 30s") == 90_000_000)
        #expect(SystemdTimespan.parseMicroseconds("1h 2min 3.5s") == 3_723_500_000)
        #expect(SystemdTimespan.parseMicroseconds("100000") == 100_000)
        #expect(SystemdTimespan.parseMicroseconds("infinity") == nil)
        #expect(SystemdTimespan.parseMicroseconds("") == nil)
        #expect(SystemdTimespan.parseMicroseconds("5 parsecs") == nil)
    }
}
