import AiopsCore
import AiopsTestSupport
import Foundation
import Testing

@testable import AiopsStore

@Suite("History write failures")
struct WriteFailureTests {
    @Test(
        "a full disk: reported once, records dropped and counted, queries still answer, recovery when space returns",
        .enabled(if: getuid() == 0, "mounting a tmpfs needs root")
    )
    func fullDisk() throws {
        let disk = try TinyFilesystem(bytes: 512 << 10)
        defer { disk.unmount() }
        let clock = TestClock()
        let path = disk.file("history.sqlite")
        let (store, _) = try HistoryStore.open(at: path, limits: HistoryLimits(), now: clock.function)
        var stored: [ExitRecord] = (0..<20).map { Records.exit(at: clock.now - 100 + Int64($0)) }
        #expect(store.record(stored.map(HistoryEntry.exit)) == .stored)
        let filler = disk.fill()

        var results: [HistoryWriteResult] = []
        for index in 0..<10_000 {
            var exit = Records.exit(at: clock.now + Int64(index), pid: Int32(index))
            exit.argv.append(UntrustedText(bytes: Array(repeating: 0x62, count: 1000)))
            let result = store.record(exit)
            if result == .stored { stored.append(exit) } else { results.append(result) }
            if results.count == 25 { break }
        }
        guard case .startedFailing(let problem) = results.first else {
            Issue.record("the disk never filled up: \(results.first.map { "\($0)" } ?? "all stored")")
            return
        }
        #expect(problem.kind == .diskFull, "\(problem)")
        #expect(stored.count >= 20)
        // Reported once: every later failure is a plain drop.
        #expect(results.dropFirst().allSatisfy { $0 == .dropped })
        #expect(store.droppedRecords == 25)
        guard case .failing(let reason, let since) = store.health else {
            Issue.record("health: \(store.health)")
            return
        }
        #expect(reason == problem)
        #expect(since == clock.now)
        #expect(problem.alert(path: path, at: clock.now).kind == .monitorProblem)
        // What was stored before can still be read.
        #expect(try store.exits().count == stored.count)

        // Space comes back: the next write works and says so, once.
        #expect(unlink(filler) == 0)
        let after = Records.exit(at: clock.now + 1_000_000)
        #expect(store.record(after) == .recovered(droppedWhileFailing: 25))
        #expect(store.health == .healthy)
        #expect(store.record(Records.exit(at: clock.now + 1_000_001)) == .stored)
        #expect(store.droppedRecords == 25)
        #expect(try store.exits().count == stored.count + 2)

        // And the file is sound after all that.
        store.close()
        let (reopened, report) = try HistoryStore.open(at: path, limits: HistoryLimits(), now: clock.function)
        #expect(report.outcome == .opened(migratedFrom: nil))
        #expect(try reopened.exits().count == stored.count + 2)
        reopened.close()
    }

    @Test(
        "opening on a full disk fails with a reason, and works once there is space",
        .enabled(if: getuid() == 0, "mounting a tmpfs needs root")
    )
    func openOnFullDisk() throws {
        let disk = try TinyFilesystem(bytes: 256 << 10)
        defer { disk.unmount() }
        let filler = disk.fill()
        let path = disk.file("history.sqlite")
        #expect(throws: HistoryStoreError.self) {
            try HistoryStore.open(at: path, limits: HistoryLimits(), now: TestClock().function)
        }
        unlink(filler)
        let (store, report) = try HistoryStore.open(
            at: path, limits: HistoryLimits(), now: TestClock().function)
        // The empty file the failed attempt left is taken over, not reported as damage.
        #expect(report.outcome == .created)
        #expect(store.record(Records.exit(at: TestClock.start)) == .stored)
        store.close()
    }

    @Test("the page cap turns runaway growth into counted drops, and pruning makes room again")
    func pageCap() throws {
        let directory = TemporaryDirectory()
        let clock = TestClock()
        // maxBytes 256 KiB: a cap of 1 MiB; automatic maintenance off so the cap is reached.
        let limits = HistoryLimits(
            maxBytes: 256 << 10, maintenanceEveryRecords: .max, maintenanceInterval: .seconds(86_400))
        let (store, _) = try openStore(in: directory, limits: limits, clock: clock)
        var first: HistoryWriteResult?
        var index = 0
        while index < 100_000 {
            let result = store.record(Records.exit(at: clock.now + Int64(index), pid: Int32(index)))
            index += 1
            if result != .stored {
                first = result
                break
            }
        }
        guard case .startedFailing(let problem) = first else {
            Issue.record("never reached the cap: \(String(describing: first))")
            return
        }
        #expect(problem.kind == .diskFull)
        #expect(problem.code == 13)  // SQLITE_FULL
        #expect(store.record(Records.exit(at: clock.now + 200_000)) == .dropped)
        // A batch is one transaction: all of it is dropped, and counted.
        let before = try store.exits().count
        #expect(
            store.record([
                .alert(Records.alert(at: clock.now + 200_000)), .exit(Records.exit(at: clock.now + 200_000)),
            ])
                == .dropped)
        #expect(try store.exits().count == before)
        #expect(try store.alerts().isEmpty)
        let pruned = try store.prune()
        #expect(pruned.deletedBySize > 0)
        #expect(store.record(Records.exit(at: clock.now + 200_001)) == .recovered(droppedWhileFailing: 4))
        #expect(store.droppedRecords == 4)
        #expect(try store.exits(ExitQuery(limit: 1)).first?.unixNanoseconds == clock.now + 200_001)
    }
}
