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
            json.field("kind", kind(pattern))
            json.field("text", RestartPatternText.sentence(pattern))
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
            json.field("count", count)
            json.field("start", UnixTimeText.rfc3339(start))
            json.field("span_s", span, digits: 3)
        case .timeOfDay(let from, let to, let count, let of, let bursts):
            json.field("from_hour", from)
            json.field("to_hour", to)
            json.field("count", count)
            json.field("of", of)
            json.field("bursts_collapsed", bursts)
        case .regularIntervals(let median, let deviation, let intervals, let scheduled):
            json.field("interval_s", median, digits: 3)
            json.field("deviation_s", deviation, digits: 3)
            json.field("intervals", intervals)
            json.field("scheduled", scheduled)
        case .noPattern(let restarts):
            json.field("restarts", restarts)
        }
    }
}
