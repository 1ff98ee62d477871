import AiopsAnalyze
import Testing

/// Time patterns from constructed restart times (UTC hours stand in for local ones): each is
/// claimed when the times support it, and nothing is claimed when they do not.
@Suite("restart time patterns")
struct RestartPatternsTests {
    /// 2026-11-22 00:00:00 UTC, in µs.
    static let day0: Int64 = 1_795_478_400 * 1_000_000

    static func at(day: Int, _ hour: Int, _ minute: Int, _ second: Int = 0) -> Int64 {
        day0 + Int64(((day * 24 + hour) * 60 + minute) * 60 + second) * 1_000_000
    }

    static func utcHour(_ time: Int64) -> Int { Int((time / 3_600_000_000) % 24) }

    static func find(_ times: [Int64]) -> [RestartPattern] { RestartPatterns.find(times, hourOf: utcHour) }

    @Test("fewer than three restarts: nothing is claimed, not even that there is no pattern")
    func tooFew() {
        #expect(Self.find([]).isEmpty)
        #expect(Self.find([Self.at(day: 0, 2, 10), Self.at(day: 1, 2, 12)]).isEmpty)
    }

    @Test("5 of 8 restarts between 02:00 and 04:00 on different days: a time of day")
    func timeOfDay() {
        let night = [
            Self.at(day: 0, 2, 15), Self.at(day: 1, 3, 40), Self.at(day: 2, 2, 5), Self.at(day: 4, 3, 10),
            Self.at(day: 6, 2, 55),
        ]
        let day = [Self.at(day: 1, 9, 10), Self.at(day: 3, 14, 30), Self.at(day: 5, 20, 45)]
        #expect(
            Self.find(night + day) == [.timeOfDay(fromHour: 2, toHour: 4, count: 5, of: 8, bursts: false)])
        // Half is not more than half: 5 of 10 is no cluster.
        let more = day + [Self.at(day: 2, 11, 0), Self.at(day: 4, 17, 20)]
        #expect(Self.find(night + more) == [.noPattern(restarts: 10)])
    }

    @Test("three restarts in one bad night are not a time of day")
    func oneNight() {
        // 30 and 40 minutes apart: no burst either.
        let times = [Self.at(day: 3, 2, 10), Self.at(day: 3, 2, 40), Self.at(day: 3, 3, 20)]
        #expect(Self.find(times) == [.noPattern(restarts: 3)])
    }

    @Test("restarts spread over the day at irregular intervals: no pattern, and that is said")
    func spread() {
        let times = [
            Self.at(day: 0, 0, 30), Self.at(day: 2, 4, 10), Self.at(day: 3, 8, 50), Self.at(day: 5, 12, 20),
            Self.at(day: 5, 16, 40), Self.at(day: 6, 20, 5),
        ]
        #expect(Self.find(times) == [.noPattern(restarts: 6)])
    }

    @Test("every day at 03:00 within seconds: regular, looks scheduled, and a time of day")
    func daily() throws {
        let jitter = [0, 20, -10, 30, 0, -20, 10]
        let times = jitter.enumerated().map {
            Self.at(day: $0.offset, 3, 0, 30) + Int64($0.element) * 1_000_000
        }
        let patterns = Self.find(times)
        #expect(patterns.count == 2)
        #expect(patterns.first == .timeOfDay(fromHour: 3, toHour: 5, count: 7, of: 7, bursts: false))
        guard case .regularIntervals(let median, let deviation, let intervals, let scheduled)? = patterns.last
        else {
            Issue.record("no regular intervals in \(patterns)")
            return
        }
        #expect(median == 86_400)
        #expect(deviation == 40)
        #expect(intervals == 6)
        #expect(scheduled)
    }

    @Test("every ~6 h within minutes: regular but no clock's precision; irregular intervals are not regular")
    func regularNotScheduled() throws {
        let offsets = [0, 6 * 3600 + 300, 12 * 3600 + 100, 18 * 3600 - 200, 24 * 3600 + 250]
        let times = offsets.map { Self.at(day: 1, 0, 0, $0) }
        guard case .regularIntervals(let median, let deviation, 4, false)? = Self.find(times).first else {
            Issue.record("expected regular, not scheduled: \(Self.find(times))")
            return
        }
        // Intervals 21 900, 21 400, 21 300, 22 050 s: within 2 % of their median, not within 2 min.
        #expect(median == 21_650)
        #expect(deviation == 400)

        let irregular = [0, 1, 6, 8, 17].map { Self.at(day: 2, $0, 30) }
        #expect(Self.find(irregular) == [.noPattern(restarts: 5)])
    }

    @Test("4 restarts within 6 minutes: a burst; it is one incident, not a daily pattern")
    func bursts() {
        let loop = [
            Self.at(day: 3, 2, 13), Self.at(day: 3, 2, 14), Self.at(day: 3, 2, 17), Self.at(day: 3, 2, 19),
        ]
        let others = [Self.at(day: 1, 9, 0), Self.at(day: 5, 17, 0)]
        #expect(Self.find(loop + others) == [.burst(count: 4, start: loop[0], spanSeconds: 360)])
        // Five restarts of one loop at 02:1x are no "cluster between 02:00 and 04:00".
        let one = (0..<5).map { Self.at(day: 2, 2, 10 + $0) }
        #expect(Self.find(one) == [.burst(count: 5, start: one[0], spanSeconds: 240)])
        // Two restarts 5 minutes apart are no burst.
        #expect(
            Self.find([Self.at(day: 0, 1, 0), Self.at(day: 0, 1, 5), Self.at(day: 4, 15, 0)])
                == [.noPattern(restarts: 3)])
    }

    @Test("nightly trouble where one night was a burst: the burst counts once in the time of day")
    func burstInANightlyPattern() {
        let burst = [Self.at(day: 2, 2, 30), Self.at(day: 2, 2, 32), Self.at(day: 2, 2, 35)]
        let times = [Self.at(day: 0, 2, 10), Self.at(day: 4, 3, 5)] + burst
        #expect(
            Self.find(times) == [
                .burst(count: 3, start: burst[0], spanSeconds: 300),
                .timeOfDay(fromHour: 2, toHour: 4, count: 3, of: 3, bursts: true),
            ])
    }
}
