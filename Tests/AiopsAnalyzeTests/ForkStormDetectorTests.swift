import AiopsAnalyze
import AiopsCore
import Testing

/// Fork storms per parent, in 5 s windows, against a floor of 50/s and ten times the parent's
/// own habit.
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
                    for index in 0..<count {
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
        "a parent jumping from 2/s to 500/s is one storm per episode, its baseline not learned from the storm"
    )
    func storm() throws {
        var feed = Feed()
        feed.run(Self.parent, perSecond: 2, seconds: 60)
        #expect(feed.storms.isEmpty)
        feed.run(Self.parent, perSecond: 500, seconds: 60)
        try #require(feed.storms.count == 1)
        let storm = feed.storms[0]
        #expect(storm.parent == Self.parent)
        #expect(storm.rate == 500)
        #expect(storm.forks == 2500)
        #expect(storm.windowSeconds == 5)
        #expect(storm.windowEnd == Feed.instant(1065))
        // Half-life 60 s: after a minute at 2/s from nothing, the baseline is half way there.
        #expect(abs(storm.baselineRate - 1) < 0.05)
        #expect(storm.summary == "created 2500 processes in 5s (500/s); usually 1.0/s")

        feed.run(Self.parent, perSecond: 2, seconds: 30)
        feed.run(Self.parent, perSecond: 500, seconds: 10)
        #expect(feed.storms.count == 2)
        // Judged against the habit before the storms, not against a minute at 500/s.
        #expect(feed.storms.last.map { $0.baselineRate < 2 } == true)
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
        #expect(feed.storms[0].summary.hasSuffix("(1000/s); usually 78/s"))
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
        #expect(busy.storms[0].summary == "created 300 processes in 5s (60/s); no earlier forks known")
    }

    @Test("a rate hovering around the floor is one storm; it ends only well below")
    func hysteresis() {
        var feed = Feed()
        for _ in 0..<6 {
            feed.run(Self.parent, perSecond: 60, seconds: 5)
            feed.run(Self.parent, perSecond: 40, seconds: 5)
        }
        #expect(feed.storms.count == 1)
        feed.run(Self.parent, perSecond: 10, seconds: 5)
        feed.run(Self.parent, perSecond: 60, seconds: 5)
        #expect(feed.storms.count == 2)
    }

    @Test("windows close on the next fork when evaluate is not called; idle parents are forgotten")
    func withoutEvaluate() throws {
        var detector = ForkStormDetector()
        for index in 0..<5000 {
            detector.recordFork(parent: Self.parent, at: Feed.instant(1000 + Double(index) / 500))
        }
        detector.recordFork(parent: Self.parent, at: Feed.instant(1030))
        let storms = detector.evaluate(now: Feed.instant(1030))
        #expect(storms.map(\.windowEnd) == [Feed.instant(1005)])
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
                at: Feed.instant(1000 + Double(pid) / 1000))
        }
        #expect(detector.trackedParents == 100)
        #expect(detector.untrackedForks == 900)
        #expect(detector.evaluate(now: Feed.instant(1006)).isEmpty)
        // Room is made a quarter at a time, so the next flood does not evict on every fork.
        #expect(detector.trackedParents == 75)
        #expect(detector.evictions == 25)
    }

    @Test("a parent forgotten (it exited) starts over")
    func forget() {
        var feed = Feed()
        feed.run(Self.parent, perSecond: 10, seconds: 20)
        #expect(feed.detector.trackedParents == 1)
        feed.detector.forget(Self.parent)
        #expect(feed.detector.trackedParents == 0)
    }
}
