import AiopsCore
import AiopsTestSupport
import Foundation
import Testing

@testable import AiopsStore

@Suite("History round trips")
struct RoundTripTests {
    @Test("an exit record with hostile comm, argv and killer comm comes back byte for byte")
    func exitRoundTrip() throws {
        let directory = TemporaryDirectory()
        let (store, report) = try openStore(in: directory)
        #expect(report.outcome == .created)
        var record = Records.exit(at: TestClock.start, comm: Hostile.comm)
        record.argv = Hostile.argv
        record.killerComm = UntrustedText(bytes: Hostile.bytes)
        record.unit = Hostile.text
        record.snapshot?.cpuNanoseconds = UInt64.max
        record.snapshot?.residentBytes = UInt64(Int64.max) + 1
        #expect(store.record(record) == .stored)
        let stored = try #require(try store.exits().first)
        #expect(stored == record)
        #expect(stored.argv.map(\.bytes) == Hostile.argv.map(\.bytes))
    }

    @Test("optional fields absent stay absent; an unknown status is not abnormal")
    func exitWithNothingKnown() throws {
        let directory = TemporaryDirectory()
        let (store, _) = try openStore(in: directory)
        let record = ExitRecord(
            unixNanoseconds: -5, pid: 1, ppid: nil, uid: nil, comm: "", argv: [], startUnixNanoseconds: nil,
            unit: nil, status: nil, snapshot: nil, source: .procPoll)
        store.record(record)
        #expect(try store.exits() == [record])
        #expect(try store.lastAbnormalExit() == nil)
        // A snapshot whose every reading is missing is still a snapshot.
        var withEmptySnapshot = record
        withEmptySnapshot.unixNanoseconds = 10
        withEmptySnapshot.argv = [""]
        withEmptySnapshot.snapshot = ResourceSnapshot(time: BootInstant(nanoseconds: 0))
        store.record(withEmptySnapshot)
        #expect(try store.exits(ExitQuery(limit: 1)) == [withEmptySnapshot])
    }

    @Test("an alert keeps its facts, their order and their types")
    func alertRoundTrip() throws {
        let directory = TemporaryDirectory()
        let (store, _) = try openStore(in: directory)
        let alert = Alert(
            kind: .memorySpike, severity: .warning, unixNanoseconds: TestClock.start, subject: Hostile.text,
            pid: nil, unit: nil, summary: "RSS 3.2 GiB \u{1B}]0;title\u{7}",
            facts: [
                Alert.Fact("one", .integer(1)), Alert.Fact("one", .number(1)), Alert.Fact("one", .text("1")),
                Alert.Fact("one", .flag(true)), Alert.Fact("min", .integer(.min)),
                Alert.Fact("max", .integer(.max)),
                Alert.Fact("tiny", .number(.leastNonzeroMagnitude)), Alert.Fact("pi", .number(.pi)),
                Alert.Fact("inf", .number(-.infinity)), Alert.Fact("no", .flag(false)),
                Alert.Fact(Hostile.text, .text(Hostile.text)), Alert.Fact("", .text("")),
            ])
        let bare = Records.alert(at: TestClock.start + 1)
        store.record(alert)
        store.record(bare)
        #expect(try store.alerts() == [bare, alert])
    }

    @Test("a fact's -0.0 keeps its sign; NaN stays NaN in facts and in REAL columns")
    func specialNumbers() throws {
        let directory = TemporaryDirectory()
        let (store, _) = try openStore(in: directory)
        store.record(
            Records.alert(
                at: 1, facts: [Alert.Fact("zero", .number(-0.0)), Alert.Fact("nan", .number(.nan))]))
        var storm = Records.forkStorm(at: 2)
        storm.baselineRate = .nan
        storm.rate = -0.0
        store.record(storm)
        let facts = try #require(try store.alerts().first?.facts)
        guard case .number(let zero) = facts[0].value, case .number(let nan) = facts[1].value else {
            Issue.record("facts lost their type: \(facts)")
            return
        }
        #expect(zero == 0 && zero.sign == .minus)
        #expect(nan.isNaN)
        let stored = try #require(try store.forkStorms().first)
        #expect(stored.baselineRate.isNaN)
        // A REAL column stores integral values as integers (SQLite's format), so -0.0 reads back
        // as 0.0: equal under ==, which is all a rate needs. Facts (an ANY column) keep the sign.
        #expect(stored.rate == 0)
    }

    @Test("restarts and fork storms round-trip")
    func restartAndForkStorm() throws {
        let directory = TemporaryDirectory()
        let (store, _) = try openStore(in: directory)
        var restart = Records.restart(at: 5, target: Hostile.text)
        restart.downtimeSeconds = 0.000_001
        var storm = Records.forkStorm(at: 6)
        storm.parentComm = Hostile.comm
        storm.unit = Hostile.text
        store.record([.restart(restart), .forkStorm(storm)])
        #expect(try store.restarts() == [restart])
        #expect(try store.forkStorms() == [storm])
    }

    @Test("closing and reopening keeps everything; the second open says it opened an existing history")
    func reopen() throws {
        let directory = TemporaryDirectory()
        let clock = TestClock()
        let (store, _) = try openStore(in: directory, clock: clock)
        let exit = Records.exit(at: clock.now, comm: Hostile.comm)
        let alert = Records.alert(at: clock.now, facts: [Alert.Fact("rss", .integer(3))])
        store.record([.exit(exit), .alert(alert), .restart(Records.restart(at: clock.now))])
        store.close()
        #expect(
            store.record(exit)
                == .startedFailing(
                    HistoryWriteProblem(kind: .closed, code: 0, message: "the history is closed")))
        #expect(throws: HistoryStoreError.self) { try store.exits() }
        // The log was checkpointed into the database at close.
        #expect(!exists(directory.file("history.sqlite-wal")))

        let (reopened, report) = try openStore(in: directory, clock: clock)
        #expect(report.outcome == .opened(migratedFrom: nil))
        #expect(report.alert(at: clock.now) == nil)
        #expect(try reopened.exits() == [exit])
        #expect(try reopened.alerts() == [alert])
        #expect(try reopened.restarts().count == 1)
    }

    @Test("exit queries: since, abnormal only, pid, comm (bytes), unit, newest first, limit")
    func exitQueries() throws {
        let directory = TemporaryDirectory()
        let (store, _) = try openStore(in: directory)
        let clean = Records.exit(at: 10, pid: 1, comm: "a", status: .exited(0), unit: nil)
        let failed = Records.exit(at: 20, pid: 2, comm: Hostile.comm, status: .exited(3), unit: "x.service")
        let killed = Records.exit(at: 30, pid: 3, comm: "a", status: .killed(by: 9), unit: "x.service")
        let unknown = Records.exit(at: 40, pid: 2, comm: "a", status: nil, unit: nil)
        store.record([.exit(clean), .exit(failed), .exit(killed), .exit(unknown)])
        #expect(try store.exits() == [unknown, killed, failed, clean])
        #expect(try store.exits(ExitQuery(since: 20)) == [unknown, killed, failed])
        #expect(try store.exits(ExitQuery(onlyAbnormal: true)) == [killed, failed])
        #expect(try store.lastAbnormalExit() == killed)
        #expect(try store.exits(ExitQuery(pid: 2)) == [unknown, failed])
        #expect(try store.exits(ExitQuery(comm: Hostile.comm)) == [failed])
        #expect(try store.exits(ExitQuery(comm: UntrustedText(bytes: Hostile.comm.bytes.dropLast()))) == [])
        #expect(try store.exits(ExitQuery(unit: "x.service")) == [killed, failed])
        #expect(try store.exits(ExitQuery(onlyAbnormal: true, unit: "x.service", limit: 1)) == [killed])
        #expect(try store.exits(ExitQuery(limit: 0)) == [])
    }

    @Test("alert, restart and fork storm queries filter by time, kind and target")
    func otherQueries() throws {
        let directory = TemporaryDirectory()
        let (store, _) = try openStore(in: directory)
        store.record([
            .alert(Records.alert(at: 1, kind: .cpuSpike)), .alert(Records.alert(at: 2, kind: .forkStorm)),
            .alert(Records.alert(at: 3, kind: .cpuSpike)), .restart(Records.restart(at: 1, target: "nginx")),
            .restart(Records.restart(at: 2, target: "redis")),
            .restart(Records.restart(at: 3, target: "nginx")),
            .forkStorm(Records.forkStorm(at: 1)), .forkStorm(Records.forkStorm(at: 3)),
        ])
        #expect(try store.alerts(since: 2).map(\.unixNanoseconds) == [3, 2])
        #expect(try store.alerts(kind: .cpuSpike).map(\.unixNanoseconds) == [3, 1])
        #expect(try store.alerts(kind: .cpuSpike, limit: 1).map(\.unixNanoseconds) == [3])
        #expect(try store.restarts(target: "nginx").map(\.unixNanoseconds) == [3, 1])
        #expect(try store.restarts(since: 2).map(\.target) == ["nginx", "redis"])
        #expect(try store.forkStorms(since: 2).map(\.unixNanoseconds) == [3])
    }

    @Test("argv encoding: empty list, empty arguments and NULs inside arguments stay distinct")
    func argvCoding() {
        let cases: [[UntrustedText]] = [
            [], [""], ["", ""], ["a\u{0}b"], [UntrustedText(bytes: [0])], Hostile.argv,
        ]
        for argv in cases {
            #expect(ArgvCoding.decode(ArgvCoding.encode(argv)) == argv)
        }
        #expect(Set(cases.map(ArgvCoding.encode)).count == cases.count)
        // Crafted BLOBs fail to decode; they never crash or over-allocate.
        #expect(ArgvCoding.decode([]) == nil)
        #expect(ArgvCoding.decode([1, 0, 0]) == nil)
        #expect(ArgvCoding.decode([0xFF, 0xFF, 0xFF, 0xFF]) == nil)
        #expect(ArgvCoding.decode([1, 0, 0, 0, 5, 0, 0, 0, 0x41]) == nil)
        #expect(ArgvCoding.decode(ArgvCoding.encode(["a"]) + [0]) == nil)
    }

    @Test("the history file is created 0640 in directories created 0750")
    func permissions() throws {
        let directory = TemporaryDirectory()
        let (_, report) = try openStore(in: directory, name: "var/lib/aiops/history.sqlite")
        #expect(report.outcome == .created)
        for (path, mode) in [
            (directory.file("var"), 0o750), (directory.file("var/lib/aiops"), 0o750),
            (directory.file("var/lib/aiops/history.sqlite"), 0o640),
        ] {
            var info = stat()
            #expect(lstat(path, &info) == 0)
            #expect(Int(info.st_mode & 0o7777) == mode, "\(path)")
        }
        #expect(HistoryStore.defaultPath == "/var/lib/aiops/history.sqlite")
    }
}
