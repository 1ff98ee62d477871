import AiopsCore
import AiopsProc
import AiopsTestSupport
import CAiopsLinux
import Testing

@testable import AiopsTrace

/// The proc connector reports tasks; the translator turns them into processes. Scripted here
/// with an empty fake /proc, so every fact comes from the events themselves.
@Suite("Proc connector translation")
struct ConnectorTranslatorTests {
    let emptyProc = TemporaryDirectory()

    private func translator() -> ConnectorTranslator {
        ConnectorTranslator(
            lookup: ProcLookup(procfs: ProcFS(root: emptyProc.path), cgroups: nil), emitThreads: false,
            monotonicToBoot: 0)
    }

    private func fork(parent: Int32, child: Int32, thread: Bool = false, process: Int32? = nil)
        -> aiops_cn_event
    {
        var event = aiops_cn_event()
        event.kind = UInt32(AIOPS_CN_FORK.rawValue)
        event.pid = parent
        event.tgid = parent
        event.child_pid = child
        event.child_tgid = thread ? (process ?? parent) : child
        return event
    }

    private func exit(task: Int32, process: Int32, status: UInt32) -> aiops_cn_event {
        var event = aiops_cn_event()
        event.kind = UInt32(AIOPS_CN_EXIT.rawValue)
        event.pid = task
        event.tgid = process
        event.exit_code = status
        return event
    }

    @Test("the process ends with its last thread, with that thread's status")
    func lastThreadDecides() {
        var translator = translator()
        #expect(translator.translate(fork(parent: 1, child: 100)) != nil)
        #expect(translator.translate(fork(parent: 1, child: 101, thread: true, process: 100)) == nil)
        // The main thread leaves first (pthread_exit), with status 0: not the end.
        #expect(translator.translate(exit(task: 100, process: 100, status: 0)) == nil)
        let end = translator.translate(exit(task: 101, process: 100, status: 5 << 8))
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
        _ = translator.translate(fork(parent: 1, child: 200))
        _ = translator.translate(fork(parent: 1, child: 201, thread: true, process: 200))
        #expect(translator.translate(exit(task: 201, process: 200, status: 0)) == nil)
        #expect(translator.translate(exit(task: 200, process: 200, status: 0)) != nil)
    }

    @Test("reconcile reports processes missing from a scan, but only those known before it")
    func reconcileOrdering() {
        var translator = translator()
        _ = translator.translate(fork(parent: 1, child: 300))
        let scannedAt = translator.sequence
        // Born after the scan (so absent from it): not judged by it.
        _ = translator.translate(fork(parent: 1, child: 301))
        let lost = translator.reconcile(
            livePIDs: [], scannedAt: scannedAt + 1, now: BootInstant(nanoseconds: 1))
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
        let scannedAt = translator.sequence + 1
        #expect(translator.translate(exit(task: 400, process: 400, status: 0)) != nil)
        #expect(
            translator.reconcile(livePIDs: [], scannedAt: scannedAt, now: BootInstant(nanoseconds: 1)).isEmpty
        )
    }
}
