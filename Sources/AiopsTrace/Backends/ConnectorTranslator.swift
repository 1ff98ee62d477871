import AiopsCore
import AiopsProc
import CAiopsLinux

/// Turns the proc connector's per-task events into per-process lifecycle events.
///
/// The connector reports every task: a thread's exit looks like a process's. A process ends
/// when its *last* thread exits, with that thread's status — when the main thread calls
/// pthread_exit and a worker later exit(5)s, the answer is 5, not the main thread's 0. So the
/// translator counts live threads per process: seeded from /proc, +1 per thread fork, 1 after an
/// exec (other threads are gone by then), -1 per exit.
struct ConnectorTranslator {
    let lookup: ProcLookup
    let emitThreads: Bool
    let monotonicToBoot: UInt64
    /// Live threads per process (tgid).
    private(set) var threads: [Int32: Int] = [:]
    /// Processes whose main thread exited while other threads still ran: when that happened.
    private var leaderGone: [Int32: BootInstant] = [:]
    /// When each counted process was first known, in translated-event order, so a /proc scan is
    /// only compared with processes known before it.
    private var knownSince: [Int32: UInt64] = [:]
    private(set) var sequence: UInt64 = 0

    init(lookup: ProcLookup, emitThreads: Bool, monotonicToBoot: UInt64) {
        self.lookup = lookup
        self.emitThreads = emitThreads
        self.monotonicToBoot = monotonicToBoot
    }

    /// Counts the threads of the processes that exist now. Call after subscribing.
    mutating func seed(pids: [Int32]) {
        for pid in pids where threads[pid] == nil {
            if let threadCount = lookup.threadCount(pid) { track(pid, threads: threadCount) }
        }
    }

    private mutating func track(_ pid: Int32, threads count: Int) {
        if threads[pid] == nil { knownSince[pid] = sequence }
        threads[pid] = count
    }

    private mutating func forget(_ pid: Int32) {
        threads[pid] = nil
        leaderGone[pid] = nil
        knownSince[pid] = nil
    }

    mutating func translate(_ raw: aiops_cn_event) -> LifecycleEvent? {
        sequence += 1
        let time = BootInstant(nanoseconds: raw.timestamp_ns &+ monotonicToBoot)
        switch raw.kind {
        case UInt32(AIOPS_CN_FORK.rawValue):
            let isThread = raw.child_pid != raw.child_tgid
            if isThread {
                let alive = threads[raw.child_tgid] ?? lookup.threadCount(raw.child_tgid) ?? 1
                track(raw.child_tgid, threads: alive + 1)
                guard emitThreads else { return nil }
            } else {
                track(raw.child_tgid, threads: 1)
            }
            // The connector names the child's real_parent. A thread shares the real_parent of its
            // process, so for a thread that is the process's parent: the creator is the process.
            let parent =
                isThread
                ? EventProcess(
                    pid: raw.child_tgid, tid: raw.child_tgid, ppid: raw.tgid, uid: nil,
                    comm: UntrustedText(bytes: []),
                    start: nil)
                : EventProcess(
                    pid: raw.tgid, tid: raw.pid, ppid: nil, uid: nil, comm: UntrustedText(bytes: []),
                    start: nil)
            let childStart = isThread ? nil : lookup.stat(raw.child_tgid)?.start
            let details = ForkDetails(
                childPID: raw.child_tgid, childTID: raw.child_pid, childStart: childStart, isThread: isThread)
            return LifecycleEvent(
                time: time, source: .procConnector, process: parent, payload: .fork(details))

        case UInt32(AIOPS_CN_EXEC.rawValue):
            track(raw.tgid, threads: 1)
            let process = lookup.eventProcess(pid: raw.tgid, tid: raw.pid)
            return LifecycleEvent(
                time: time, source: .procConnector, process: process,
                payload: .exec(lookup.execDetails(pid: raw.tgid)))

        case UInt32(AIOPS_CN_EXIT.rawValue):
            return exit(raw, time: time)

        default:
            return nil
        }
    }

    private mutating func exit(_ raw: aiops_cn_event, time: BootInstant) -> LifecycleEvent? {
        let isLeader = raw.pid == raw.tgid
        guard let alive = threads[raw.tgid] else {
            // A process we never counted (born and gone around the subscription): its main
            // thread's exit is the best evidence we have.
            return isLeader ? exitEvent(raw, time: time) : nil
        }
        if alive > 1 {
            threads[raw.tgid] = alive - 1
            if isLeader { leaderGone[raw.tgid] = time }
            return nil
        }
        forget(raw.tgid)
        return exitEvent(raw, time: time)
    }

    private func exitEvent(_ raw: aiops_cn_event, time: BootInstant) -> LifecycleEvent {
        let process = EventProcess(
            pid: raw.tgid, tid: raw.pid, ppid: raw.parent_tgid > 0 ? raw.parent_tgid : nil, uid: nil,
            comm: UntrustedText(bytes: []), start: nil)
        let details = ExitDetails(status: ExitStatus(waitStatus: raw.exit_code))
        return LifecycleEvent(time: time, source: .procConnector, process: process, payload: .exit(details))
    }

    /// After an overrun (events lost) or periodically: processes we believe alive that /proc no
    /// longer lists have exited unseen. Reports them with an unknown status, as noticed by a scan.
    ///
    /// Call with a scan taken at `scannedAt` (`sequence` then), *after* translating everything
    /// the socket held once the scan was done: a process's exit event is queued before it can
    /// vanish from /proc, so any process missing from the scan whose exit is still not seen was
    /// really lost. Processes first known after the scan are not judged by it.
    mutating func reconcile(livePIDs: Set<Int32>, scannedAt: UInt64, now: BootInstant) -> [LifecycleEvent] {
        var events: [LifecycleEvent] = []
        for (pid, since) in knownSince where since < scannedAt && !livePIDs.contains(pid) {
            forget(pid)
            let process = EventProcess(
                pid: pid, tid: pid, ppid: nil, uid: nil, comm: UntrustedText(bytes: []), start: nil)
            events.append(
                LifecycleEvent(
                    time: now, source: .procPoll, process: process, payload: .exit(ExitDetails(status: nil))))
        }
        return events
    }
}
