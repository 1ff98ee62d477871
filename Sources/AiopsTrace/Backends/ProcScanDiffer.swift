import AiopsCore
import AiopsProc

/// Compares successive /proc scans and describes the differences as lifecycle events.
struct ProcScanDiffer {
    let lookup: ProcLookup
    private var known: [Int32: ProcStat] = [:]
    /// Zombies already reported as exits (by identity), so their disappearance is not reported again.
    private var reportedZombies: Set<ProcessKey> = []
    /// The executable of each process as first seen: a new comm with the same executable is a
    /// rename (prctl PR_SET_NAME, a thread pool naming itself), not an exec.
    private var executables: [ProcessKey: [UInt8]] = [:]

    init(lookup: ProcLookup) {
        self.lookup = lookup
    }

    mutating func scan(_ stats: [ProcStat], at time: BootInstant) -> [LifecycleEvent] {
        let firstScan = known.isEmpty
        var current: [Int32: ProcStat] = [:]
        current.reserveCapacity(stats.count)
        for stat in stats { current[stat.pid] = stat }
        defer { known = current }
        guard !firstScan else {
            for stat in stats where stat.isZombie { reportedZombies.insert(stat.key) }
            return []
        }

        var events: [LifecycleEvent] = []
        // Gone, or the pid now belongs to another process.
        for (pid, old) in known where current[pid]?.startTicks != old.startTicks {
            executables[old.key] = nil
            if reportedZombies.remove(old.key) == nil {
                events.append(exitEvent(old, status: nil, time: time))
            }
        }
        for stat in stats {
            let old = known[stat.pid]
            if old?.startTicks != stat.startTicks {
                let executable = lookup.executable(stat.pid)
                let parent = current[stat.ppid] ?? known[stat.ppid]
                let parentExecutable = parent.flatMap { cachedExecutable(of: $0) }
                events += appeared(
                    stat, executable: executable, parent: parent, parentExecutable: parentExecutable,
                    time: time)
                executables[stat.key] = executable
            } else if let old, old.comm != stat.comm, !stat.isZombie {
                let executable = lookup.executable(stat.pid)
                if executable != executables[stat.key] {
                    executables[stat.key] = executable
                    events.append(execEvent(stat, time: time))
                }
            }
            // A zombie leader with live threads is a process whose main thread called
            // pthread_exit: alive. Only a zombie with its last thread is an exited process.
            if stat.isZombie, stat.threads <= 1, !reportedZombies.contains(stat.key) {
                reportedZombies.insert(stat.key)
                // /proc shows the main thread's own exit code, which is the process's status only
                // if it was the last thread: for a process last seen with threads, it is unknown.
                let singleThreaded = (old?.threads ?? 1) <= 1
                let status = singleThreaded ? stat.exitCode.map(ExitStatus.init(waitStatus:)) : nil
                events.append(exitEvent(stat, status: status, time: time))
            }
        }
        return events
    }

    /// A new process: a fork from its parent, and an exec if it no longer runs the parent's program.
    /// The executables are compared, not the names: a child caught between fork and exec carries
    /// the comm of the parent's *thread* that forked it, which may differ from the main thread's.
    /// A process's executable, read once: a parent forking many children is looked up once.
    private mutating func cachedExecutable(of stat: ProcStat) -> [UInt8]? {
        if let known = executables[stat.key] { return known }
        let read = lookup.executable(stat.pid)
        if read != nil { executables[stat.key] = read }
        return read
    }

    private func appeared(
        _ stat: ProcStat, executable: [UInt8]?, parent: ProcStat?, parentExecutable: [UInt8]?,
        time: BootInstant
    ) -> [LifecycleEvent] {
        let parentProcess = EventProcess(
            pid: stat.ppid, tid: stat.ppid, ppid: parent?.ppid, uid: nil,
            comm: parent?.comm ?? UntrustedText(bytes: []), start: parent?.start)
        let fork = LifecycleEvent(
            time: time, source: .procPoll, process: parentProcess,
            payload: .fork(
                ForkDetails(childPID: stat.pid, childTID: stat.pid, childStart: stat.start, isThread: false)))
        guard !stat.isKernelThread else { return [fork] }
        let sameProgram: Bool
        if let executable, let parentExecutable {
            sameProgram = executable == parentExecutable
        } else {
            // Without root another user's exe link is unreadable: the name is all there is.
            sameProgram = parent?.comm == stat.comm
        }
        return sameProgram ? [fork] : [fork, execEvent(stat, time: time)]
    }

    private func execEvent(_ stat: ProcStat, time: BootInstant) -> LifecycleEvent {
        LifecycleEvent(
            time: time, source: .procPoll, process: process(stat),
            payload: .exec(lookup.execDetails(pid: stat.pid)))
    }

    private func exitEvent(_ stat: ProcStat, status: ExitStatus?, time: BootInstant) -> LifecycleEvent {
        let cpu = (stat.userTicks + stat.systemTicks) &* BootInstant.nanosecondsPerTick
        var details = ExitDetails(status: status)
        details.cpuNanoseconds = cpu
        return LifecycleEvent(time: time, source: .procPoll, process: process(stat), payload: .exit(details))
    }

    private func process(_ stat: ProcStat) -> EventProcess {
        EventProcess(
            pid: stat.pid, tid: stat.pid, ppid: stat.ppid, uid: nil, comm: stat.comm, start: stat.start,
            cgroupID: nil)
    }
}
