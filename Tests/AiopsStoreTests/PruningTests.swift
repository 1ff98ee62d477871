import AiopsCore
import AiopsTestSupport
import Foundation
import Testing

@testable import AiopsStore

@Suite("History limits")
struct PruningTests {
    @Test("records older than maxAge go, of every kind, with their alert facts; younger ones stay")
    func pruneByAge() throws {
        let directory = TemporaryDirectory()
        let clock = TestClock()
        let (store, _) = try openStore(in: directory, clock: clock)
        let day = Records.day
        for age in [40, 31, 29, 0] as [Int64] {
            let time = clock.now - age * day
            store.record([
                .exit(Records.exit(at: time)),
                .alert(
                    Records.alert(
                        at: time, facts: [Alert.Fact("a", .integer(1)), Alert.Fact("b", .flag(true))])),
                .restart(Records.restart(at: time)), .forkStorm(Records.forkStorm(at: time)),
            ])
        }
        let result = try store.prune()
        #expect(result.deletedByAge == 8)
        #expect(result.deletedBySize == 0)
        let cutoff = clock.now - 30 * day
        #expect(try store.exits().map(\.unixNanoseconds) == [clock.now, clock.now - 29 * day])
        #expect(try store.alerts().allSatisfy { $0.unixNanoseconds >= cutoff && $0.facts.count == 2 })
        #expect(try store.restarts().count == 2)
        #expect(try store.forkStorms().count == 2)
        #expect(try count("alert_facts", in: directory.file("history.sqlite")) == 4)

        // Two days later, at the next open, the 29-day-old records are past the limit too.
        store.close()
        clock.advance(seconds: 2 * 86_400)
        let (reopened, report) = try openStore(in: directory, clock: clock)
        #expect(report.pruned.deletedByAge == 4)
        #expect(try reopened.exits().count == 1)
        #expect(try count("alert_facts", in: directory.file("history.sqlite")) == 2)
    }

    @Test("maintenance runs by itself every maintenanceEveryRecords records")
    func maintenanceSchedule() throws {
        let directory = TemporaryDirectory()
        let clock = TestClock()
        let (store, _) = try openStore(
            in: directory,
            limits: HistoryLimits(maintenanceEveryRecords: 10, maintenanceInterval: .seconds(3600)),
            clock: clock)
        let old = clock.now - 60 * Records.day
        for index in 0..<9 { store.record(Records.exit(at: old + Int64(index))) }
        #expect(try store.exits().count == 9)
        store.record(Records.exit(at: clock.now))
        #expect(try store.exits().map(\.unixNanoseconds) == [clock.now])
        #expect(store.statistics.lastPrune?.deletedByAge == 9)
    }

    @Test("maintenance also runs once maintenanceInterval has passed, however few the records")
    func maintenanceInterval() throws {
        let directory = TemporaryDirectory()
        let clock = TestClock()
        // The interval is timed on a clock the test moves: however slow the machine, the first
        // record comes before it has passed and the second after.
        let steady = TestClock(0)
        let (store, _) = try openStore(
            in: directory,
            limits: HistoryLimits(maintenanceEveryRecords: .max, maintenanceInterval: .milliseconds(50)),
            clock: clock, monotonic: steady)
        store.record(Records.exit(at: clock.now - 60 * Records.day))
        #expect(try store.exits().count == 1)
        steady.advance(seconds: 1)
        store.record(Records.exit(at: clock.now))
        #expect(try store.exits().map(\.unixNanoseconds) == [clock.now])
    }

    @Test("fed far past maxBytes, the history stays under it and keeps the newest records of every kind")
    func pruneBySize() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("history.sqlite")
        let clock = TestClock()
        let limit: Int64 = 1 << 20
        let (store, _) = try openStore(
            in: directory, limits: HistoryLimits(maxBytes: limit, maintenanceEveryRecords: 100), clock: clock)
        var largest: Int64 = 0
        let total = 20_000
        for batch in 0..<(total / 50) {
            var entries: [HistoryEntry] = []
            for index in 0..<50 {
                let time = clock.now + Int64(batch * 50 + index)
                var exit = Records.exit(at: time, pid: Int32(batch * 50 + index))
                exit.argv.append(UntrustedText(bytes: Array(repeating: 0x61, count: 200)))
                entries.append(index % 10 == 9 ? .alert(Records.alert(at: time)) : .exit(exit))
            }
            #expect(store.record(entries) == .stored)
            largest = max(largest, FileSize.onDisk(path))
        }
        #expect(largest <= limit + limit / 4, "largest on disk: \(largest) bytes")
        #expect(FileSize.onDisk(path) <= limit + limit / 4)
        let exits = try store.exits()
        let alerts = try store.alerts()
        // Something was kept, most was pruned, and the newest of each kind are there.
        #expect(exits.count > 500 && exits.count < total / 2, "\(exits.count) exits kept")
        #expect(exits.first?.unixNanoseconds == clock.now + Int64(total - 2))
        #expect(alerts.first?.unixNanoseconds == clock.now + Int64(total - 1))
        // Old rows went first, with one cutoff across kinds: everything from the oldest
        // survivor on is still there.
        let oldest = min(exits.last!.unixNanoseconds, alerts.last!.unixNanoseconds)
        let expectedSurvivors = Int(clock.now + Int64(total) - oldest)
        #expect(exits.count + alerts.count == expectedSurvivors)
        let statistics = store.statistics
        #expect(statistics.droppedRecords == 0)
        #expect(statistics.maintenanceFailures == 0)
    }

    @Test("a history over a lowered limit is pruned at open and gives the space back to the file system")
    func pruneAtOpenReclaims() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("history.sqlite")
        let clock = TestClock()
        let (store, _) = try openStore(
            in: directory, limits: HistoryLimits(maxBytes: 8 << 20, maintenanceEveryRecords: 1_000_000),
            clock: clock)
        for batch in 0..<40 {
            store.record(
                (0..<500).map { .exit(Records.exit(at: clock.now + Int64(batch * 500 + $0), pid: Int32($0))) }
            )
        }
        store.close()
        let before = FileSize.onDisk(path)
        #expect(before > 4 << 20)
        let (reopened, report) = try openStore(
            in: directory, limits: HistoryLimits(maxBytes: 2 << 20), clock: clock)
        #expect(report.pruned.deletedBySize > 0)
        #expect(report.pruned.reclaimedBytes > 0)
        reopened.close()
        let after = FileSize.onDisk(path)
        #expect(after <= 2 << 20, "\(before) -> \(after) bytes")
    }

    func count(_ table: String, in path: String) throws -> Int64? {
        let connection = try SQLiteConnection(path: path, access: .readOnly)
        return try connection.integer("SELECT COUNT(*) FROM \(table)")
    }
}
