import AiopsCore
import AiopsPlatform
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
        Self.limitations(intervalNanoseconds: configuration.intervalNanoseconds)
    }

    /// What polling every `intervalNanoseconds` cannot see, one line each.
    public static func limitations(intervalNanoseconds: UInt64) -> [String] {
        let interval = DurationText.format(seconds: Double(intervalNanoseconds) / 1e9)
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
        PlatformThread.start(named: "aiops-proc-poll") { [self] in
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
