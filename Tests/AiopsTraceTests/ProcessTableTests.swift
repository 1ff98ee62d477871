import AiopsCore
import AiopsProc
import Testing

@testable import AiopsTrace

@Suite("Process table")
struct ProcessTableTests {
    @Test("a forked child inherits the parent's command line until it execs its own")
    func forkThenExec() throws {
        let table = ProcessTable()
        let shell = Script.process(100, "bash")
        _ = table.apply(Script.exec(shell, ["bash", "-l"]))
        let child = Script.process(101, "bash", ppid: 100, start: Script.at(5))
        _ = table.apply(Script.fork(shell, child: 101, childStart: Script.at(5), at: 5))
        #expect(table.record(pid: 101)?.argv == ["bash", "-l"])
        #expect(table.record(pid: 101)?.origin == .forked)
        _ = table.apply(
            Script.exec(Script.process(101, "sleep", ppid: 100, start: Script.at(5)), ["sleep", "9"], at: 6))
        let exit = try #require(table.apply(Script.exit(child, .exited(0), at: 9_006)))
        guard case .exit(let details) = exit.payload else { Issue.record("not an exit"); return }
        #expect(details.argv == ["sleep", "9"])
        #expect(table.record(pid: 101) == nil)
    }

    @Test(
        "an exit of a process seeded from /proc gets its name and argv; /proc's tick start matches BPF's ns start"
    )
    func seededProcess() throws {
        let table = ProcessTable()
        let start = BootInstant(nanoseconds: 5_000_000_000)  // exactly 500 ticks
        let stat = try #require(
            ProcStat.parse(Array("42 (nginx) S 1 42 42 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 500 0 0\n".utf8))
        )
        table.seed([
            ProcessSnapshot(stat: stat, uid: 33, argv: ["nginx", "-g", "daemon off;"], argvTruncated: false)
        ])
        // BPF knows the start to the nanosecond, within the same tick.
        let event = Script.exit(
            Script.process(42, "nginx", start: BootInstant(nanoseconds: start.nanoseconds + 3_456_789)),
            .killed(by: 9))
        let completed = try #require(table.apply(event))
        guard case .exit(let details) = completed.payload else { Issue.record("not an exit"); return }
        #expect(details.argv == ["nginx", "-g", "daemon off;"])
    }

    @Test(
        "pruning keeps a record missing from /proc for the grace (its exit may be in flight), then drops it")
    func pruneAfterGrace() throws {
        let table = ProcessTable()
        let process = Script.process(400, "gone", start: Script.at(0))
        _ = table.apply(Script.exec(process, ["gone"]))
        table.prune(keeping: [], at: Script.at(1_000), graceNanoseconds: 30_000_000_000)
        #expect(table.record(pid: 400) != nil)
        table.prune(keeping: [], at: Script.at(20_000), graceNanoseconds: 30_000_000_000)
        #expect(table.record(pid: 400)?.argv == ["gone"])
        table.prune(keeping: [], at: Script.at(31_000), graceNanoseconds: 30_000_000_000)
        #expect(table.record(pid: 400) == nil)
    }

    @Test("a pid reused by another process never inherits the old process's facts")
    func pidReuse() throws {
        let table = ProcessTable()
        let old = Script.process(300, "old", start: Script.at(0))
        _ = table.apply(Script.exec(old, ["old-program"]))
        // The old process's exit was lost; a new process got pid 300.
        let new = Script.process(300, "new", start: Script.at(60_000))
        let completed = try #require(table.apply(Script.exit(new, .exited(1), at: 61_000)))
        guard case .exit(let details) = completed.payload else { Issue.record("not an exit"); return }
        #expect(details.argv == nil)
        #expect(completed.process.comm == "new")
    }

    @Test("the sender of a fatal signal is joined onto the exit it caused, and only that one")
    func killerJoined() throws {
        let table = ProcessTable()
        let victim = Script.process(500, "victim")
        let killer = Script.process(501, "killer")
        _ = table.apply(Script.exec(victim, ["victim"]))
        _ = table.apply(Script.signal(from: killer, to: victim, 9, at: 10))
        let exit = try #require(table.apply(Script.exit(victim, .killed(by: 9), at: 11)))
        guard case .exit(let details) = exit.payload else { Issue.record("not an exit"); return }
        #expect(details.killer?.senderPID == 501)
        #expect(details.killer?.senderComm == "killer")

        // A SIGTERM that the process handled before exiting 0 is not its killer.
        let handler = Script.process(600, "daemon")
        _ = table.apply(Script.exec(handler, ["daemon"]))
        _ = table.apply(Script.signal(from: killer, to: handler, 15, at: 20))
        let clean = try #require(table.apply(Script.exit(handler, .exited(0), at: 21)))
        guard case .exit(let cleanDetails) = clean.payload else { Issue.record("not an exit"); return }
        #expect(cleanDetails.killer == nil)

        // An ignored signal is not a killer either.
        let stubborn = Script.process(700, "stubborn")
        _ = table.apply(Script.exec(stubborn, ["stubborn"]))
        _ = table.apply(Script.signal(from: killer, to: stubborn, 15, result: 1, at: 30))
        #expect(table.record(pid: 700)?.pendingKiller == nil)
    }

    @Test("an exit reported twice (older kernels) is kept once")
    func duplicateExit() {
        let table = ProcessTable()
        let process = Script.process(800)
        #expect(table.apply(Script.exit(process, .exited(0))) != nil)
        #expect(table.apply(Script.exit(process, .exited(0))) == nil)
        #expect(table.duplicateExits == 1)
    }

    @Test("events without a start time (proc connector) get it from the table")
    func startFilledIn() throws {
        let table = ProcessTable()
        _ = table.apply(Script.exec(Script.process(900, "worker", start: Script.at(7)), ["worker"]))
        let connectorExit = LifecycleEvent(
            time: Script.at(100), source: .procConnector,
            process: EventProcess(pid: 900, tid: 900, ppid: nil, uid: nil, comm: "", start: nil),
            payload: .exit(ExitDetails(status: .exited(2))))
        let completed = try #require(table.apply(connectorExit))
        #expect(completed.process.start == Script.at(7))
        #expect(completed.process.comm == "worker")
        #expect(completed.process.ppid == 1)
        #expect(completed.ageSeconds == 0.093)
    }

    @Test("the table stays bounded: past capacity the oldest records are evicted and counted")
    func bounded() {
        let table = ProcessTable(capacity: 100)
        let parent = Script.process(1, "init")
        for index in 0..<1000 {
            _ = table.apply(Script.fork(parent, child: Int32(10_000 + index), at: UInt64(index)))
        }
        #expect(table.count <= 100)
        #expect(table.evictions >= 900)
        #expect(table.record(pid: 10_999) != nil)  // the newest survive
        #expect(table.record(pid: 10_000) == nil)
    }
}
