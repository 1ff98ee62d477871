import AiopsAnalyze
import AiopsCore

/// The time patterns of a restart history as sentences, in the specification's manner
/// ("restarts cluster between 02:00 and 04:00 (5 of 8)"); local times, as the timeline.
enum RestartPatternText {
    /// The table names this many bursts, the largest; the JSON has them all.
    static let shownBursts = 3

    static func sentence(_ pattern: RestartPattern) -> String {
        switch pattern {
        case .burst(let count, let start, let span):
            return
                "burst: \(count) restarts within \(DurationText.format(seconds: span)) on \(monthDayTime(start))"
        case .timeOfDay(let from, let to, let count, let of, let bursts):
            let share = bursts ? "\(count) of \(of) incidents, a burst counted once" : "\(count) of \(of)"
            return "restarts cluster between \(clock(from)) and \(clock(to)) local time (\(share))"
        case .regularIntervals(let median, let deviation, let intervals, let scheduled):
            let spread =
                "~\(DurationText.format(seconds: median)) ± \(DurationText.format(seconds: max(deviation, 1))) "
                + "over \(intervals) intervals"
            return scheduled
                ? "intervals are regular (\(spread)): looks scheduled (a cron job or a timer)"
                : "intervals are regular (\(spread)): something periodic drives them (a schedule, or a "
                    + "load or leak that builds up at a steady rate)"
        case .noPattern(let restarts):
            return
                "no clear time pattern in \(restarts) restarts: no burst, no \(RestartPatterns.windowHours)-hour "
                + "cluster on the clock, no regular interval"
        }
    }

    /// The table's lines: the sentences, the bursts capped at `shownBursts` (the largest).
    static func lines(_ statistics: RestartStatistics) -> [String] {
        guard !statistics.patterns.isEmpty else {
            return statistics.restarts > 0
                ? ["fewer than \(RestartPatterns.minimumRestarts) restarts: too few to claim a pattern"] : []
        }
        let bursts = statistics.patterns.filter { burstSize($0) > 0 }
        // Stable: among bursts of one size, the earliest.
        let shown = bursts.enumerated().sorted {
            burstSize($0.element) != burstSize($1.element)
                ? burstSize($0.element) > burstSize($1.element) : $0.offset < $1.offset
        }.prefix(shownBursts).map(\.element)
        var lines = statistics.patterns.filter { burstSize($0) == 0 || shown.contains($0) }.map(sentence)
        if bursts.count > shownBursts {
            lines.append("… \(bursts.count - shownBursts) smaller bursts (all of them in --json)")
        }
        return lines
    }

    private static func burstSize(_ pattern: RestartPattern) -> Int {
        if case .burst(let count, _, _) = pattern { return count }
        return 0
    }

    /// "02:00".
    static func clock(_ hour: Int) -> String { (hour < 10 ? "0" : "") + "\(hour):00" }

    /// "11-20 02:13" local time.
    static func monthDayTime(_ microseconds: Int64) -> String {
        let text = UnixTimeText.local(microseconds)  // "2026-11-20 02:13:45"
        guard text.count >= 16 else { return text }
        return String(text.dropFirst(5).prefix(11))
    }
}
