import AiopsCore

/// A process as the watch sees it when it appears (seeded, forked or exec'd).
struct ProcessCandidate: Sendable {
    var key: ProcessKey
    var ppid: Int32?
    var uid: UInt32?
    var comm: UntrustedText
    var argv: [UntrustedText]
    var unit: String?
    /// It exec'd a program (rather than being forked, still running its parent's).
    var viaExec = false
}

/// Which live processes the `--critical` criteria name, and which criteria are down.
///
/// A criterion is *down* once its last process has exited; the next process it names is its
/// restart. A PID criterion names one process: after it exits, its restart is a program of the
/// same name exec'd in the same unit by the same parent (a supervisor starting it again; a PID
/// is never reused on purpose).
struct CriticalWatch: Sendable {
    private(set) var targets: [CriticalTarget]
    private(set) var watched: [ProcessKey: WatchedProcess] = [:]
    private(set) var down: [CriticalTarget: DownTarget] = [:]

    init(targets: [CriticalTarget]) {
        self.targets = targets
    }

    /// Targets with no live process (never found, or down).
    var unmatched: [CriticalTarget] {
        let live = Set(watched.values.map(\.target))
        return targets.filter { !live.contains($0) }
    }

    func isWatched(_ key: ProcessKey) -> Bool { watched[key] != nil }

    /// At start (and after a reload): watches every existing process a criterion names.
    mutating func adopt(_ candidates: [ProcessCandidate]) {
        for candidate in candidates where watched[candidate.key] == nil {
            if let target = targets.first(where: { matches($0, candidate, initial: true) }) {
                watch(candidate, as: target)
            }
        }
    }

    /// Replaces the criteria (a reload): processes no criterion names any more are let go.
    mutating func replaceTargets(_ newTargets: [CriticalTarget]) {
        targets = newTargets
        let kept = Set(newTargets)
        watched = watched.filter { kept.contains($0.value.target) }
        down = down.filter { kept.contains($0.key) }
    }

    /// A process appeared (fork) or changed what it runs (exec). Returns the restart it ends,
    /// if its criterion was down.
    mutating func appeared(_ candidate: ProcessCandidate, at time: BootInstant) -> (
        DownTarget, CriticalTarget
    )? {
        if var existing = watched[candidate.key] {
            // An exec: a process a name no longer names is let go; a PID or unit stays.
            if case .name = existing.target, !matches(existing.target, candidate, initial: false) {
                watched[candidate.key] = nil
                return nil
            }
            existing.comm = candidate.comm
            existing.argv = candidate.argv
            watched[candidate.key] = existing
            return nil
        }
        guard let target = targets.first(where: { matches($0, candidate, initial: false) }) else {
            return nil
        }
        watch(candidate, as: target)
        guard let wasDown = down.removeValue(forKey: target), wasDown.exitTime <= time else { return nil }
        return (wasDown, target)
    }

    /// A watched process ended. Returns it, and whether it was its criterion's last process.
    mutating func exited(_ key: ProcessKey, at time: BootInstant) -> (WatchedProcess, lastOfTarget: Bool)? {
        guard let process = watched.removeValue(forKey: key) else { return nil }
        let last = !watched.values.contains { $0.target == process.target }
        if last {
            down[process.target] = DownTarget(
                exitTime: time, oldPID: key.pid, ppid: process.ppid, comm: process.comm,
                argv0: process.argv.first,
                unit: process.unit)
        }
        return (process, last)
    }

    /// A restart that did not hold (the new process ended within the grace): the criterion is
    /// down again since its *original* exit, so the downtime keeps counting from there.
    mutating func restoreDown(_ target: CriticalTarget, _ wasDown: DownTarget) {
        if !watched.values.contains(where: { $0.target == target }) { down[target] = wasDown }
    }

    mutating func recordSample(_ snapshot: ResourceSnapshot, for key: ProcessKey) {
        watched[key]?.lastSample = snapshot
        watched[key]?.missingSince = nil
    }

    /// After a /proc scan: watched processes missing from two scans in a row, whose exit event
    /// never came (lost, or a source that cannot see exits). The caller reports them as exited.
    mutating func missing(living: Set<ProcessKey>, at time: BootInstant) -> [ProcessKey] {
        var gone: [ProcessKey] = []
        for (key, process) in watched where !living.contains(key) {
            if process.missingSince != nil {
                gone.append(key)
            } else {
                watched[key]?.missingSince = time
            }
        }
        return gone
    }

    private func matches(_ target: CriticalTarget, _ candidate: ProcessCandidate, initial: Bool) -> Bool {
        switch target {
        case .pid(let pid):
            if initial { return candidate.key.pid == pid }
            // After the first process is gone: a new process like it.
            guard let wasDown = down[target], candidate.viaExec, candidate.ppid == wasDown.ppid else {
                return false
            }
            return candidate.unit == wasDown.unit
                && CriticalTarget.name(wasDown.comm.lossyString).matches(
                    pid: candidate.key.pid, comm: candidate.comm, argv0: candidate.argv.first,
                    unit: candidate.unit)
        case .name, .unit:
            return target.matches(
                pid: candidate.key.pid, comm: candidate.comm, argv0: candidate.argv.first,
                unit: candidate.unit)
        }
    }

    private mutating func watch(_ candidate: ProcessCandidate, as target: CriticalTarget) {
        watched[candidate.key] = WatchedProcess(
            key: candidate.key, target: target, ppid: candidate.ppid, uid: candidate.uid,
            comm: candidate.comm,
            argv: candidate.argv, unit: candidate.unit)
    }
}
