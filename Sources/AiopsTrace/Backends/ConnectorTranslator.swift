import AiopsCore
import AiopsProc
import CAiopsLinux

#if canImport(Glibc)
    import Glibc
#endif

/// Turns the proc connector's per-task events into per-process lifecycle events.
///
/// The connector reports every task: a thread's exit looks like a process's. A process ends
/// when its *last* thread exits, with that thread's status — when the main thread calls
/// pthread_exit and a worker later exit(5)s, the answer is 5, not the main thread's 0. So the
/// translator counts live threads per process: read from /proc for processes that exist when
/// tracing starts, +1 per thread fork, 1 after an exec (other threads are gone by then), -1 per
/// exit; a count reaching zero is confirmed against /proc/<pid>/task before the exit is reported.
///
/// A count read from /proc already includes the thread events that happened before the read, and
/// those events may still be queued in the socket: each count keeps the time it was read, and
/// events stamped earlier are not counted again (the connector stamps with CLOCK_MONOTONIC).
struct ConnectorTranslator {
    struct Tracked {
        /// Live threads, counting a main thread that exited while others run (it stays a zombie,
        /// and /proc counts it, until the whole process is gone).
        var threads: Int
        /// CLOCK_MONOTONIC ns when `threads` was last set from /proc or a fork: thread events
        /// stamped at or before it are already in the count.
        var countedAt: UInt64
        var start: BootInstant?
        /// Translation sequence number when first tracked: see `reconcile`.
        var knownSince: UInt64
        /// The latest non-zero exit status among its threads, and when (CLOCK_MONOTONIC ns).
        var lastNonZeroExit: (code: UInt32, at: UInt64)? = nil
    }

    let lookup: ProcLookup
    let emitThreads: Bool
    let monotonicToBoot: UInt64
    private(set) var tracked: [Int32: Tracked] = [:]
    private(set) var sequence: UInt64 = 0
    /// The latest connector time stamp read: the reader has caught up with the kernel to here.
    private var readUpTo: UInt64 = 0
    /// Processes a thread of which just exited while the count says threads remain: if the count
    /// is one too high they have in fact ended. (It can be: a new thread is in /proc before its
    /// fork event is stamped, so a count read in between counts it twice.) Checked against /proc
    /// when the socket is idle or every 100 ms (never per event: a thread storm would make the
    /// reader fall behind and lose events), and forgotten after a while (the periodic /proc
    /// cross-check remains).
    private var suspects: [Int32: UInt64] = [:]
    /// Processes /proc shows as ended while their count says threads remain (a count one too
    /// high: the kernel sends a thread's exit event before /proc stops counting it), with when
    /// that was seen. The last thread's exit event is sent just *after* the process turns
    /// zombie (do_exit calls the connector after exit_notify), so it is reported only once the
    /// socket has been emptied a little after that moment: see `flushEnded`.
    private var ended: [Int32: Ended] = [:]

    struct Ended {
        /// The latest exit event of the process read so far (none for a process found missing
        /// from /proc), and when it happened.
        var raw: aiops_cn_event?
        var time: BootInstant
        /// When the end was established (CLOCK_MONOTONIC).
        var seenAt: UInt64
        /// The exit code /proc showed for the zombie main thread, if the end was seen there.
        var zombieStatus: UInt32? = nil
        /// How long after `seenAt` its last exit event may still arrive.
        var grace: UInt64 = 20_000_000
    }

    /// How long the exit event of a process found missing from /proc may still take: its
    /// parent can reap it between the kernel's exit_notify and its connector message, and a
    /// preempted exiting task takes its time.
    static let missingGrace: UInt64 = 1_000_000_000

    /// Ended processes to report at once (their pid was reused: see `fork`).
    private var ready: [LifecycleEvent] = []
    /// Processes reported ended, for a few seconds: an exit event of theirs read afterwards (the
    /// kernel sends the last one just after the process turns zombie) is not a second exit.
    private var recentlyEnded: [Int32: UInt64] = [:]
    /// The latest exit event of each suspect.
    private var lastExit: [Int32: (raw: aiops_cn_event, time: BootInstant)] = [:]

    init(lookup: ProcLookup, emitThreads: Bool, monotonicToBoot: UInt64) {
        self.lookup = lookup
        self.emitThreads = emitThreads
        self.monotonicToBoot = monotonicToBoot
    }

    /// Live threads per process, as currently counted.
    var threads: [Int32: Int] { tracked.mapValues(\.threads) }

    /// Sets what is known about a process, as `seed` would from /proc (for tests).
    mutating func restore(_ pid: Int32, _ entry: Tracked) {
        tracked[pid] = entry
    }

    /// Counts the threads of the processes that exist now. Call right after subscribing.
    mutating func seed(pids: [Int32]) {
        for pid in pids where tracked[pid] == nil {
            // A zombie with no thread left ended before the subscription: no event will come.
            guard let stat = lookup.stat(pid), !(stat.isZombie && stat.threads <= 1) else { continue }
            // Read after the count: an event stamped before this is in the count.
            let countedAt = monotonicNanoseconds()
            tracked[pid] = Tracked(
                threads: Int(stat.threads), countedAt: countedAt, start: stat.start, knownSince: sequence)
        }
    }

    mutating func translate(_ raw: aiops_cn_event) -> LifecycleEvent? {
        sequence += 1
        readUpTo = max(readUpTo, raw.timestamp_ns)
        let time = BootInstant(nanoseconds: raw.timestamp_ns &+ monotonicToBoot)
        switch raw.kind {
        case UInt32(AIOPS_CN_FORK.rawValue):
            return fork(raw, time: time)
        case UInt32(AIOPS_CN_EXEC.rawValue):
            // Other threads were killed and reaped before the exec completed: one thread left.
            var entry =
                tracked[raw.tgid] ?? Tracked(threads: 1, countedAt: 0, start: nil, knownSince: sequence)
            entry.threads = 1
            entry.countedAt = max(entry.countedAt, raw.timestamp_ns)
            let process = lookup.eventProcess(pid: raw.tgid, tid: raw.pid)
            entry.start = entry.start ?? process.start
            tracked[raw.tgid] = entry
            return LifecycleEvent(
                time: time, source: .procConnector, process: process,
                payload: .exec(lookup.execDetails(pid: raw.tgid)))
        case UInt32(AIOPS_CN_EXIT.rawValue):
            return exit(raw, time: time)
        default:
            return nil
        }
    }

    private mutating func fork(_ raw: aiops_cn_event, time: BootInstant) -> LifecycleEvent? {
        let isThread = raw.child_pid != raw.child_tgid
        var childStart: BootInstant?
        if isThread {
            if var entry = tracked[raw.child_tgid] {
                if raw.timestamp_ns > entry.countedAt { entry.threads += 1 }
                tracked[raw.child_tgid] = entry
            } else if let stat = lookup.stat(raw.child_tgid) {
                // Unknown so far: /proc's count already includes this thread.
                tracked[raw.child_tgid] = Tracked(
                    threads: Int(stat.threads), countedAt: monotonicNanoseconds(), start: stat.start,
                    knownSince: sequence)
            }
            guard emitThreads else { return nil }
        } else {
            // The pid is reused: the process that had it is gone, whatever is still to come.
            if let last = ended[raw.child_tgid] { ready.append(finishEnded(raw.child_tgid, last)) }
            childStart = lookup.stat(raw.child_tgid)?.start
            tracked[raw.child_tgid] = Tracked(
                threads: 1, countedAt: raw.timestamp_ns, start: childStart, knownSince: sequence)
        }
        // The connector names the child's real_parent. A thread shares the real_parent of its
        // process, so for a thread that is the process's parent: the creator is the process.
        let parent =
            isThread
            ? EventProcess(
                pid: raw.child_tgid, tid: raw.child_tgid, ppid: raw.tgid, uid: nil,
                comm: UntrustedText(bytes: []),
                start: tracked[raw.child_tgid]?.start)
            : EventProcess(
                pid: raw.tgid, tid: raw.pid, ppid: nil, uid: nil, comm: UntrustedText(bytes: []),
                start: tracked[raw.tgid]?.start)
        let details = ForkDetails(
            childPID: raw.child_tgid, childTID: raw.child_pid, childStart: childStart, isThread: isThread)
        return LifecycleEvent(time: time, source: .procConnector, process: parent, payload: .fork(details))
    }

    private mutating func exit(_ raw: aiops_cn_event, time: BootInstant) -> LifecycleEvent? {
        let isLeader = raw.pid == raw.tgid
        guard var entry = tracked[raw.tgid] else {
            if let endedAt = recentlyEnded[raw.tgid], raw.timestamp_ns &- endedAt < 5_000_000_000 {
                return nil
            }
            // A process never counted (born and gone around the subscription): its main thread's
            // exit is the best evidence there is.
            return isLeader ? exitEvent(raw, start: nil, time: time) : nil
        }
        if raw.exit_code != 0 { entry.lastNonZeroExit = (raw.exit_code, raw.timestamp_ns) }
        // A thread that exited before the count was read is not in it — except a main thread,
        // which stays (a zombie) in /proc's count until the whole process ends.
        if raw.timestamp_ns > entry.countedAt || isLeader {
            entry.threads -= 1
        }
        if entry.threads > 0 {
            tracked[raw.tgid] = entry
            if ended[raw.tgid] != nil {
                // The latest exit: its time; the status, see flushEnded.
                ended[raw.tgid]?.raw = raw
                ended[raw.tgid]?.time = time
            } else if entry.threads <= 4 {
                suspects[raw.tgid] = raw.timestamp_ns
                lastExit[raw.tgid] = (raw, time)
            }
            return nil
        }
        ended[raw.tgid] = nil
        // The count says this was the last thread; /proc has the final word while it exists.
        if let live = lookup.liveTaskCount(raw.tgid), live > 0 {
            entry.threads = live
            entry.countedAt = monotonicNanoseconds()
            tracked[raw.tgid] = entry
            return nil
        }
        // Ended. But /proc shows the present and the reader may be behind: exit events of this
        // process may still be queued (the group's exit status among them). Report it once the
        // reader has caught up past this moment: see `flushEnded`.
        tracked[raw.tgid] = entry
        ended[raw.tgid] = Ended(raw: raw, time: time, seenAt: monotonicNanoseconds())
        // No longer a suspect: its last exit event is this one, not an earlier thread's.
        suspects[raw.tgid] = nil
        lastExit[raw.tgid] = nil
        return nil
    }

    /// What wait(2) returns for the process, from its threads' exits. When any thread calls
    /// exit_group or the process dies of a signal, every thread exits with that group status,
    /// and it is the process's; threads that ended on their own (pthread_exit) exit 0. The
    /// final exit event is not always the group's: pthread_join returns before the joined
    /// thread's exit event is sent, so a main thread's exit(9) can be queued before it. So:
    /// the final event's status if not 0, else the latest non-zero one of the last second.
    static func processStatus(finalExit raw: aiops_cn_event, _ entry: Tracked) -> UInt32 {
        if raw.exit_code != 0 { return raw.exit_code }
        guard let recent = entry.lastNonZeroExit, raw.timestamp_ns &- recent.at < 1_000_000_000 else {
            return 0
        }
        return recent.code
    }

    /// Checks the suspects (see `suspects`) against /proc. Call when the socket is idle, and
    /// every so often when it never is.
    mutating func checkSuspects(now: UInt64) {
        for (pid, since) in suspects {
            guard let entry = tracked[pid], let last = lastExit[pid], ended[pid] == nil else {
                suspects[pid] = nil
                lastExit[pid] = nil
                continue
            }
            switch endState(pid, start: entry.start) {
            case .ended(let zombieStatus):
                ended[pid] = Ended(raw: last.raw, time: last.time, seenAt: now, zombieStatus: zombieStatus)
            case .running where now &- since < 2_000_000_000:
                continue
            case .running:
                break
            }
            suspects[pid] = nil
            lastExit[pid] = nil
        }
    }

    private enum EndState {
        case running
        /// Gone, or a zombie with only its main thread left (and that thread's exit code).
        case ended(zombieStatus: UInt32?)
    }

    private func endState(_ pid: Int32, start: BootInstant?) -> EndState {
        guard let stat = lookup.stat(pid) else { return .ended(zombieStatus: nil) }
        // Another process's pid now: this one is gone.
        if let start, !stat.start.sameStart(as: start) { return .ended(zombieStatus: nil) }
        return stat.isZombie && stat.threads <= 1 ? .ended(zombieStatus: stat.exitCode) : .running
    }

    /// Reports the processes found ended (see `ended`) once the reader has caught up with the
    /// kernel to a little past the moment they were found ended: by then every exit event of
    /// theirs has been read. Caught up means an event stamped later has been read, or the socket
    /// was found empty at `drainedAt` (CLOCK_MONOTONIC).
    mutating func flushEnded(drainedAt: UInt64 = 0) -> [LifecycleEvent] {
        guard !ended.isEmpty || !ready.isEmpty else { return [] }
        let caughtUpTo = max(readUpTo, drainedAt)
        var events = ready
        ready.removeAll()
        for (pid, last) in ended where last.seenAt &+ last.grace <= caughtUpTo {
            events.append(finishEnded(pid, last))
        }
        if recentlyEnded.count > 4096 {
            recentlyEnded = recentlyEnded.filter { readUpTo &- $0.value < 5_000_000_000 }
        }
        return events
    }

    /// Reports an ended process and forgets it.
    private mutating func finishEnded(_ pid: Int32, _ last: Ended) -> LifecycleEvent {
        let entry = tracked[pid]
        suspects[pid] = nil
        lastExit[pid] = nil
        tracked[pid] = nil
        ended[pid] = nil
        recentlyEnded[pid] = readUpTo
        guard let raw = last.raw else {
            // Gone from /proc and no exit event came: lost (an overrun), status unknown.
            let process = EventProcess(
                pid: pid, tid: pid, ppid: nil, uid: nil, comm: UntrustedText(bytes: []), start: entry?.start)
            return LifecycleEvent(
                time: last.time, source: .procPoll, process: process, payload: .exit(ExitDetails(status: nil))
            )
        }
        var status = entry.map { Self.processStatus(finalExit: raw, $0) } ?? raw.exit_code
        // The zombie main thread's code is the group's status after exit_group or a signal,
        // and is known at once, unlike a last exit event that may still be on its way.
        if status == 0, let zombieStatus = last.zombieStatus { status = zombieStatus }
        return exitEvent(raw, status: status, start: entry?.start, time: last.time)
    }

    private func exitEvent(
        _ raw: aiops_cn_event, status: UInt32? = nil, start: BootInstant?, time: BootInstant
    ) -> LifecycleEvent {
        let process = EventProcess(
            pid: raw.tgid, tid: raw.pid, ppid: raw.parent_tgid > 0 ? raw.parent_tgid : nil, uid: nil,
            comm: UntrustedText(bytes: []), start: start)
        let details = ExitDetails(status: ExitStatus(waitStatus: status ?? raw.exit_code))
        return LifecycleEvent(time: time, source: .procConnector, process: process, payload: .exit(details))
    }

    /// After an overrun (events lost) or periodically: processes believed alive that /proc no
    /// longer lists have ended. Their exit events may still come — the kernel sends one just
    /// after the process turns zombie, and its parent can reap it in between — so they are
    /// reported by `flushEnded` after `missingGrace`: with the status of an exit event read by
    /// then, else as lost (status unknown, noticed by a scan).
    ///
    /// Call with a scan taken when `sequence` was `scannedAt`: processes first tracked after
    /// the scan are not judged by it.
    mutating func reconcile(livePIDs: Set<Int32>, scannedAt: UInt64, now: BootInstant) {
        let seenAt = monotonicNanoseconds()
        for (pid, entry) in tracked
        where entry.knownSince <= scannedAt && !livePIDs.contains(pid) && ended[pid] == nil {
            // A suspect (see `suspects`) not checked yet: its last exit event read is evidence.
            let last = lastExit[pid]
            ended[pid] = Ended(
                raw: last?.raw, time: last?.time ?? now, seenAt: seenAt, grace: Self.missingGrace)
        }
    }
}

/// CLOCK_MONOTONIC in nanoseconds: the proc connector's clock.
func monotonicNanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
}
