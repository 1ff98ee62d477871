import AiopsAnalyze
import AiopsCore
import Foundation
import Testing

@testable import AiopsReports

/// The time patterns of `analyze restarts` as the report states them: sentences in the table's
/// root-cause section, kinds and figures in `statistics.patterns`.
@Suite("analyze restarts: time patterns in the report")
struct RestartPatternTextTests {
    typealias Fixture = RestartsReportFixture

    /// 2026-11-22 03:00:30 UTC plus `day` days and `seconds`.
    static func daily(_ day: Int, _ seconds: Int) -> Int64 {
        (1_795_478_400 + 3 * 3600 + 30 + Int64(day) * 86_400 + Int64(seconds)) * 1_000_000
    }

    @Test("a restart every night at 03:00: the cluster and the schedule are said, in the table and the JSON")
    func dailyRestarts() throws {
        let episodes = [0, 20, -10, 30, 0, -20, 10].enumerated().map { day, jitter in
            Fixture.episode(.manualRestart, at: Self.daily(day, jitter))
        }
        let report = Fixture.report(episodes: episodes)
        let table = Fixture.table(report)
        #expect(table.contains("Time pattern:"))
        #expect(table.contains("• restarts cluster between 03:00 and 05:00 local time (7 of 7)"), "\(table)")
        #expect(
            table.contains(
                "• intervals are regular (~1d0h ± 40s over 6 intervals): looks scheduled (a cron job or a timer)"
            ))

        let statistics = try #require(try Fixture.json(report)["statistics"] as? [String: Any])
        let patterns = try #require(statistics["patterns"] as? [[String: Any]])
        #expect(patterns.map { $0["kind"] as? String } == ["time_of_day", "regular_intervals"])
        #expect(patterns[0]["from_hour"] as? Int == 3)
        #expect(patterns[0]["count"] as? Int == 7)
        #expect(patterns[1]["interval_s"] as? Double == 86_400)
        #expect(patterns[1]["scheduled"] as? Bool == true)
        #expect((patterns[1]["text"] as? String)?.hasPrefix("intervals are regular") == true)
    }

    @Test("a crash loop: the burst is named with its size and span")
    func burst() throws {
        let start = Self.daily(3, 0)
        let episodes = [0, 60, 240, 360].map {
            Fixture.episode(.crash(signal: 11, coreDumped: false), at: start + Int64($0) * 1_000_000)
        }
        let report = Fixture.report(episodes: episodes)
        #expect(Fixture.table(report).contains("• burst: 4 restarts within 6m on "))
        let statistics = try #require(try Fixture.json(report)["statistics"] as? [String: Any])
        let patterns = try #require(statistics["patterns"] as? [[String: Any]])
        #expect(patterns.count == 1)
        #expect(patterns.first?["kind"] as? String == "burst")
        #expect(patterns.first?["span_s"] as? Double == 360)
    }

    @Test("two restarts: no pattern claimed, and the table says there were too few")
    func tooFew() throws {
        let report = Fixture.report(episodes: [
            Fixture.episode(.manualRestart, at: Self.daily(0, 0)),
            Fixture.episode(.manualRestart, at: Self.daily(1, 0)),
        ])
        let table = Fixture.table(report)
        #expect(table.contains("fewer than 3 restarts: too few to claim a pattern"))
        #expect(!table.contains("cluster"))
        let statistics = try #require(try Fixture.json(report)["statistics"] as? [String: Any])
        #expect((statistics["patterns"] as? [Any])?.isEmpty == true)
    }

    @Test("more bursts than the table shows: the largest three, and how many more")
    func manyBursts() {
        // Five loops of 3 to 7 restarts, a day apart at 12:00: incidents then at one time of day.
        let episodes = [3, 7, 4, 6, 5].enumerated().flatMap { day, size in
            (0..<size).map { restart in
                Fixture.episode(
                    .crash(signal: 6, coreDumped: false), at: Self.daily(day, 9 * 3600 + restart * 30))
            }
        }
        let table = Fixture.table(Fixture.report(episodes: episodes))
        for shown in [7, 6, 5] { #expect(table.contains("• burst: \(shown) restarts within")) }
        for hidden in [3, 4] { #expect(!table.contains("• burst: \(hidden) restarts within")) }
        #expect(table.contains("… 2 smaller bursts (all of them in --json)"))
    }
}
