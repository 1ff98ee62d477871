import AiopsCore
import AiopsProc
import AiopsTestSupport
import CAiopsLinux
import Foundation
import Testing

@testable import AiopsTrace

/// A /proc of a few processes, written by a test as its story goes: the translator checks /proc
/// before it believes a process ended.
final class FakeProc: @unchecked Sendable {
    let directory = TemporaryDirectory(prefix: "aiops-fakeproc")
    var root: String { directory.path }

    /// The process `pid` with its live and zombie threads (the main thread first).
    func set(_ pid: Int32, live: [Int32], zombies: [Int32] = []) {
        remove(pid)
        let manager = FileManager.default
        try? manager.createDirectory(atPath: "\(root)/\(pid)/task", withIntermediateDirectories: true)
        let mainState = live.contains(pid) ? "S" : "Z"
        try? Self.stat(pid, state: mainState, threads: live.count + zombies.count)
            .write(toFile: "\(root)/\(pid)/stat", atomically: true, encoding: .utf8)
        for tid in live + zombies {
            try? manager.createDirectory(
                atPath: "\(root)/\(pid)/task/\(tid)", withIntermediateDirectories: true)
            try? Self.stat(tid, state: live.contains(tid) ? "S" : "Z", threads: 1)
                .write(toFile: "\(root)/\(pid)/task/\(tid)/stat", atomically: true, encoding: .utf8)
        }
    }

    func remove(_ pid: Int32) {
        try? FileManager.default.removeItem(atPath: "\(root)/\(pid)")
    }

    private static func stat(_ pid: Int32, state: String, threads: Int) -> String {
        "\(pid) (x) \(state) 1 \(pid) \(pid) 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 \(threads) 0 100 1000 10\n"
    }
}

/// The proc connector reports tasks; the translator turns them into processes. Scripted here
/// with a fake /proc that tells the same story as the events.
@Suite("Proc connector translation")
struct ConnectorTranslatorTests {
    let proc = FakeProc()

    private func translator() -> ConnectorTranslator {
        ConnectorTranslator(
            lookup: ProcLookup(procfs: ProcFS(root: proc.root), cgroups: nil), emitThreads: false,
            monotonicToBoot: 0)
    }

    /// Connector events carry increasing CLOCK_MONOTONIC stamps; these scripts do too.
    private final class Clock: @unchecked Sendable {
        var now: UInt64 = 1_000_000_000
        func tick() -> UInt64 {
            now += 1_000_000
            return now
        }
    }

    private let clock = Clock()

    private func fork(parent: Int32, child: Int32, thread: Bool = false, process: Int32? = nil)
        -> aiops_cn_event
    {
        var event = aiops_cn_event()
        event.timestamp_ns = clock.tick()
        event.kind = UInt32(AIOPS_CN_FORK.rawValue)
        event.pid = parent
        event.tgid = parent
        event.child_pid = child
        event.child_tgid = thread ? (process ?? parent) : child
        return event
    }

    private func exit(task: Int32, process: Int32, status: UInt32, at time: UInt64? = nil) -> aiops_cn_event {
        var event = aiops_cn_event()
        event.timestamp_ns = time ?? clock.tick()
        event.kind = UInt32(AIOPS_CN_EXIT.rawValue)
        event.pid = task
        event.tgid = process
        event.exit_code = status
        return event
    }

    /// Translates `event`, then lets the translator see the socket drained: an ended process is
    /// reported only once the reader has caught up (see `ConnectorTranslator.flushEnded`).
    private func translateAndDrain(_ translator: inout ConnectorTranslator, _ event: aiops_cn_event)
        -> LifecycleEvent?
    {
        if let event = translator.translate(event) { return event }
        return idle(&translator)
    }

    /// The socket went idle: suspected ends are checked against /proc, caught-up ends reported.
    private func idle(_ translator: inout ConnectorTranslator) -> LifecycleEvent? {
        translator.checkSuspects(now: 10_000_000_000)
        return translator.flushEnded(drainedAt: .max).first
    }

    @Test("the process ends with its last thread, with that thread's status")
    func lastThreadDecides() {
        var translator = translator()
        proc.set(100, live: [100])
        #expect(translator.translate(fork(parent: 1, child: 100)) != nil)
        proc.set(100, live: [100, 101])
        #expect(translator.translate(fork(parent: 1, child: 101, thread: true, process: 100)) == nil)
        // The main thread leaves first (pthread_exit), with status 0: not the end.
        proc.set(100, live: [101], zombies: [100])
        #expect(translateAndDrain(&translator, exit(task: 100, process: 100, status: 0)) == nil)
        proc.set(100, live: [], zombies: [100])
        let end = translateAndDrain(&translator, exit(task: 101, process: 100, status: 5 << 8))
        guard case .exit(let details) = end?.payload else {
            Issue.record("no process exit")
            return
        }
        #expect(details.status == .exited(5))
        #expect(end?.process.pid == 100)
    }

    @Test("a thread's exit is not a process's exit")
    func threadExit() {
        var translator = translator()
        proc.set(200, live: [200])
        _ = translator.translate(fork(parent: 1, child: 200))
        proc.set(200, live: [200, 201])
        _ = translator.translate(fork(parent: 1, child: 201, thread: true, process: 200))
        proc.set(200, live: [200])
        #expect(translateAndDrain(&translator, exit(task: 201, process: 200, status: 0)) == nil)
        proc.remove(200)
        #expect(translateAndDrain(&translator, exit(task: 200, process: 200, status: 0)) != nil)
    }

    @Test("reconcile reports processes missing from a scan, but only those known before it")
    func reconcileOrdering() {
        var translator = translator()
        _ = translator.translate(fork(parent: 1, child: 300))
        let scannedAt = translator.sequence
        // Born after the scan (so absent from it): not judged by it.
        _ = translator.translate(fork(parent: 1, child: 301))
        // Called as the source calls it: with the sequence number read before the scan.
        translator.reconcile(livePIDs: [], scannedAt: scannedAt, now: BootInstant(nanoseconds: 1))
        // Its exit event may still come for a while: nothing is reported until the grace is over.
        #expect(translator.flushEnded(drainedAt: monotonicNanoseconds()).isEmpty)
        let lost = translator.flushEnded(drainedAt: monotonicNanoseconds() + ConnectorTranslator.missingGrace)
        #expect(lost.map(\.process.pid) == [300])
        guard case .exit(let details) = lost.first?.payload else {
            Issue.record("not an exit")
            return
        }
        #expect(details.status == nil)
        #expect(lost.first?.source == .procPoll)
        // 300 is forgotten: its late exit event (if any) no longer counts threads.
        #expect(translator.threads[300] == nil)
        #expect(translator.threads[301] == 1)
    }

    @Test("an exit seen after the scan but before reconcile is not reported twice")
    func exitDrainedBeforeReconcile() {
        var translator = translator()
        _ = translator.translate(fork(parent: 1, child: 400))
        let scannedAt = translator.sequence
        #expect(translateAndDrain(&translator, exit(task: 400, process: 400, status: 0)) != nil)
        translator.reconcile(livePIDs: [], scannedAt: scannedAt, now: BootInstant(nanoseconds: 1))
        #expect(translator.flushEnded(drainedAt: .max).isEmpty)
    }

    @Test("a process reaped before its exit event was sent ends with that event's status")
    func reapedBeforeExitEvent() {
        // The kernel sends the exit event just after the process turns zombie: its parent can
        // reap it, and a scan miss it, before the event is queued.
        var translator = translator()
        _ = translator.translate(fork(parent: 1, child: 900))
        let scannedAt = translator.sequence
        translator.reconcile(livePIDs: [], scannedAt: scannedAt, now: BootInstant(nanoseconds: 1))
        #expect(translator.flushEnded(drainedAt: monotonicNanoseconds()).isEmpty)
        #expect(translator.translate(exit(task: 900, process: 900, status: 9 << 8)) == nil)
        let end = translator.flushEnded(drainedAt: .max)
        #expect(end.count == 1)
        guard case .exit(let details) = end.first?.payload else {
            Issue.record("no process exit")
            return
        }
        #expect(details.status == .exited(9))
        #expect(end.first?.source == .procConnector)
    }

    @Test("a suspect a scan finds gone ends with the status its exit events gave")
    func suspectFoundByScan() {
        // Counted one too high: the last thread's exit leaves the count at 1. The socket is
        // never idle, so the suspect is not checked before the periodic scan.
        var translator = translator()
        translator.restore(
            960, ConnectorTranslator.Tracked(threads: 3, countedAt: 5_000_000_000, start: nil, knownSince: 0))
        #expect(translator.translate(exit(task: 960, process: 960, status: 9 << 8, at: 6_000_000_000)) == nil)
        #expect(translator.translate(exit(task: 961, process: 960, status: 0, at: 6_000_100_000)) == nil)
        translator.reconcile(livePIDs: [], scannedAt: translator.sequence, now: BootInstant(nanoseconds: 1))
        let end = translator.flushEnded(drainedAt: .max)
        guard case .exit(let details) = end.first?.payload else {
            Issue.record("no process exit")
            return
        }
        #expect(details.status == .exited(9))
        #expect(end.first?.source == .procConnector)
    }

    @Test("a reused pid reports the ended process it belonged to before the new one")
    func pidReusedWhileEnded() {
        var translator = translator()
        _ = translator.translate(fork(parent: 1, child: 950))
        translator.reconcile(livePIDs: [], scannedAt: translator.sequence, now: BootInstant(nanoseconds: 1))
        #expect(translator.translate(fork(parent: 1, child: 950)) != nil)
        let ends = translator.flushEnded()
        #expect(ends.count == 1)
        #expect(ends.first?.source == .procPoll)
        #expect(translator.threads[950] == 1)
    }

    @Test("thread events already in a count read from /proc are not counted again")
    func seedRace() {
        // A process of 3 threads whose count was read at t = 5 s; events queued before that
        // arrive afterwards: a thread created at 4 s, a thread that exited at 4.5 s.
        var translator = translator()
        proc.set(500, live: [500, 503, 504])
        let seeded = ConnectorTranslator.Tracked(
            threads: 3, countedAt: 5_000_000_000, start: nil, knownSince: 0)
        translator.restore(500, seeded)
        var late = fork(parent: 1, child: 501, thread: true, process: 500)
        late.timestamp_ns = 4_000_000_000
        _ = translator.translate(late)
        _ = translateAndDrain(&translator, exit(task: 502, process: 500, status: 0, at: 4_500_000_000))
        #expect(translator.threads[500] == 3)
        // Then, after the read: the three threads end; only the last one ends the process.
        proc.set(500, live: [500, 504])
        #expect(
            translateAndDrain(&translator, exit(task: 503, process: 500, status: 0, at: 6_000_000_000)) == nil
        )
        proc.set(500, live: [504], zombies: [500])
        #expect(
            translateAndDrain(&translator, exit(task: 500, process: 500, status: 0, at: 6_100_000_000)) == nil
        )
        proc.set(500, live: [], zombies: [500])
        let end = translateAndDrain(
            &translator, exit(task: 504, process: 500, status: 9 << 8, at: 6_200_000_000))
        guard case .exit(let details) = end?.payload else {
            Issue.record("no process exit")
            return
        }
        #expect(details.status == .exited(9))
    }

    @Test("a main thread that exited before the count is still in it, as a zombie")
    func zombieLeaderInCount() {
        var translator = translator()
        // Counted at 5 s: the zombie main thread and one live worker.
        proc.set(600, live: [601], zombies: [600])
        translator.restore(
            600, ConnectorTranslator.Tracked(threads: 2, countedAt: 5_000_000_000, start: nil, knownSince: 0))
        #expect(
            translateAndDrain(&translator, exit(task: 600, process: 600, status: 0, at: 4_000_000_000)) == nil
        )
        proc.set(600, live: [], zombies: [600])
        let end = translateAndDrain(
            &translator, exit(task: 601, process: 600, status: 5 << 8, at: 7_000_000_000))
        guard case .exit(let details) = end?.payload else {
            Issue.record("no process exit")
            return
        }
        #expect(details.status == .exited(5))
    }

    @Test("a count one too high still ends, with the group's status, once /proc shows the end")
    func overcountEnds() {
        var translator = translator()
        // Counted 2 while one thread had already sent its (earlier-stamped) exit event.
        proc.set(700, live: [700])
        translator.restore(
            700, ConnectorTranslator.Tracked(threads: 2, countedAt: 5_000_000_000, start: nil, knownSince: 0))
        // The main thread's exit(9) and, queued after it, a joined worker's ordinary exit.
        proc.set(700, live: [], zombies: [700])
        #expect(translator.translate(exit(task: 700, process: 700, status: 9 << 8, at: 6_000_000_000)) == nil)
        #expect(translator.translate(exit(task: 701, process: 700, status: 0, at: 6_000_100_000)) == nil)
        let end = idle(&translator)
        guard case .exit(let details) = end?.payload else {
            Issue.record("no process exit")
            return
        }
        #expect(details.status == .exited(9))
    }

    @Test("a suspect whose count then reaches zero ends with its last exit, not the suspect's")
    func suspectThenCountedEnd() {
        var translator = translator()
        proc.set(800, live: [800, 801])
        translator.restore(
            800, ConnectorTranslator.Tracked(threads: 2, countedAt: 5_000_000_000, start: nil, knownSince: 0))
        // A joined worker exits (0): a suspect while the main thread runs.
        proc.set(800, live: [800])
        #expect(translator.translate(exit(task: 801, process: 800, status: 0, at: 6_000_000_000)) == nil)
        // Then the main thread's exit(9) takes the count to zero, before the idle check.
        proc.set(800, live: [], zombies: [800])
        #expect(translator.translate(exit(task: 800, process: 800, status: 9 << 8, at: 6_100_000_000)) == nil)
        let end = idle(&translator)
        guard case .exit(let details) = end?.payload else {
            Issue.record("no process exit")
            return
        }
        #expect(details.status == .exited(9))
        #expect(idle(&translator) == nil)
    }
}
