import AiopsAnalyze
import AiopsCore
import AiopsProc

/// The monitor's judgement: fed the lifecycle events (completed by the process table), a /proc
/// scan every interval and a tick every second; answers with alerts and history records.
///
/// Single-threaded by design: the daemon calls it from one loop, so no state here needs a lock.
public final class MonitorEngine {
    public private(set) var rules: MonitorRules
    private let procfs: ProcFS
    private let clock: WallClock
    private let units: UnitLookup
    private let sampler: ProcessResourceSampler
    private let statReader: ProcessSnapshotReader
    private var watch: CriticalWatch
    private var anomalies: ResourceAnomalyDetector
    private var forkStorms = ForkStormDetector()
    /// Each forking parent as its last fork event described it: a storm is named from this, since
    /// the parent may have exec'd, renamed itself or ended by the time its window closes.
    private var forkers: [ProcessKey: EventProcess] = [:]
    static let maxForkers = 16_384
    private var zombies = ZombieWatch()
    public private(set) var statistics = MonitorStatistics()
    /// Restarts waiting out their grace: a process that appears and ends at once (systemd's
    /// `ExecStartPre=nginx -t`, a `--version` probe) is not the criterion coming back.
    private var pendingRestarts: [ProcessKey: PendingRestart] = [:]
    static let restartGraceSeconds = 2.0
    /// Watched processes reported gone by a scan: their late exit event must not be a second report.
    private var reportedLost = RecentKeys(capacity: 1024)

    private struct PendingRestart {
        var wasDown: DownTarget
        var target: CriticalTarget
        var candidate: ProcessCandidate
        var time: BootInstant
    }

    public init(rules: MonitorRules, procfs: ProcFS = ProcFS(), clock: WallClock = .measure()) {
        self.rules = rules
        self.procfs = procfs
        self.clock = clock
        self.units = UnitLookup(procfs: procfs)
        self.sampler = ProcessResourceSampler(procfs: procfs)
        self.statReader = ProcessSnapshotReader(procfs: procfs)
        self.watch = CriticalWatch(targets: rules.critical)
        self.anomalies = ResourceAnomalyDetector(configuration: Self.anomalyConfiguration(rules))
    }

    /// The detector's defaults assume a 10 s interval, where a leak must hold for two minutes.
    /// A faster interval judges the same straight-line growth sooner: over 24 samples, never
    /// less than 20 s of them.
    static func anomalyConfiguration(_ rules: MonitorRules) -> ResourceAnomalyDetector.Configuration {
        var configuration = ResourceAnomalyDetector.Configuration()
        let interval = Double(rules.intervalNanoseconds) / 1e9
        let window = min(120, max(20, 24 * interval))
        configuration.memoryLeak.minimumWindowSeconds = window
        configuration.openFilesLeak.minimumWindowSeconds = window
        configuration.threadsLeak.minimumWindowSeconds = window
        return configuration
    }

    /// Criteria that name no live process right now.
    public var unmatchedTargets: [CriticalTarget] { watch.unmatched }

    /// Live processes being watched, by criterion, for the start banner and the summary.
    public var watchedCount: Int { watch.watched.count }

    /// Finds the processes the criteria name now. Call once the event source is live, so a
    /// process that starts in between is seen either here or as an event.
    public func begin() {
        watch.adopt(existingCandidates())
    }

    /// New rules (a reload): criteria re-matched, detectors keep their baselines.
    public func reload(_ newRules: MonitorRules) {
        if newRules.intervalNanoseconds != rules.intervalNanoseconds {
            anomalies = ResourceAnomalyDetector(configuration: Self.anomalyConfiguration(newRules))
        }
        rules = newRules
        watch.replaceTargets(newRules.critical)
        watch.adopt(existingCandidates())
    }

    // MARK: Events

    public func observe(_ event: LifecycleEvent) -> MonitorOutput {
        switch event.payload {
        case .exec(let exec):
            guard !watch.targets.isEmpty, let key = event.process.key else { return MonitorOutput() }
            return appeared(
                ProcessCandidate(
                    key: key, ppid: event.process.ppid, uid: event.process.uid, comm: event.process.comm,
                    argv: exec.argv, unit: units.unit(of: event.process), viaExec: true),
                at: event.time)
        case .fork(let fork):
            guard !fork.isThread else { return MonitorOutput() }
            if let parent = event.process.key {
                forkStorms.recordFork(parent: parent, at: event.time)
                if forkers.count >= Self.maxForkers, forkers[parent] == nil { forkers.removeAll() }
                forkers[parent] = event.process
            }
            statistics.forks += 1
            guard !watch.targets.isEmpty, let child = fork.childKey else { return MonitorOutput() }
            // A forked child runs its parent's program until it execs: same name, same unit.
            return appeared(
                ProcessCandidate(
                    key: child, ppid: event.process.pid, uid: event.process.uid, comm: event.process.comm,
                    argv: [], unit: units.unit(of: event.process)),
                at: event.time)
        case .exit(let exit):
            statistics.exits += 1
            return exited(event, exit)
        case .signal:
            return MonitorOutput()
        }
    }

    private func appeared(_ candidate: ProcessCandidate, at time: BootInstant) -> MonitorOutput {
        if let (wasDown, target) = watch.appeared(candidate, at: time) {
            pendingRestarts[candidate.key] = PendingRestart(
                wasDown: wasDown, target: target, candidate: candidate, time: time)
        }
        return MonitorOutput()
    }

    /// Restarts whose process outlived the grace: reported, with the downtime up to its start.
    private func confirmRestarts(at now: BootInstant) -> MonitorOutput {
        var output = MonitorOutput()
        for (key, pending) in pendingRestarts
        where now.seconds(since: pending.time) >= Self.restartGraceSeconds {
            pendingRestarts[key] = nil
            guard watch.isWatched(key) else { continue }
            output.append(
                restarted(
                    pending.candidate, wasDown: pending.wasDown, target: pending.target, at: pending.time))
        }
        return output
    }

    private func restarted(
        _ candidate: ProcessCandidate, wasDown: DownTarget, target: CriticalTarget, at time: BootInstant
    ) -> MonitorOutput {
        var output = MonitorOutput()
        let downtime = time.seconds(since: wasDown.exitTime)
        let process = "\(candidate.comm.terminalSafe) (pid \(candidate.key.pid))"
        let subject = target.description
        output.restarts.append(
            RestartRecord(
                unixNanoseconds: clock.unixNanoseconds(time), target: target.description,
                oldPID: wasDown.oldPID,
                newPID: candidate.key.pid, downtimeSeconds: downtime))
        output.alerts.append(
            Alert(
                kind: .processRestarted, severity: .info, unixNanoseconds: clock.unixNanoseconds(time),
                subject: subject, pid: candidate.key.pid, unit: candidate.unit,
                summary: "\(target) is back: \(process) started \(DurationText.format(seconds: downtime)) "
                    + "after pid \(wasDown.oldPID) exited",
                facts: [
                    .init("critical", .text(target.description)),
                    .init("old_pid", .integer(Int64(wasDown.oldPID))),
                    .init("new_pid", .integer(Int64(candidate.key.pid))),
                    .init("downtime_s", .number(downtime)),
                ]))
        return output
    }

    private func exited(_ event: LifecycleEvent, _ exit: ExitDetails) -> MonitorOutput {
        var output = MonitorOutput()
        let key = event.process.key
        if let key {
            anomalies.forget(key)
            forkStorms.forget(key)
            forkers[key] = nil
            if reportedLost.remove(key) { return output }  // already reported by a scan
        }
        if let key, let (process, last) = watch.exited(key, at: event.time) {
            var last = last
            if let pending = pendingRestarts.removeValue(forKey: key) {
                // Ended within the grace: not a restart, and not the criterion going down again.
                watch.restoreDown(pending.target, pending.wasDown)
                last = false
            }
            let record = ExitRecord(
                at: event.time, pid: event.process.pid, start: event.process.start, ppid: event.process.ppid,
                uid: event.process.uid, comm: event.process.comm, argv: exit.argv ?? process.argv,
                unit: process.unit, details: exit, lastSample: process.lastSample, source: event.source,
                clock: clock)
            output.exits.append(record)
            // One process of several ending (a worker, a subshell, sshd's per-connection child
            // exiting 255) is history, not an alert; the last one ending, or any crashing, is.
            if last || exit.status.map(ExitInterest.isCrash) ?? false {
                output.alerts.append(
                    ExitAlert(record: record, killer: exit.killer, target: process.target).alert)
            }
            return output
        }
        guard let status = exit.status, ExitInterest.isRecorded(status) else { return output }
        let record = ExitRecord(
            at: event.time, pid: event.process.pid, start: event.process.start, ppid: event.process.ppid,
            uid: event.process.uid, comm: event.process.comm, argv: exit.argv ?? [],
            unit: units.unit(of: event.process), details: exit, lastSample: nil, source: event.source,
            clock: clock)
        output.exits.append(record)
        if rules.alertOnAnyCrash, ExitInterest.isCrash(status) {
            output.alerts.append(ExitAlert(record: record, killer: exit.killer).alert)
        }
        return output
    }

    // MARK: Scans

    /// The periodic /proc scan: resource samples and anomalies, zombies, critical processes whose
    /// exit was never seen, and criteria whose process appeared unseen.
    public func scan(at now: BootInstant) -> MonitorOutput {
        var output = MonitorOutput()
        let stats = statReader.allStats()
        statistics.scans += 1
        var living = Set<ProcessKey>()
        living.reserveCapacity(stats.count)
        var comms: [Int32: UntrustedText] = [:]
        var zombieList: [ZombieObservation] = []
        for stat in stats {
            living.insert(stat.key)
            comms[stat.pid] = stat.comm
            if stat.isZombie {
                zombieList.append(ZombieObservation(key: stat.key, ppid: stat.ppid)); continue
            }
            guard !stat.isKernelThread else { continue }
            if watch.isWatched(stat.key) {
                guard let sample = sampler.sample(stat.key) else { continue }
                watch.recordSample(sample.snapshot, for: stat.key)
                output.append(judge(sample.point, comm: stat.comm, critical: true))
            } else if rules.anomaliesForAllProcesses {
                output.append(judge(stat.point(at: now), comm: stat.comm, critical: false))
            }
        }
        for key in watch.missing(living: living, at: now) { output.append(lostExit(key, at: now)) }
        if !watch.unmatched.isEmpty { output.append(adoptFromScan(stats)) }
        for accumulation in zombies.evaluate(zombies: zombieList, now: now) {
            output.alerts.append(MonitorAlerts.zombies(accumulation, comms: comms, clock: clock, at: now))
        }
        return output
    }

    private func judge(_ point: ProcessResourcePoint, comm: UntrustedText, critical: Bool) -> MonitorOutput {
        var output = MonitorOutput()
        for anomaly in anomalies.observe(point) {
            output.alerts.append(
                MonitorAlerts.anomaly(
                    anomaly, comm: comm, unit: critical ? watch.watched[point.key]?.unit : nil, clock: clock,
                    critical: critical))
        }
        return output
    }

    private func lostExit(_ key: ProcessKey, at now: BootInstant) -> MonitorOutput {
        var output = MonitorOutput()
        // It ended before the first scan that missed it: that is the latest it can have ended.
        let ended = watch.watched[key]?.missingSince ?? now
        guard let (process, _) = watch.exited(key, at: ended) else { return output }
        pendingRestarts[key] = nil
        reportedLost.insert(key)
        statistics.exitsNotSeen += 1
        let record = ExitRecord(
            at: ended, pid: key.pid, start: BootInstant(clockTicks: key.startTicks), ppid: process.ppid,
            uid: process.uid, comm: process.comm, argv: process.argv, unit: process.unit, details: nil,
            lastSample: process.lastSample, source: .procPoll, clock: clock)
        output.exits.append(record)
        output.alerts.append(ExitAlert(record: record, target: process.target, exitUnseen: true).alert)
        return output
    }

    /// A criterion with no live process, whose process started without an event reaching us
    /// (lost, or started before a reload): found by name in the scan, or in its unit's cgroup.
    private func adoptFromScan(_ stats: [ProcStat]) -> MonitorOutput {
        var output = MonitorOutput()
        let now = BootInstant.now()
        var candidates: [ProcessCandidate] = []
        for target in watch.unmatched {
            switch target {
            case .unit(let unit):
                for pid in units.processes(inUnit: unit) {
                    if let candidate = candidate(pid: pid) { candidates.append(candidate) }
                }
            case .name, .pid:
                for stat in stats where !stat.isZombie && !stat.isKernelThread && !watch.isWatched(stat.key) {
                    if target.matchesComm(stat.comm), let candidate = candidate(pid: stat.pid) {
                        candidates.append(candidate)
                    }
                }
            }
        }
        for candidate in candidates {
            let seen = BootInstant(clockTicks: candidate.key.startTicks)
            output.append(appeared(candidate, at: max(seen, min(now, seen))))
        }
        return output
    }

    private func candidate(pid: Int32) -> ProcessCandidate? {
        guard let snapshot = statReader.snapshot(pid: pid), !snapshot.stat.isZombie else { return nil }
        return ProcessCandidate(
            key: snapshot.key, ppid: snapshot.stat.ppid, uid: snapshot.uid, comm: snapshot.stat.comm,
            argv: snapshot.argv, unit: units.unit(pid: pid))
    }

    private func existingCandidates() -> [ProcessCandidate] {
        guard !watch.targets.isEmpty else { return [] }
        return ProcessSampler(procfs: procfs).sampleAll().compactMap { sample in
            guard !sample.stat.isZombie, !sample.stat.isKernelThread else { return nil }
            return ProcessCandidate(
                key: sample.key, ppid: sample.stat.ppid, uid: sample.realUID, comm: sample.stat.comm,
                argv: sample.argv, unit: sample.unit)
        }
    }

    // MARK: Ticks

    /// Every second: fork storms.
    public func tick(at now: BootInstant) -> MonitorOutput {
        var output = confirmRestarts(at: now)
        for storm in forkStorms.evaluate(now: now) {
            let forker = forkers[storm.parent].flatMap { $0.comm.isEmpty ? nil : $0 }
            let comm =
                forker?.comm ?? statReader.snapshot(pid: storm.parent.pid, includeArgv: false)?.stat.comm
                ?? UntrustedText(bytes: [])
            let unit = forker.flatMap { units.unit(of: $0) } ?? units.unit(pid: storm.parent.pid)
            guard storm.phase == .started else {
                output.alerts.append(
                    MonitorAlerts.forkStormEnded(storm, comm: comm, unit: unit, clock: clock, at: now))
                continue
            }
            output.forkStorms.append(
                ForkStormRecord(
                    unixNanoseconds: clock.unixNanoseconds(now), parentPID: storm.parent.pid,
                    parentComm: comm,
                    unit: unit, rate: storm.rate, baselineRate: storm.baselineRate,
                    windowSeconds: storm.windowSeconds))
            output.alerts.append(
                MonitorAlerts.forkStorm(storm, comm: comm, unit: unit, clock: clock, at: now))
        }
        return output
    }
}

/// Counters for the summary and the status line.
public struct MonitorStatistics: Sendable, Equatable {
    public var scans: UInt64 = 0
    public var forks: UInt64 = 0
    public var exits: UInt64 = 0
    /// Critical processes found gone without an exit event (lost events, or a polling source).
    public var exitsNotSeen: UInt64 = 0

    public init() {}
}
