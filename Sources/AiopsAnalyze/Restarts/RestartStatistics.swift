/// Numbers over a restart history for one period: rate, uptime between restarts, recovery
/// time, how restarts are spaced and when in the day they happen (and the patterns in that),
/// and what caused them.
public struct RestartStatistics: Sendable, Equatable {
    /// Episodes after which the service was started again.
    public var restarts: Int
    /// Every episode, restarted or not (a crash the start limit refused, a final stop).
    public var episodes: Int
    /// Runs that completed (ended cleanly, not restarted by systemd: a oneshot or timer unit's
    /// runs). Counted apart: they are in no other number here, the rate least of all.
    public var completedRuns: Int
    /// The time the numbers cover: the period asked, or less when the journal starts later.
    public var periodSeconds: Double
    public var restartsPerDay: Double
    /// Mean time a run lasted before it ended (runs whose start lies in the period).
    public var meanUptimeSeconds: Double?
    /// Mean time from the end of a run to the next successful start.
    public var meanRecoverySeconds: Double?
    public var maximumRecoverySeconds: Double?
    /// Time between consecutive restarts.
    public var intervals: Intervals?
    /// Restarts per local hour of the day (24 counts); the caller supplies the hour of each.
    public var byHour: [Int]
    /// Episodes per category (see RestartEpisode.category), most frequent first.
    public var causes: [CauseCount]
    /// Bursts, a time of day, regular intervals — or that there is none; empty under
    /// `RestartPatterns.minimumRestarts` restarts, too few to say either.
    public var patterns: [RestartPattern]

    public struct CauseCount: Sendable, Equatable {
        public var category: String
        public var count: Int

        public init(category: String, count: Int) {
            self.category = category
            self.count = count
        }
    }

    public struct Intervals: Sendable, Equatable {
        public var minimumSeconds: Double
        public var medianSeconds: Double
        public var maximumSeconds: Double
        /// Counts in: under 1 min, 1–10 min, 10 min–1 h, 1 h–1 day, over 1 day.
        public var buckets: [Int]

        public static let bucketLabels = ["< 1 min", "1–10 min", "10 min–1 h", "1 h–1 day", "> 1 day"]
    }

    /// The rate above which restarts are worth a warning: more than one a day is not a
    /// service that crashes now and then, it is a pattern.
    public static let warningRestartsPerDay = 1.0

    /// Over less than a day (a journal only hours or seconds old) one restart extrapolates to a
    /// high rate but is no pattern: the warning then needs more restarts than one day allows.
    public var rateIsHigh: Bool {
        restartsPerDay > Self.warningRestartsPerDay
            && Double(restarts) > Self.warningRestartsPerDay * max(periodSeconds / 86_400, 1)
    }

    public init(
        episodes list: [RestartEpisode], completedRuns: Int = 0, periodSeconds: Double, hourOf: (Int64) -> Int
    ) {
        let restarted = list.filter(\.restarted)
        restarts = restarted.count
        episodes = list.count
        self.completedRuns = completedRuns
        self.periodSeconds = periodSeconds
        restartsPerDay = periodSeconds > 0 ? Double(restarts) / (periodSeconds / 86_400) : 0
        meanUptimeSeconds = Self.mean(list.compactMap(\.uptimeSeconds))
        let recoveries = restarted.compactMap(\.recoverySeconds)
        meanRecoverySeconds = Self.mean(recoveries)
        maximumRecoverySeconds = recoveries.max()
        intervals = Self.intervals(restarted.map(\.time))
        var hours = [Int](repeating: 0, count: 24)
        for episode in restarted { hours[min(max(hourOf(episode.time), 0), 23)] += 1 }
        byHour = hours
        patterns = RestartPatterns.find(restarted.map(\.time), hourOf: hourOf)
        var counts: [String: Int] = [:]
        for episode in list { counts[episode.category, default: 0] += 1 }
        causes = counts.map { CauseCount(category: $0.key, count: $0.value) }.sorted {
            $0.count != $1.count ? $0.count > $1.count : $0.category < $1.category
        }
    }

    static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    static func intervals(_ times: [Int64]) -> Intervals? {
        let sorted = times.sorted()
        guard sorted.count >= 2 else { return nil }
        let gaps = zip(sorted.dropFirst(), sorted).map { Double($0 - $1) / 1e6 }.sorted()
        let middle = gaps.count / 2
        let median = gaps.count % 2 == 1 ? gaps[middle] : (gaps[middle - 1] + gaps[middle]) / 2
        var buckets = [0, 0, 0, 0, 0]
        for gap in gaps {
            switch gap {
            case ..<60: buckets[0] += 1
            case ..<600: buckets[1] += 1
            case ..<3600: buckets[2] += 1
            case ..<86_400: buckets[3] += 1
            default: buckets[4] += 1
            }
        }
        return Intervals(
            minimumSeconds: gaps[0], medianSeconds: median, maximumSeconds: gaps[gaps.count - 1],
            buckets: buckets)
    }
}
