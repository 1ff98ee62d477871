/// A time pattern in a restart history, stated only where the times support it.
public enum RestartPattern: Sendable, Equatable {
    /// `count` restarts close together (each within `RestartPatterns.burstGapMicroseconds` of the
    /// one before): a restart loop, not independent failures.
    case burst(count: Int, start: Int64, spanSeconds: Double)
    /// `count` of `of` incidents fell in the same hours of the local day, on different days.
    /// `bursts`: some incidents were bursts, each counted once.
    case timeOfDay(fromHour: Int, toHour: Int, count: Int, of: Int, bursts: Bool)
    /// The intervals between incidents are all close to their median.
    /// `scheduled`: close enough, over hours, that only a clock (cron, a timer) keeps such time.
    case regularIntervals(medianSeconds: Double, deviationSeconds: Double, intervals: Int, scheduled: Bool)
    /// Enough restarts to look, and none of the above.
    case noPattern(restarts: Int)
}

/// Finds the time patterns of a restart history: bursts, a time of day restarts cluster in,
/// regular intervals. Pure: the times (Unix µs) and the local hour of each come in.
///
/// A burst is collapsed into one *incident* for the other two: a crash loop at 02:10 is one
/// event at 02:10, and five restarts of it must not pass for a daily pattern.
public enum RestartPatterns {
    /// Fewer restarts than this show no pattern that chance would not show as well: nothing is said.
    public static let minimumRestarts = 3
    /// Restarts this close follow from one another (systemd's RestartSec is seconds; a service
    /// that fails again minutes after its restart is still failing): one incident.
    public static let burstGapMicroseconds: Int64 = 600_000_000
    /// The part of the day a cluster is looked for in, as in the specification's sample
    /// ("between 02:00 and 04:00"): a twelfth of the day, so a uniform spread puts 8 % there.
    public static let windowHours = 2
    /// Intervals needed to call them regular: two equal intervals are a coincidence more often.
    public static let minimumIntervals = 3
    /// How close to the median every interval must be: 2 % (29 min of a day; a leak that
    /// builds up under a varying load strays further), at least 30 s of restart jitter.
    public static let regularTolerance = 0.02
    public static let minimumToleranceSeconds = 30.0
    /// Within 2 min over intervals of an hour or more only a clock keeps: a cron job, a timer.
    public static let scheduledDeviationSeconds = 120.0
    public static let scheduledMinimumSeconds = 3600.0

    public static func find(_ restartTimes: [Int64], hourOf: (Int64) -> Int) -> [RestartPattern] {
        let times = restartTimes.sorted()
        guard times.count >= minimumRestarts else { return [] }
        let groups = self.groups(times)
        var patterns: [RestartPattern] = groups.filter { $0.count >= minimumRestarts }.map { group in
            .burst(
                count: group.count, start: group[0],
                spanSeconds: Double(group[group.count - 1] - group[0]) / 1e6)
        }
        let incidents = groups.map { $0[0] }
        let bursts = groups.contains { $0.count > 1 }
        if let cluster = timeOfDay(incidents, hourOf: hourOf, bursts: bursts) { patterns.append(cluster) }
        if let regular = regularIntervals(incidents) { patterns.append(regular) }
        return patterns.isEmpty ? [.noPattern(restarts: times.count)] : patterns
    }

    /// Sorted times split where two are further apart than the burst gap.
    static func groups(_ times: [Int64]) -> [[Int64]] {
        var groups: [[Int64]] = []
        for time in times {
            if let last = groups.last?.last, time - last <= burstGapMicroseconds {
                groups[groups.count - 1].append(time)
            } else {
                groups.append([time])
            }
        }
        return groups
    }

    /// The busiest `windowHours` of the day, when it holds at least three incidents and more than
    /// half of them, on different days (all within one night would be one bad night, not a time
    /// of day: the incidents in the window must lie a day apart, at least 20 h).
    static func timeOfDay(_ incidents: [Int64], hourOf: (Int64) -> Int, bursts: Bool) -> RestartPattern? {
        guard incidents.count >= minimumRestarts else { return nil }
        let hours = incidents.map { min(max(hourOf($0), 0), 23) }
        var best: (start: Int, members: [Int64])?
        // Windows start at an hour something happened in: restarts at 03:xx are "between 03:00
        // and 05:00", not the equally true "between 02:00 and 04:00".
        for start in Set(hours).sorted() {
            let members = zip(incidents, hours).filter { ($0.1 - start + 24) % 24 < windowHours }.map(\.0)
            if members.count > (best?.members.count ?? 0) { best = (start, members) }
        }
        guard let best, best.members.count >= minimumRestarts, best.members.count * 2 > incidents.count,
            let first = best.members.min(), let last = best.members.max(), last - first >= 20 * 3_600_000_000
        else { return nil }
        return .timeOfDay(
            fromHour: best.start, toHour: (best.start + windowHours) % 24, count: best.members.count,
            of: incidents.count, bursts: bursts)
    }

    static func regularIntervals(_ incidents: [Int64]) -> RestartPattern? {
        guard incidents.count > minimumIntervals else { return nil }
        // Incidents are more than the burst gap apart: a fast restart loop is never "regular".
        let intervals = zip(incidents.dropFirst(), incidents).map { Double($0 - $1) / 1e6 }
        let sorted = intervals.sorted()
        let middle = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        let deviation = intervals.map { abs($0 - median) }.max() ?? 0
        guard deviation <= max(median * regularTolerance, minimumToleranceSeconds) else { return nil }
        return .regularIntervals(
            medianSeconds: median, deviationSeconds: deviation, intervals: intervals.count,
            scheduled: deviation <= scheduledDeviationSeconds && median >= scheduledMinimumSeconds)
    }
}
