import AiopsCore
import AiopsTestSupport
import Foundation
import Testing

@testable import AiopsStore

/// Costs quoted in the report: insert rates, and open/prune times at the default 64 MiB.
/// Off by default (they write ~150 MB); `AIOPS_STORE_MEASURE=1 swift test --filter StoreMeasurements`.
@Suite(
    "History measurements", .enabled(if: ProcessInfo.processInfo.environment["AIOPS_STORE_MEASURE"] == "1"))
struct StoreMeasurements {
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = StoreClock.monotonicNanoseconds()
        try body()
        return Double(StoreClock.monotonicNanoseconds() - start) / 1e9
    }

    /// A realistic abnormal exit: a command line of a few arguments, a full snapshot.
    static func exit(_ index: Int, at time: Int64) -> ExitRecord {
        var record = Records.exit(
            at: time, pid: Int32(index % 4_000_000), comm: UntrustedText("worker-\(index % 50)".utf8))
        record.argv.append(UntrustedText("--job-id=\(index)".utf8))
        return record
    }

    @Test("insert rates at the default limits")
    func insertRates() throws {
        let directory = TemporaryDirectory()
        let clock = TestClock()
        let (store, _) = try openStore(in: directory, clock: clock)
        let singles = 5_000
        let single = Self.seconds {
            for index in 0..<singles {
                #expect(store.record(Self.exit(index, at: clock.now + Int64(index))).wasStored)
            }
        }
        let batches = 500
        let batched = Self.seconds {
            for batch in 0..<batches {
                let entries = (0..<100).map {
                    HistoryEntry.exit(
                        Self.exit(batch * 100 + $0, at: clock.now + Int64(singles + batch * 100 + $0)))
                }
                #expect(store.record(entries).wasStored)
            }
        }
        let query = try Self.seconds { _ = try store.lastAbnormalExit() }
        let byComm = try Self.seconds { _ = try store.exits(ExitQuery(comm: "worker-7", limit: 20)) }
        print(
            "MEASURE single: \(Int(Double(singles) / single)) records/s (\(Int(single / Double(singles) * 1e6)) µs each); "
                + "batches of 100: \(Int(Double(batches * 100) / batched)) records/s; last abnormal \(Int(query * 1e6)) µs; "
                + "by comm \(Int(byComm * 1e6)) µs; on disk \(FileSize.onDisk(directory.file("history.sqlite"))) bytes"
        )
    }

    @Test("open (with quick_check) and prune times at 64 MiB")
    func pruneAt64MiB() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("history.sqlite")
        let clock = TestClock()
        let big = HistoryLimits(maxBytes: 256 << 20, maintenanceEveryRecords: .max)
        let (store, _) = try openStore(in: directory, limits: big, clock: clock)
        // 30 days of exits, evenly spread: about 64 MB, over the default budget.
        let total = 240_000
        let spacing = 30 * Records.day / Int64(total)
        var index = 0
        let fill = Self.seconds {
            while index < total {
                let entries = (index..<index + 1000).map { index -> HistoryEntry in
                    .exit(Self.exit(index, at: clock.now - 30 * Records.day + Int64(index) * spacing + 1))
                }
                #expect(store.record(entries).wasStored)
                index += 1000
            }
        }
        store.close()
        let filled = FileSize.onDisk(path)
        let quickCheck = Self.seconds {
            #expect(DatabaseValidation.validate(path, integrityCheck: true) == .history(version: 1))
        }
        var report: HistoryOpenReport?
        let open = try Self.seconds {
            report = try openStore(in: directory, limits: big, clock: clock).report
        }
        // The default limits: pruned by size at open.
        var sizePrune = HistoryPruneResult()
        let openPruned = try Self.seconds {
            sizePrune = try openStore(in: directory, clock: clock).report.pruned
        }
        let afterSize = FileSize.onDisk(path)
        // The size prune took the oldest ~8 days; 9 days later, a day's worth ages out at once.
        clock.advance(seconds: 9 * 86_400)
        let (aged, agedReport) = try openStore(in: directory, clock: clock)
        aged.close()
        print(
            "MEASURE filled \(total) exits, \(filled) bytes in \(fill) s; quick_check \(quickCheck) s; "
                + "open without pruning \(open) s (\(report!.outcome)); open with size prune to 64 MiB \(openPruned) s: "
                + "\(sizePrune), \(afterSize) bytes after"
        )
        print("MEASURE age prune at open: \(agedReport.pruned); \(FileSize.onDisk(path)) bytes after")
    }
}
