import AiopsCore
import AiopsProc
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Lifecycle events inferred by scanning /proc: the last resort, when neither BPF nor the proc
/// connector is available. It only sees what lives across a scan: a process that lives 1 ms is
/// seen by a 250 ms poll about 0.4% of the time. Exit statuses are known only for processes
/// caught as zombies; event times are when a change was noticed.
public final class ProcPollSource: LifecycleSource, @unchecked Sendable {
    public struct Configuration: Sendable {
        public var intervalNanoseconds: UInt64 = 250_000_000
        public var queueCapacity = 100_000
        public var procfs = ProcFS()

        public init() {}
    }

    public let backend = EventSource.procPoll
    public let reportsEachExitOnce = true
    public var limitations: [String] {
        let interval = DurationText.format(seconds: Double(configuration.intervalNanoseconds) / 1e9)
        return [
            "processes that live less than the \(interval) poll interval are not seen at all",
            "no signal events; exit status only for processes caught as zombies",
            "times are when a scan noticed the change, not when it happened",
        ]
    }

    private let configuration: Configuration
    private let queue: EventQueue
    private let stopRequested = Atomic<Bool>(false)
    private let counters = Mutex(SourceStatistics())
    private var differ: ProcScanDiffer

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.queue = EventQueue(capacity: configuration.queueCapacity)
        let cgroups = CgroupHierarchy(procfs: configuration.procfs)
        self.differ = ProcScanDiffer(lookup: ProcLookup(procfs: configuration.procfs, cgroups: cgroups))
        // The first scan is the baseline: what exists now is not an event.
        _ = differ.scan(ProcessSnapshotReader(procfs: configuration.procfs).allStats(), at: BootInstant.now())
    }

    public func start() -> EventBatches {
        let batches = queue.batches
        startBackgroundThread(named: "aiops-proc-poll") { [self] in
            runScanner()
        }
        return batches
    }

    public func stop() {
        stopRequested.store(true, ordering: .relaxed)
    }

    public func statistics() -> SourceStatistics {
        var statistics = counters.withLock { $0 }
        statistics.streamDropped = queue.dropped
        return statistics
    }

    private func runScanner() {
        let reader = ProcessSnapshotReader(procfs: configuration.procfs)
        var next = BootInstant.now().nanoseconds &+ configuration.intervalNanoseconds
        while !stopRequested.load(ordering: .relaxed) {
            let now = BootInstant.now().nanoseconds
            if now < next {
                // Sleep in short steps so a stop is noticed quickly.
                var pause = timespec(tv_sec: 0, tv_nsec: Int(min(next - now, 20_000_000)))
                nanosleep(&pause, nil)
                continue
            }
            next = now &+ configuration.intervalNanoseconds
            let batch = differ.scan(reader.allStats(), at: BootInstant.now())
            guard !batch.isEmpty else { continue }
            counters.withLock { statistics in
                for event in batch { statistics.received[event.kind] += 1 }
            }
            queue.push(batch)
        }
        queue.finish()
    }
}

/// Compares successive /proc scans and describes the differences as lifecycle events.
struct ProcScanDiffer {
    let lookup: ProcLookup
    private var known: [Int32: ProcStat] = [:]
    /// Zombies already reported as exits (by identity), so their disappearance is not reported again.
    private var reportedZombies: Set<ProcessKey> = []

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
            if reportedZombies.remove(old.key) == nil {
                events.append(exitEvent(old, status: nil, time: time))
            }
        }
        for stat in stats {
            let old = known[stat.pid]
            if old?.startTicks != stat.startTicks {
                events += appeared(stat, parent: current[stat.ppid] ?? known[stat.ppid], time: time)
            } else if let old, old.comm != stat.comm, !stat.isZombie {
                events.append(execEvent(stat, time: time))
            }
            if stat.isZombie, !reportedZombies.contains(stat.key) {
                reportedZombies.insert(stat.key)
                events.append(
                    exitEvent(stat, status: stat.exitCode.map(ExitStatus.init(waitStatus:)), time: time))
            }
        }
        return events
    }

    /// A new process: a fork from its parent, and an exec if it no longer runs the parent's program.
    private func appeared(_ stat: ProcStat, parent: ProcStat?, time: BootInstant) -> [LifecycleEvent] {
        let parentProcess = EventProcess(
            pid: stat.ppid, tid: stat.ppid, ppid: parent?.ppid, uid: nil,
            comm: parent?.comm ?? UntrustedText(bytes: []), start: parent?.start)
        let fork = LifecycleEvent(
            time: time, source: .procPoll, process: parentProcess,
            payload: .fork(
                ForkDetails(childPID: stat.pid, childTID: stat.pid, childStart: stat.start, isThread: false)))
        guard !stat.isKernelThread, parent?.comm != stat.comm else { return [fork] }
        return [fork, execEvent(stat, time: time)]
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
