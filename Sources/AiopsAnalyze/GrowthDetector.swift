import AiopsCore

/// One reading of a quantity that may leak (resident memory, open descriptors, threads).
public struct GrowthPoint: Hashable, Sendable {
    public var time: BootInstant
    public var value: Double

    public init(time: BootInstant, value: Double) {
        self.time = time
        self.value = value
    }
}

/// What a series of readings says about sustained growth.
public enum GrowthVerdict: String, Hashable, Sendable, CaseIterable {
    /// Fewer than three readings: no trend can be told from noise.
    case tooFewSamples = "too_few_samples"
    /// The fitted change over the window is below the noise floor.
    case noGrowth = "no_growth"
    /// It goes down.
    case shrinking
    /// It changed, but a straight line explains little of it (a sawtooth, a spike): no sustained
    /// trend.
    case irregular
    /// Steady growth, but over too short a window or too few samples to tell a leak from
    /// warm-up (caches filling, pools growing to their working size).
    case growingTooShort = "growing_too_short"
    /// Sustained growth, but uneven.
    case possibleLeak = "possible_leak"
    /// Steady, sustained growth over a long enough window.
    case likelyLeak = "likely_leak"

    public var isLeak: Bool { self == .likelyLeak || self == .possibleLeak }
}

/// The analysis of one series.
public struct GrowthAnalysis: Hashable, Sendable {
    public var verdict: GrowthVerdict
    public var samples: Int
    public var windowSeconds: Double
    public var first: Double?
    public var last: Double?
    /// Per minute: leaks are read in "MB per minute", and the daemon's longer windows keep the
    /// same unit.
    public var slopePerMinute: Double?
    /// Two standard errors of the slope, per minute: the slope is within ± this with about 95%
    /// confidence when the residuals are roughly normal.
    public var slopeMarginPerMinute: Double?
    public var rSquared: Double?
    /// The fitted line's change over the window (slope × window): less sensitive to one odd
    /// reading at either end than last − first.
    public var fittedGrowth: Double?
    /// Steps between consecutive readings that went up / down (equal ones count as neither).
    public var risingSteps: Int
    public var fallingSteps: Int
}

/// Tells sustained growth — the signature of a leak — from noise, sawtooth patterns and warm-up,
/// for any quantity sampled over time. Pure: the times come with the readings, never from a
/// clock, so the monitoring daemon runs the same detector over hours of history that
/// `analyze process --duration` runs over seconds.
///
/// The rule, in order (thresholds in `Thresholds`, with why):
/// 1. fewer than 3 readings → too few samples to tell;
/// 2. fitted growth over the window below the noise floor → no sustained growth;
/// 3. negative slope → shrinking;
/// 4. R² below `weakFit` → irregular, no sustained trend;
/// 5. window or sample count below the minimum → growing, but too short to tell;
/// 6. R² at least `strongFit` and most moving steps upward → likely a leak;
/// 7. otherwise → possibly a leak.
public struct GrowthDetector: Sendable {
    public struct Thresholds: Hashable, Sendable {
        /// Readings needed before growth is called a leak. With 8 points a straight line is
        /// hard to get by chance: the R² of pure noise over 8 points exceeds 0.9 about 0.03% of
        /// the time (1.4% over 5 points), and 0.6 about 2%.
        public var minimumSamples = 8
        /// Seconds of window needed before growth is called a leak: a process that just started,
        /// or just got work, grows for a few seconds while caches and pools fill, and that is
        /// not a leak. The daemon, with minutes of history, raises this.
        public var minimumWindowSeconds = 10.0
        /// Growth (fitted, over the window) smaller than this share of the typical level is
        /// noise: RSS wobbles by a few pages as a process runs, and 4 KiB on a 1 GiB process
        /// means nothing.
        public var minimumRelativeGrowth = 0.02
        /// …and smaller than this absolute amount too (1 MiB for memory; 2 for counts, since
        /// one more descriptor or thread is ordinary activity).
        public var minimumAbsoluteGrowth: Double
        /// R² at or above which growth is steady enough to call a likely leak: 90% of the
        /// variation explained by a straight line. A sawtooth (a heap that grows then is
        /// collected) over a window that holds a full cycle stays far below.
        public var strongFit = 0.9
        /// R² below which there is no sustained trend at all.
        public var weakFit = 0.6
        /// Of the steps that moved, the share that must go up for a likely leak: a leak only
        /// ever adds; a series that goes up and down a lot but ends higher is a possible one.
        public var minimumRisingShare = 0.7

        public init(minimumAbsoluteGrowth: Double) {
            self.minimumAbsoluteGrowth = minimumAbsoluteGrowth
        }

        /// For resident memory in bytes.
        public static let memory = Thresholds(minimumAbsoluteGrowth: 1_048_576)
        /// For counts: descriptors, threads.
        public static let count = Thresholds(minimumAbsoluteGrowth: 2)
    }

    public var thresholds: Thresholds

    public init(thresholds: Thresholds) {
        self.thresholds = thresholds
    }

    public func analyze(_ points: [GrowthPoint]) -> GrowthAnalysis {
        let sorted = points.filter { $0.value.isFinite }.sorted { $0.time < $1.time }
        var rising = 0
        var falling = 0
        for (previous, next) in zip(sorted, sorted.dropFirst()) {
            if next.value > previous.value {
                rising += 1
            } else if next.value < previous.value {
                falling += 1
            }
        }
        let window = sorted.last.map { $0.time.seconds(since: sorted[0].time) } ?? 0
        var analysis = GrowthAnalysis(
            verdict: .tooFewSamples, samples: sorted.count, windowSeconds: window, first: sorted.first?.value,
            last: sorted.last?.value, risingSteps: rising, fallingSteps: falling)
        guard sorted.count >= 3, let start = sorted.first?.time,
            let fit = LinearFit.fit(
                x: sorted.map { $0.time.seconds(since: start) }, y: sorted.map(\.value))
        else { return analysis }

        analysis.slopePerMinute = fit.slope * 60
        analysis.slopeMarginPerMinute = fit.slopeStandardError.map { 2 * $0 * 60 }
        analysis.rSquared = fit.rSquared
        let growth = fit.slope * window
        analysis.fittedGrowth = growth
        let level = sorted.map { abs($0.value) }.reduce(0, +) / Double(sorted.count)
        let floor = max(thresholds.minimumAbsoluteGrowth, thresholds.minimumRelativeGrowth * level)

        if abs(growth) < floor {
            analysis.verdict = .noGrowth
        } else if growth < 0 {
            analysis.verdict = .shrinking
        } else if (fit.rSquared ?? 0) < thresholds.weakFit {
            analysis.verdict = .irregular
        } else if sorted.count < thresholds.minimumSamples || window < thresholds.minimumWindowSeconds {
            analysis.verdict = .growingTooShort
        } else if (fit.rSquared ?? 0) >= thresholds.strongFit,
            Double(rising) >= thresholds.minimumRisingShare * Double(max(rising + falling, 1))
        {
            analysis.verdict = .likelyLeak
        } else {
            analysis.verdict = .possibleLeak
        }
        return analysis
    }
}

extension GrowthDetector {
    /// The series of one field of monitoring snapshots (readings where it is unknown skipped).
    public func analyze<T: BinaryInteger>(
        _ snapshots: [ResourceSnapshot], _ field: KeyPath<ResourceSnapshot, T?>
    )
        -> GrowthAnalysis
    {
        analyze(
            snapshots.compactMap { snapshot in
                snapshot[keyPath: field].map { GrowthPoint(time: snapshot.time, value: Double($0)) }
            })
    }
}
