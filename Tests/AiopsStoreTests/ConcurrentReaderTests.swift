import AiopsCore
import AiopsTestSupport
import Foundation
import Synchronization
import Testing

@testable import AiopsStore

@Suite("History read while written")
struct ConcurrentReaderTests {
    /// One batch: `size` alerts and `size` exits at one time, in one transaction; each alert
    /// carries `size` facts. A reader must see a batch whole or not at all, whatever the writer
    /// (and its pruning, which cuts at a time) is doing.
    static func batch(_ number: Int, at time: Int64) -> [HistoryEntry] {
        let size = number % 5 + 1
        let facts = (0..<size).map { Alert.Fact("fact\($0)", .integer(Int64(number))) }
        return (0..<size).flatMap { index -> [HistoryEntry] in
            [
                .alert(
                    Records.alert(at: time, facts: [Alert.Fact("batch", .integer(Int64(number)))] + facts)),
                .exit(Records.exit(at: time, pid: Int32(number * 10 + index))),
            ]
        }
    }

    @Test(
        "a second connection reading (as aiops analyze does) sees whole transactions and never blocks the writer"
    )
    func readerDuringWrites() async throws {
        let directory = TemporaryDirectory()
        let path = directory.file("history.sqlite")
        let clock = TestClock()
        let (store, _) = try openStore(
            in: directory, limits: HistoryLimits(maxBytes: 512 << 10, maintenanceEveryRecords: 200),
            clock: clock)
        store.record(Self.batch(0, at: clock.now))
        let reader = try HistoryReader.open(at: path)
        let batches = 1500
        let finished = Atomic<Bool>(false)
        let stored = Atomic<Int>(0)
        // The writer is a thread of its own, as the daemon's is: a task would need one of the
        // test pool's two threads, which this loop and a blocked test elsewhere may both hold.
        let writer = Thread {
            for number in 1...batches
            where store.record(Self.batch(number, at: clock.now + Int64(number))).wasStored {
                stored.add(1, ordering: .relaxed)
            }
            finished.store(true, ordering: .releasing)
        }
        writer.start()
        var reads = 0
        var readsWhileWriting = 0
        var newestSeen: Int64 = 0
        while !finished.load(ordering: .acquiring) || reads < 5 {
            if !finished.load(ordering: .acquiring) { readsWhileWriting += 1 }
            let alerts = try reader.alerts()
            let exits = try reader.exits()
            reads += 1
            var alertsPerBatch: [Int64: Int] = [:]
            for alert in alerts {
                guard case .integer(let number)? = alert.facts.first?.value else {
                    Issue.record("an alert without its facts: \(alert)")
                    continue
                }
                let size = Int(number) % 5 + 1
                #expect(alert.facts.count == size + 1)
                #expect(alert.facts.dropFirst().allSatisfy { $0.value == .integer(number) })
                alertsPerBatch[number, default: 0] += 1
            }
            for (number, count) in alertsPerBatch {
                #expect(count == Int(number) % 5 + 1, "batch \(number) seen in part")
            }
            var exitsPerTime: [Int64: Int] = [:]
            for exit in exits { exitsPerTime[exit.unixNanoseconds, default: 0] += 1 }
            for (time, count) in exitsPerTime {
                #expect(
                    count == Int(time - clock.now) % 5 + 1, "exits of batch \(time - clock.now) seen in part")
            }
            // Time only moves forward for the reader.
            let newest = alerts.first?.unixNanoseconds ?? 0
            #expect(newest >= newestSeen)
            newestSeen = newest
            await Task.yield()
        }
        #expect(stored.load(ordering: .relaxed) == batches)
        #expect(store.droppedRecords == 0)
        #expect(readsWhileWriting > 0, "the reader never read while the writer wrote")
        // Once the writer is done, the reader sees exactly what the writer sees.
        #expect(try reader.alerts() == store.alerts())
        #expect(try reader.exits() == store.exits())
        #expect(try reader.alerts().first?.unixNanoseconds == clock.now + Int64(batches))
        // Pruning ran meanwhile.
        #expect(try reader.exits().count < (1...batches).reduce(0) { $0 + $1 % 5 + 1 })
    }
}
