import AiopsCore
import AiopsPlatform
import AiopsProc
import CAiopsLinux
import Synchronization

/// Lifecycle events from the netlink proc connector: the fallback when BPF cannot be used.
/// Works without privileges on recent kernels. Sees forks, execs and exit codes of every
/// process, but not signals, and reads names and argv from /proc after the fact.
public final class ProcConnectorSource: LifecycleSource, @unchecked Sendable {
    public struct Configuration: Sendable {
        public var receiveBufferBytes: Int32 = 8 << 20
        public var emitThreads = false
        /// Longest wait for the next event, which bounds how late a stop is noticed.
        public var readTimeoutMilliseconds: Int32 = 50
        /// How often the /proc cross-check for unseen exits runs.
        public var reconcileIntervalNanoseconds: UInt64 = 5_000_000_000
        public var queueCapacity = 100_000
        public var procfs = ProcFS()

        public init() {}
    }

    public let backend = EventSource.procConnector
    /// An exit recovered by a /proc cross-check can race the late real one.
    public let reportsEachExitOnce = false
    public var limitations: [String] { Self.limitations }

    /// What the proc connector cannot see, one line each.
    public static let limitations = [
        "no signal events: who sent a kill is unknown",
        "argv and names are read from /proc after exec: missing for processes that exit within ~1 ms",
        "overruns lose an unknown number of events: exits are recovered by a /proc cross-check, with unknown status",
    ]

    private let configuration: Configuration
    private let fd: Int32
    private let queue: EventQueue
    private let stopRequested = Atomic<Bool>(false)
    private let counters = Mutex(SourceStatistics())
    private let started = Atomic<Bool>(false)
    /// Built and seeded at subscription; owned by the reader thread once started.
    private var seededTranslator: ConnectorTranslator?

    /// Subscribes: events are recorded from the moment this returns.
    public init(configuration: Configuration = Configuration()) throws(ProcConnectorError) {
        self.configuration = configuration
        self.queue = EventQueue(capacity: configuration.queueCapacity)
        let result = aiops_cn_open(configuration.receiveBufferBytes)
        guard result >= 0 else { throw ProcConnectorError(errorNumber: -result) }
        fd = result
        // Count threads now, right after subscribing: thread events already queued are then
        // recognised by their time stamps (see ConnectorTranslator) instead of counted twice.
        let cgroups = CgroupHierarchy(procfs: configuration.procfs)
        var translator = ConnectorTranslator(
            lookup: ProcLookup(procfs: configuration.procfs, cgroups: cgroups),
            emitThreads: configuration.emitThreads, monotonicToBoot: monotonicToBootOffset())
        translator.seed(pids: configuration.procfs.pids())
        self.seededTranslator = translator
    }

    deinit {
        if !started.load(ordering: .relaxed) { aiops_cn_close(fd) }
    }

    public func start() -> EventBatches {
        precondition(!started.exchange(true, ordering: .relaxed), "start() called twice")
        let batches = queue.batches
        PlatformThread.start(named: "aiops-cn-reader") { [self] in
            runReader()
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

    private func runReader() {
        guard var translator = seededTranslator else { return }
        seededTranslator = nil

        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var raw = [aiops_cn_event](repeating: aiops_cn_event(), count: 256)
        var batch: [LifecycleEvent] = []
        var lastFlush = BootInstant.now()
        var lastReconcile = lastFlush
        var lastSuspectCheck: UInt64 = 0
        var overrunPending = false

        while true {
            let stopping = stopRequested.load(ordering: .relaxed)
            let length = receive(
                into: &buffer, events: &raw, translator: &translator, batch: &batch,
                timeout: stopping ? 0 : configuration.readTimeoutMilliseconds)
            if length == -105 { overrunPending = true }  // ENOBUFS: events are gone
            // The socket is empty: look at suspected ends, and report ends found a while ago
            // (their last exit events have all been read by now). A socket that is never empty
            // gets the suspects looked at every 100 ms.
            let monotonicNow = monotonicNanoseconds()
            if length == 0 || monotonicNow &- lastSuspectCheck >= 100_000_000 {
                translator.checkSuspects(now: monotonicNow)
                lastSuspectCheck = monotonicNow
                if length == 0 { batch += translator.flushEnded(drainedAt: monotonicNow) }
            }

            let now = BootInstant.now()
            if overrunPending
                || now.nanoseconds &- lastReconcile.nanoseconds >= configuration.reconcileIntervalNanoseconds
            {
                // Scan first, then drain what the socket holds, then judge: see reconcile().
                // Draining goes on past an overrun (more may be queued behind it), and stops
                // when the socket is empty or, under a storm that never empties it, after a bound.
                let scannedAt = translator.sequence
                let live = Set(configuration.procfs.pids())
                var emptied = false
                for _ in 0..<100_000 {
                    let drained = receive(
                        into: &buffer, events: &raw, translator: &translator, batch: &batch, timeout: 0)
                    if drained == 0 { emptied = true }
                    if drained == 0 || (drained < 0 && drained != -105) { break }
                }
                // Only an emptied socket says the reader has caught up with the present.
                if emptied { batch += translator.flushEnded(drainedAt: monotonicNanoseconds()) }
                translator.reconcile(livePIDs: live, scannedAt: scannedAt, now: now)
                lastReconcile = now
                overrunPending = false
            }
            // Stopping with the socket drained: ends still in their grace are reported now, as
            // they stand (a process missing from /proc whose exit event never came: status unknown).
            if stopping && length <= 0 { batch += translator.flushEnded(drainedAt: .max) }
            // Hand over in batches: at most every 50 ms, or when the batch is large.
            if batch.count >= 4096 || now.nanoseconds &- lastFlush.nanoseconds >= 50_000_000
                || (stopping && length <= 0)
            {
                deliver(&batch)
                lastFlush = now
            }
            if stopping && length <= 0 { break }
        }
        aiops_cn_close(fd)
        queue.finish()
    }

    /// Receives one datagram and translates its events into `batch`. Returns the datagram's
    /// length, 0 on timeout, or -errno; counts overruns.
    private func receive(
        into buffer: inout [UInt8], events raw: inout [aiops_cn_event], translator: inout ConnectorTranslator,
        batch: inout [LifecycleEvent], timeout: Int32
    ) -> Int32 {
        let length = buffer.withUnsafeMutableBytes { bytes in
            aiops_cn_receive(fd, bytes.baseAddress, bytes.count, timeout)
        }
        if length == -105 {
            counters.withLock { $0.kernelOverruns += 1 }
        } else if length > 0 {
            let count = buffer.withUnsafeBytes { bytes in
                raw.withUnsafeMutableBufferPointer { events in
                    aiops_cn_parse(bytes.baseAddress, Int(length), events.baseAddress, Int32(events.count))
                }
            }
            for index in 0..<Int(count) {
                if let event = translator.translate(raw[index]) { batch.append(event) }
            }
            batch += translator.flushEnded()
        }
        return length
    }

    private func deliver(_ batch: inout [LifecycleEvent]) {
        guard !batch.isEmpty else { return }
        counters.withLock { statistics in
            for event in batch { statistics.received[event.kind] += 1 }
        }
        queue.push(batch)
        batch.removeAll(keepingCapacity: true)
    }
}
