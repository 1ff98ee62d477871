import AiopsCore

/// The recent readings of one quantity that may leak, and when a leak of it was last reported.
struct LeakTrack: Sendable {
    private(set) var points: RecentWindow<GrowthPoint>
    /// Readings since the last report: a leak is reported again only over a window of readings
    /// none of which was behind the previous report, so a slow leak is one alert per window.
    private var readingsSinceReport: Int

    init(capacity: Int) {
        points = RecentWindow(capacity: capacity)
        readingsSinceReport = capacity
    }

    /// The mean of the window.
    var mean: Double {
        points.elements.reduce(0) { $0 + $1.value } / Double(max(points.count, 1))
    }

    /// The analysis of the window when it now shows a likely leak that was not reported yet.
    mutating func add(_ point: GrowthPoint, detector: GrowthDetector) -> GrowthAnalysis? {
        points.append(point)
        readingsSinceReport += 1
        // The detector would say "too short" below its minimums: skip the fit.
        guard readingsSinceReport >= points.capacity, points.count >= detector.thresholds.minimumSamples,
            let first = points.first?.time,
            point.time.seconds(since: first) >= detector.thresholds.minimumWindowSeconds
        else { return nil }
        let analysis = detector.analyze(points.elements)
        // Only the steady verdict: "possibly a leak" (uneven growth) is worth a report on
        // demand, not an alert that wakes someone.
        guard analysis.verdict == .likelyLeak else { return nil }
        readingsSinceReport = 0
        return analysis
    }
}
