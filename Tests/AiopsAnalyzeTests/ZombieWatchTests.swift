import AiopsAnalyze
import AiopsCore
import Testing

/// Zombie accumulation across /proc scans 10 s apart.
@Suite("ZombieWatch")
struct ZombieWatchTests {
    /// Scans of a watch, each given as the zombies' (pid, ppid), 10 s apart from t = 1000 s.
    struct Scans {
        var watch = ZombieWatch()
        var now = 1000.0
        var exitTimes: [Int32: BootInstant] = [:]

        static func instant(_ seconds: Double) -> BootInstant {
            BootInstant(nanoseconds: UInt64(seconds * 1e9))
        }

        static func key(_ pid: Int32) -> ProcessKey { ProcessKey(pid: pid, startTicks: UInt64(pid) * 10) }

        mutating func scan(_ zombies: [(pid: Int32, ppid: Int32)]) -> [ZombieAccumulation] {
            defer { now += 10 }
            return watch.evaluate(
                zombies: zombies.map {
                    ZombieObservation(key: Self.key($0.pid), ppid: $0.ppid, exitTime: exitTimes[$0.pid])
                }, now: Self.instant(now))
        }

        /// `count` zombies of `ppid`, pids from `first`.
        static func children(of ppid: Int32, _ count: Int, first: Int32 = 2000) -> [(pid: Int32, ppid: Int32)]
        {
            (0..<count).map { (first + Int32($0), ppid) }
        }
    }

    @Test("five zombies under one parent are one episode; it ends when they are reaped, and can start again")
    func perParentEpisodes() throws {
        var scans = Scans()
        let first = scans.scan(Scans.children(of: 100, 5))
        try #require(first.count == 1)
        #expect(first[0].scope == .parent(pid: 100))
        #expect(first[0].count == 5)
        #expect(first[0].oldest == Scans.key(2000))
        #expect(first[0].oldestSeconds == 0)
        #expect(scans.scan(Scans.children(of: 100, 5)).isEmpty)
        #expect(scans.scan(Scans.children(of: 100, 6)).isEmpty)
        // Back to 4: hovering at the threshold is the same episode.
        #expect(scans.scan(Scans.children(of: 100, 4)).isEmpty)
        #expect(scans.scan(Scans.children(of: 100, 5)).isEmpty)
        // Reaped down to 2: over.
        #expect(scans.scan(Scans.children(of: 100, 2)).isEmpty)
        // The two never reaped, and three new.
        let again = scans.scan(Scans.children(of: 100, 2) + Scans.children(of: 100, 3, first: 3000))
        #expect(again.map(\.scope) == [.parent(pid: 100)])
        #expect(again.first?.oldest == Scans.key(2000))
        #expect(again.first?.oldestSeconds == 60)
    }

    @Test(
        "a parent that keeps accumulating zombies is reported before the threshold, with how long the oldest waited"
    )
    func growing() throws {
        var scans = Scans()
        #expect(scans.scan(Scans.children(of: 100, 1)).isEmpty)
        #expect(scans.scan(Scans.children(of: 100, 2)).isEmpty)
        // An unchanged count neither adds to the growth nor resets it.
        #expect(scans.scan(Scans.children(of: 100, 2)).isEmpty)
        let found = scans.scan(Scans.children(of: 100, 3))
        try #require(found.count == 1)
        #expect(found[0].count == 3)
        #expect(found[0].growingScans == 3)
        #expect(found[0].oldestSeconds == 30)
        #expect(!found[0].oldestSinceExit)
        #expect(
            found[0].summary
                == "3 zombies of parent pid 100 not reaped, the oldest there for at least 30s, growing for 3 scans"
        )
    }

    @Test("a parent that reaps, even late, is not growing")
    func reapingParent() {
        var scans = Scans()
        // Each scan: one zombie reaped, newer ones appear; the count creeps up to 4.
        let series: [[Int32]] = [[1], [1, 2], [2, 3, 4], [3, 4, 5, 6], [5, 6, 7]]
        for pids in series {
            #expect(scans.scan(pids.map { ($0, 100) }).isEmpty)
        }
    }

    @Test("the age counts from the exit when the tracer saw it")
    func exitTime() throws {
        var scans = Scans()
        scans.exitTimes[2000] = Scans.instant(700)
        let found = scans.scan(Scans.children(of: 100, 5))
        try #require(found.count == 1)
        #expect(found[0].oldest == Scans.key(2000))
        #expect(found[0].oldestSinceExit)
        #expect(found[0].oldestSeconds == 300)
        #expect(found[0].summary == "5 zombies of parent pid 100 not reaped, the oldest exited 5m ago")
    }

    @Test("twenty zombies across many parents are a system-wide episode")
    func systemWide() throws {
        var scans = Scans()
        let many = (0..<25).map { (pid: Int32(5000 + $0), ppid: Int32(100 + $0)) }
        #expect(scans.scan(Array(many.prefix(19))).isEmpty)
        let found = scans.scan(many)
        try #require(found.count == 1)
        #expect(found[0].scope == .system)
        #expect(found[0].count == 25)
        #expect(found[0].oldestSeconds == 10)
        #expect(found[0].summary == "25 zombies on the system, the oldest there for at least 10s")
        #expect(scans.scan(Array(many.prefix(15))).isEmpty)
        #expect(scans.scan(Array(many.prefix(10))).isEmpty)
        #expect(scans.scan(many).map(\.scope) == [.system])
    }

    @Test("parents are reported in pid order, then the system; duplicates in a scan count once")
    func order() {
        var scans = Scans()
        let zombies =
            Scans.children(of: 300, 10, first: 100) + Scans.children(of: 200, 10, first: 200)
            + Scans.children(of: 300, 10, first: 100)
        #expect(scans.scan(zombies).map(\.scope) == [.parent(pid: 200), .parent(pid: 300), .system])
    }
}
