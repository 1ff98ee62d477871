import AiopsAnalyze
import AiopsRender

/// `statistics.patterns` of `analyze restarts --json`: each pattern's kind, its sentence, and its
/// figures. Empty under three restarts (too few to claim anything).
///
/// - {kind: "burst", text, count, start, span_s}
/// - {kind: "time_of_day", text, from_hour, to_hour (local, 0–23), count, of, bursts_collapsed}
/// - {kind: "regular_intervals", text, interval_s (median), deviation_s, intervals, scheduled}
/// - {kind: "none", text, restarts}
enum RestartPatternJSON {
    static func patterns(_ patterns: [RestartPattern], into json: inout JSONWriter) {
        json.key("patterns")
        json.beginArray()
        for pattern in patterns {
            json.beginObject()
            json.key("kind")
            json.string(kind(pattern))
            json.key("text")
            json.string(RestartPatternText.sentence(pattern))
            fields(pattern, into: &json)
            json.endObject()
        }
        json.endArray()
    }

    static func kind(_ pattern: RestartPattern) -> String {
        switch pattern {
        case .burst: return "burst"
        case .timeOfDay: return "time_of_day"
        case .regularIntervals: return "regular_intervals"
        case .noPattern: return "none"
        }
    }

    private static func fields(_ pattern: RestartPattern, into json: inout JSONWriter) {
        switch pattern {
        case .burst(let count, let start, let span):
            json.key("count")
            json.integer(count)
            json.key("start")
            json.string(UnixTimeText.rfc3339(start))
            json.key("span_s")
            json.number(span, digits: 3)
        case .timeOfDay(let from, let to, let count, let of, let bursts):
            json.key("from_hour")
            json.integer(from)
            json.key("to_hour")
            json.integer(to)
            json.key("count")
            json.integer(count)
            json.key("of")
            json.integer(of)
            json.key("bursts_collapsed")
            json.bool(bursts)
        case .regularIntervals(let median, let deviation, let intervals, let scheduled):
            json.key("interval_s")
            json.number(median, digits: 3)
            json.key("deviation_s")
            json.number(deviation, digits: 3)
            json.key("intervals")
            json.integer(intervals)
            json.key("scheduled")
            json.bool(scheduled)
        case .noPattern(let restarts):
            json.key("restarts")
            json.integer(restarts)
        }
    }
}
