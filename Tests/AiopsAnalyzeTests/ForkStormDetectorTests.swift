import AiopsAnalyze
import AiopsCore
import Testing

/// Fork storms per parent, in a 5 s window sliding every 250 ms, against a floor of 50/s and ten
/// times the parent's own habit.
@Suite("ForkStormDetector")
struct ForkStormDetectorTests {
    /// Forks of parents at given rates, second by second, with `evaluate` after each second as
    /// the monitor calls it.
    struct Feed {
        var detector = ForkStormDetector()
        /// Seconds on the boot clock; starts on a window boundary.
        var now = 1000.0
        var storms: [ForkStorm] = []

        static func instant(_ seconds: Double) -> BootInstant {
            BootInstant(nanoseconds: UInt64((seconds * 1e9).rounded()))
        }

        mutating func run(_ rates: [(ProcessKey, Double)], seconds: Int) {
            for _ in 0..<seconds {
                for (parent, rate) in rates {
                    let count = Int(rate)
                    for index in 0..<max(count, 0) {
                        detector.recordFork(
                            parent: parent, at: Self.instant(now + Double(index) / Double(count)))
                    }
                }
                now += 1
                storms += detector.evaluate(now: Self.instant(now))
            }
        }

        mutating func run(_ parent: ProcessKey, perSecond rate: Double, seconds: Int) {
            run([(parent, rate)], seconds: seconds)
        }
    }

    static let parent = ProcessKey(pid: 300, startTicks: 4_000)

    @Test(
        "a parent jumping from 2/s to 500/s: seen within a second at its own rate, one episode, its end with peak and total"
    )
    func storm() throws {
        var feed = Feed()
        feed.run(Self.parent, perSecond: 2, seconds: 60)
        #expect(feed.storms.isEmpty)
        feed.run(Self.parent, perSecond: 500, seconds: 60)
        let starts = feed.storms.filter { $0.phase == .started }
        try #require(starts.count == 1)
        let storm = starts[0]
        #expect(storm.parent == Self.parent)
        // 500/s, not the 5 s window's average of a storm younger than the window (the fixed
        // windows said 91/s for this).
        #expect(abs(storm.rate - 500) < 25, "\(storm.rate)")
        #expect(
            storm.time <= Feed.instant(1061), "seen \(storm.time.seconds(since: Feed.instant(1060))) s in")
        #expect(storm.windowSeconds == 5)
        // Half-life 60 s: after a minute at 2/s from nothing, the baseline is half way there.
        #expect(abs(storm.baselineRate - 1) < 0.1, "\(storm.baselineRate)")
        #expect(storm.summary.hasSuffix("/s now); usually 0.9/s"), "\(storm.summary)")

        // It ends once the rate has been back at 2/s for a window: peak and total.
        feed.run(Self.parent, perSecond: 2, seconds: 30)
        let ends = feed.storms.filter { $0.phase != .started }
        try #require(ends.count == 1)
        let end = ends[0]
        guard case .ended(let duration) = end.phase else { return }
        #expect(abs(duration - 60) < 0.5, "\(duration)")
        #expect(abs(end.rate - 500) < 25)
        // The storm's forks, and the few of the 2/s habit in its window before and after.
        #expect(end.forks >= 30_000 && end.forks <= 30_000 + 25, "\(end.forks)")
        #expect(end.summary.contains("(peak 500/s)"), "\(end.summary)")

        feed.run(Self.parent, perSecond: 500, seconds: 10)
        #expect(feed.storms.filter { $0.phase == .started }.count == 2)
        // Judged against the habit before the storms, not against a minute at 500/s.
        #expect(feed.storms.last { $0.phase == .started }.map { $0.baselineRate < 2 } == true)
    }

    @Test("a 1 s burst of 400/s is a storm wherever it falls against the clock")
    func shortBurst() throws {
        // Fixed 5 s windows split a burst across two of them (200 + 200 = 40/s each, under
        // the floor). The sliding window sees it whole, at every offset.
        for offset in stride(from: 0.0, to: 5.0, by: 0.5) {
            var feed = Feed()
            feed.now += 4 + offset
            feed.run(Self.parent, perSecond: 400, seconds: 1)
            feed.run(Self.parent, perSecond: 0, seconds: 10)
            let starts = feed.storms.filter { $0.phase == .started }
            #expect(starts.count == 1, "offset \(offset)")
            #expect(starts.first.map { abs($0.rate - 400) < 20 } == true, "offset \(offset): \(starts)")
            let end = feed.storms.first { $0.phase != .started }
            #expect(end?.forks == 400, "offset \(offset)")
        }
    }

    @Test("a busy but steady parent is not a storm, even above the floor; ten times its habit is")
    func busyButSteady() throws {
        var feed = Feed()
        feed.run(Self.parent, perSecond: 30, seconds: 120)
        feed.run(Self.parent, perSecond: 80, seconds: 300)
        #expect(feed.storms.isEmpty)
        feed.run(Self.parent, perSecond: 1000, seconds: 10)
        try #require(feed.storms.count == 1)
        #expect(feed.storms[0].baselineRate > 75)
        #expect(feed.storms[0].summary.hasSuffix("(1000/s now); usually 78/s"), "\(feed.storms[0].summary)")
    }

    @Test("a parent never seen before is judged by the floor alone")
    func newParent() throws {
        var quiet = Feed()
        quiet.run(Self.parent, perSecond: 40, seconds: 30)
        #expect(quiet.storms.isEmpty)

        var busy = Feed()
        busy.run(Self.parent, perSecond: 60, seconds: 30)
        try #require(busy.storms.count == 1)
        #expect(busy.storms[0].baselineRate == 0)
        #expect(
            busy.storms[0].summary
                == "created 255 processes in the last 5s (60/s now); no earlier forks known")
    }

    @Test("a rate hovering around the floor is one storm; it ends only well below")
    func hysteresis() {
        var feed = Feed()
        for _ in 0..<6 {
            feed.run(Self.parent, perSecond: 60, seconds: 5)
            feed.run(Self.parent, perSecond: 40, seconds: 5)
        }
        #expect(feed.storms.filter { $0.phase == .started }.count == 1)
        feed.run(Self.parent, perSecond: 10, seconds: 5)
        feed.run(Self.parent, perSecond: 60, seconds: 5)
        #expect(feed.storms.filter { $0.phase == .started }.count == 2)
    }

    @Test("steps close on the next fork when evaluate is not called; idle parents are forgotten")
    func withoutEvaluate() throws {
        var detector = ForkStormDetector()
        for index in 0..<5000 {
            detector.recordFork(parent: Self.parent, at: Feed.instant(1000 + Double(index) / 500))
        }
        detector.recordFork(parent: Self.parent, at: Feed.instant(1030))
        let storms = detector.evaluate(now: Feed.instant(1030))
        // It was seen half a second in (250 forks in the window), and its end once the window
        // held less than half the floor's worth: it lasted from 1000 to its last fork at 1010.
        #expect(storms.map(\.phase) == [.started, .ended(durationSeconds: storms.last?.duration ?? -1)])
        #expect(storms.first?.time == Feed.instant(1000.5))
        #expect(storms.last.map { abs(($0.duration ?? 0) - 10) < 0.01 } == true, "\(storms)")
        #expect(storms.last?.time == Feed.instant(1015))
        #expect(storms.last?.forks == 5000)
        #expect(detector.evaluate(now: Feed.instant(1031)).isEmpty)
        #expect(detector.trackedParents == 1)
        _ = detector.evaluate(now: Feed.instant(1400))
        #expect(detector.trackedParents == 0)
    }

    @Test("a flood of new parents is bounded; forks beyond the table are counted")
    func bounded() {
        var configuration = ForkStormDetector.Configuration()
        configuration.maximumParents = 100
        var detector = ForkStormDetector(configuration: configuration)
        for pid in 0..<1000 {
            detector.recordFork(
                parent: ProcessKey(pid: Int32(10_000 + pid), startTicks: 1),
                at: Feed.instant(1000 + Double(pid) / 10_000))
        }
        #expect(detector.trackedParents == 100)
        #expect(detector.untrackedForks == 900)
        #expect(detector.evaluate(now: Feed.instant(1006)).isEmpty)
        // Room is made a quarter at a time, so the next flood does not evict on every fork.
        #expect(detector.trackedParents == 75)
        #expect(detector.evictions == 25)
    }

    @Test("a parent forgotten (it exited) starts over; a storm it was in ends with it")
    func forget() {
        var feed = Feed()
        feed.run(Self.parent, perSecond: 10, seconds: 20)
        #expect(feed.detector.trackedParents == 1)
        feed.detector.forget(Self.parent)
        #expect(feed.detector.trackedParents == 0)
        #expect(feed.detector.evaluate(now: Feed.instant(feed.now)).isEmpty)

        feed.run(Self.parent, perSecond: 300, seconds: 3)
        feed.detector.forget(Self.parent)
        let end = feed.detector.evaluate(now: Feed.instant(feed.now))
        #expect(end.count == 1)
        #expect(end.first?.forks == 900)
    }
}

extension ForkStorm {
    /// The episode's length, for an end; nil for a start.
    var duration: Double? {
        if case .ended(let seconds) = phase { return seconds }
        return nil
    }
}
