import AiopsAnalyze
import AiopsCore
import Testing

/// Series built to look like what processes do: leaks, steady state with page-level wobble,
/// garbage-collector sawtooth, warm-up, descriptor staircases.
@Suite("GrowthDetector")
struct GrowthDetectorTests {
    static let memory = GrowthDetector(thresholds: .memory)
    static let counts = GrowthDetector(thresholds: .count)
    static let mebibyte = 1_048_576.0

    /// Readings every `interval` seconds from a boot-clock start far from zero.
    static func series(_ values: [Double], interval: Double = 1) -> [GrowthPoint] {
        values.enumerated().map { index, value in
            GrowthPoint(
                time: BootInstant(nanoseconds: 500_000_000_000 + UInt64(Double(index) * interval * 1e9)),
                value: value)
        }
    }

    /// A deterministic wobble of ±`amplitude` (a fixed pseudo-random sequence).
    static func wobble(_ count: Int, amplitude: Double, seed: UInt64 = 42) -> [Double] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (Double(state >> 11) / Double(1 << 53) * 2 - 1) * amplitude
        }
    }

    @Test("steady growth of 12 MiB/min over 60 s is a likely leak, with that slope")
    func steadyLeak() throws {
        // 0.2 MiB per second (12 MiB/min) on 200 MiB, with 64 KiB of wobble, every 3 s.
        let noise = Self.wobble(21, amplitude: 65_536)
        let values = (0..<21).map { 200 * Self.mebibyte + Double($0) * 3 * 0.2 * Self.mebibyte + noise[$0] }
        let analysis = Self.memory.analyze(Self.series(values, interval: 3))
        #expect(analysis.verdict == .likelyLeak)
        let slope = try #require(analysis.slopePerMinute)
        #expect(abs(slope - 12 * Self.mebibyte) < 0.3 * Self.mebibyte)
        #expect(try #require(analysis.rSquared) > 0.98)
        #expect(analysis.samples == 21)
        #expect(abs(analysis.windowSeconds - 60) < 1e-9)
        #expect(try #require(analysis.slopeMarginPerMinute) < 0.2 * Self.mebibyte)
        let text = analysis.summary(unit: .bytes)
        #expect(text.hasPrefix("growing 12."))
        #expect(text.contains("MiB/min"))
        #expect(text.contains("over 60 s, 21 samples"))
        #expect(text.hasSuffix("likely a leak"))
    }

    @Test("a steady process wobbling by a few pages is not growing")
    func steadyState() {
        let noise = Self.wobble(30, amplitude: 16_384)
        let values = noise.map { 50 * Self.mebibyte + $0 }
        let analysis = Self.memory.analyze(Self.series(values))
        #expect(analysis.verdict == .noGrowth)
        #expect(analysis.summary(unit: .bytes).hasPrefix("no sustained growth"))
    }

    @Test("a perfectly flat series is no growth, with no R²")
    func flat() {
        let analysis = Self.counts.analyze(Self.series(Array(repeating: 12, count: 15)))
        #expect(analysis.verdict == .noGrowth)
        #expect(analysis.rSquared == nil)
        #expect(analysis.slopePerMinute == 0)
    }

    @Test("a garbage-collector sawtooth over several cycles is not a leak")
    func sawtooth() {
        // Grows 10 MiB per second for 5 s, collected back to 100 MiB, four times.
        let values = (0..<40).map { 100 * Self.mebibyte + Double($0 % 10) * 10 * Self.mebibyte }
        let analysis = Self.memory.analyze(Self.series(values))
        #expect(!analysis.verdict.isLeak, "\(analysis)")
        #expect(analysis.verdict == .irregular || analysis.verdict == .noGrowth)
    }

    @Test("growth over 5 s is too short to call a leak, and says so")
    func tooShort() {
        let values = (0..<6).map { 100 * Self.mebibyte + Double($0) * 5 * Self.mebibyte }
        let analysis = Self.memory.analyze(Self.series(values))
        #expect(analysis.verdict == .growingTooShort)
        #expect(analysis.summary(unit: .bytes).hasSuffix("too short to tell a leak from warm-up"))
    }

    @Test("growth with few samples over a long window is still too short on samples")
    func tooFewForAVerdict() {
        let values = (0..<5).map { 100 * Self.mebibyte + Double($0) * 5 * Self.mebibyte }
        #expect(Self.memory.analyze(Self.series(values, interval: 10)).verdict == .growingTooShort)
    }

    @Test("fewer than three samples: too few to tell")
    func tooFew() {
        #expect(Self.memory.analyze([]).verdict == .tooFewSamples)
        let two = Self.memory.analyze(Self.series([1, 100 * Self.mebibyte]))
        #expect(two.verdict == .tooFewSamples)
        #expect(two.summary(unit: .bytes) == "too few samples to tell (2 samples; need at least 3)")
        #expect(Self.memory.analyze(Self.series([5])).summary(unit: .bytes).contains("1 sample;"))
    }

    @Test("shrinking memory is reported as such, not as a leak")
    func shrinking() {
        let values = (0..<20).map { 500 * Self.mebibyte - Double($0) * 4 * Self.mebibyte }
        let analysis = Self.memory.analyze(Self.series(values))
        #expect(analysis.verdict == .shrinking)
        #expect(analysis.summary(unit: .bytes).hasSuffix("not a leak"))
    }

    @Test("a descriptor staircase (one more every 2 s) over 30 s is a likely leak in fds")
    func descriptorStaircase() throws {
        let values = (0..<31).map { 20 + Double($0 / 2) }
        let analysis = Self.counts.analyze(Self.series(values))
        #expect(analysis.verdict == .likelyLeak)
        #expect(abs(try #require(analysis.slopePerMinute) - 30) < 2)
        #expect(analysis.summary(unit: .count("fds")).hasPrefix("growing 30 fds/min"))
    }

    @Test("one extra descriptor is ordinary activity, not growth")
    func oneMoreDescriptor() {
        let values = (0..<30).map { $0 < 15 ? 20.0 : 21.0 }
        #expect(Self.counts.analyze(Self.series(values)).verdict == .noGrowth)
    }

    @Test("uneven growth that ends higher is only a possible leak")
    func unevenGrowth() {
        // Up 3, down 2, repeatedly, plus a trend: half the moving steps go down.
        let values = (0..<40).map { index -> Double in
            let base = 100 * Self.mebibyte + Double(index) * 0.5 * Self.mebibyte
            return base + (index % 2 == 0 ? 1.5 : -1.5) * Self.mebibyte
        }
        let analysis = Self.memory.analyze(Self.series(values))
        #expect(analysis.verdict == .possibleLeak, "\(analysis)")
        #expect(analysis.summary(unit: .bytes).contains("possibly a leak"))
    }

    @Test("readings out of order are sorted by time; non-finite ones dropped")
    func unordered() {
        var points = Self.series((0..<12).map { Double($0) * Self.mebibyte })
        points.reverse()
        points.append(GrowthPoint(time: BootInstant(nanoseconds: 1), value: .nan))
        let analysis = Self.memory.analyze(points)
        #expect(analysis.samples == 12)
        #expect(analysis.first == 0)
        #expect(analysis.verdict == .likelyLeak)
    }

    @Test("monitoring snapshots feed the same detector, skipping unknown readings")
    func snapshots() {
        let snapshots = (0..<12).map { index in
            ResourceSnapshot(
                time: BootInstant(nanoseconds: UInt64(index) * 1_000_000_000),
                residentBytes: index == 3 ? nil : UInt64(10 + index) << 20, openFiles: 7)
        }
        #expect(Self.memory.analyze(snapshots, \.residentBytes).samples == 11)
        #expect(Self.memory.analyze(snapshots, \.residentBytes).verdict == .likelyLeak)
        #expect(Self.counts.analyze(snapshots, \.openFiles).verdict == .noGrowth)
    }

    @Test("the daemon's longer window: the same growth is too short until the window is long enough")
    func configurableWindow() {
        var thresholds = GrowthDetector.Thresholds.memory
        thresholds.minimumWindowSeconds = 600
        let detector = GrowthDetector(thresholds: thresholds)
        let values = (0..<30).map { 100 * Self.mebibyte + Double($0) * Self.mebibyte }
        #expect(detector.analyze(Self.series(values, interval: 10)).verdict == .growingTooShort)
        #expect(detector.analyze(Self.series(values, interval: 30)).verdict == .likelyLeak)
    }
}
