import AiopsCore
import AiopsPlatform
import CAiopsBPF
import Synchronization

/// Lifecycle events from the BPF programs in bpf/lifecycle.bpf.c, drained from the ring buffer
/// on a dedicated thread.
public final class BPFLifecycleSource: LifecycleSource, @unchecked Sendable {
    public struct Configuration: Sendable {
        /// Ring buffer size; a power of two. 4 MiB holds more than a second of the fastest
        /// process storm these machines can produce.
        public var ringBytes: UInt32 = 4 << 20
        /// The programs wake the reader only past this fill level; below it the reader polls.
        /// Waking per record costs 5–10 µs per event; polling costs nothing per event.
        public var wakeupBytes: UInt32 = 512 << 10
        /// How long the reader sleeps between drains when nobody wakes it (latency of output).
        public var pollIntervalMilliseconds: Int32 = 100
        public var emitThreads = false
        public var emitSIGCHLD = false
        /// Events allowed to wait between the reader and the consumer before batches are dropped:
        /// about 2.5 s of the fastest storm here, and a bound on memory (≈250 bytes an event).
        public var queueCapacity = 100_000

        public init() {}
    }

    public let backend = EventSource.bpf
    public var limitations: [String] { [] }
    /// The group_dead argument is exact; reading signal->live may report a racing pair twice.
    public var reportsEachExitOnce: Bool { exitVariant == "group_dead" }
    /// Which exit program the kernel got: "group_dead" (exact) or "signal_live" (older kernels).
    public let exitVariant: String

    private let configuration: Configuration
    private let tracer: Mutex<OpaquePointer?>
    private let drain: Drain
    private let queue: EventQueue
    private let stopRequested = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)
    private let finalKernelDrops = Mutex<KindCounts?>(nil)

    /// Loads and attaches the programs: events are recorded from the moment this returns.
    public init(configuration: Configuration = Configuration()) throws(BPFLoadError) {
        self.configuration = configuration
        self.queue = EventQueue(capacity: configuration.queueCapacity)
        self.drain = Drain()
        drain.queue = queue

        var config = aiops_bpf_config(
            ring_bytes: configuration.ringBytes, wakeup_bytes: configuration.wakeupBytes,
            emit_threads: configuration.emitThreads, emit_sigchld: configuration.emitSIGCHLD)
        var handle: OpaquePointer?
        var error = aiops_bpf_error()
        let context = Unmanaged.passUnretained(drain).toOpaque()
        let result = aiops_bpf_tracer_open(&config, onRecord, context, &handle, &error)
        guard result == 0, let handle else { throw BPFLoadError(error) }
        self.exitVariant = String(cString: aiops_bpf_tracer_exit_variant(handle))
        self.tracer = Mutex(handle)
    }

    deinit {
        // Only reached without start() or after the reader closed the tracer.
        tracer.withLock { handle in
            if let handle { aiops_bpf_tracer_close(handle) }
            handle = nil
        }
    }

    public func start() -> EventBatches {
        precondition(!started.exchange(true, ordering: .relaxed), "start() called twice")
        let batches = queue.batches
        PlatformThread.start(named: "aiops-bpf-drain") { [self] in
            runDrainLoop()
        }
        return batches
    }

    public func stop() {
        stopRequested.store(true, ordering: .relaxed)
    }

    public func statistics() -> SourceStatistics {
        var statistics = SourceStatistics()
        statistics.received = drain.received
        statistics.malformed = drain.malformed
        statistics.streamDropped = queue.dropped
        statistics.kernelDropped = finalKernelDrops.withLock { $0 } ?? readKernelDrops()
        statistics.readErrors = drain.readErrors.load(ordering: .relaxed)
        return statistics
    }

    private func runDrainLoop() {
        while true {
            let stopping = stopRequested.load(ordering: .relaxed)
            // A final drain after the stop request: nothing the kernel queued is left behind.
            let timeout = stopping ? 0 : configuration.pollIntervalMilliseconds
            // Only this thread closes the handle, so it polls without holding the lock: readers of
            // the drop counters never wait for a poll.
            let handle = tracer.withLock { $0 }
            let polled = handle.map { aiops_bpf_tracer_poll($0, timeout) } ?? 0
            // Negative: a failed read (the C side already passes over EINTR).
            if polled < 0 { drain.readErrors.add(1, ordering: .relaxed) }
            queue.push(drain.takeBatch())
            if stopping { break }
        }
        let drops = readKernelDrops()
        finalKernelDrops.withLock { $0 = drops }
        tracer.withLock { handle in
            if let handle { aiops_bpf_tracer_close(handle) }
            handle = nil
        }
        queue.finish()
    }

    private func readKernelDrops() -> KindCounts {
        tracer.withLock { handle -> KindCounts in
            guard let handle else { return KindCounts() }
            var counts = [UInt64](repeating: 0, count: Int(AIOPS_EVENT_KIND_MAX.rawValue))
            let result = counts.withUnsafeMutableBufferPointer {
                aiops_bpf_tracer_drops(handle, $0.baseAddress)
            }
            guard result == 0 else {
                drain.readErrors.add(1, ordering: .relaxed)
                return KindCounts()
            }
            var drops = KindCounts()
            for (index, count) in counts.enumerated() {
                if let kind = LifecycleEventKind(bpfKind: UInt32(index)) { drops[kind] = count }
            }
            return drops
        }
    }
}

/// Decoding state owned by the reader thread; the counters are read from other threads.
private final class Drain: @unchecked Sendable {
    private var batch: [LifecycleEvent] = []
    private let counts = Mutex<(received: KindCounts, malformed: UInt64)>((KindCounts(), 0))
    /// Failed polls and failed drop-counter reads.
    let readErrors = Atomic<UInt64>(0)

    /// Where full batches go while a drain is still running.
    var queue: EventQueue?

    func receive(_ data: UnsafeRawPointer, size: Int) {
        if let event = BPFRecordDecoder.decode(data, size: size) {
            batch.append(event)
            // Hand over in pieces: a burst drained in one poll must not sit in one huge array.
            if batch.count >= 1024, let queue { queue.push(takeBatch()) }
        } else {
            counts.withLock { $0.malformed += 1 }
        }
    }

    func takeBatch() -> [LifecycleEvent] {
        let taken = batch
        batch = []
        batch.reserveCapacity(taken.count)
        if !taken.isEmpty {
            counts.withLock { state in
                for event in taken { state.received[event.kind] += 1 }
            }
        }
        return taken
    }

    var received: KindCounts { counts.withLock { $0.received } }
    var malformed: UInt64 { counts.withLock { $0.malformed } }
}

/// Called by libbpf for each record, on the reader thread inside aiops_bpf_tracer_poll.
private let onRecord: aiops_bpf_event_fn = { context, data, size in
    guard let context, let data else { return 0 }
    Unmanaged<Drain>.fromOpaque(context).takeUnretainedValue().receive(data, size: size)
    return 0
}
