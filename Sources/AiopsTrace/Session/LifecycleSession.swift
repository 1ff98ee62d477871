import AiopsCore
import AiopsProc
import Dispatch
import Synchronization

/// One run of lifecycle tracing, the same for `trace`, `monitor` and `collect --duration`:
/// opens the source (BPF, else the proc connector, else /proc polling, saying why it fell
/// back), seeds a process table from /proc, chooses exit de-duplication from what the source
/// promises, and delivers every event completed by the table — start time, parent, command
/// line, killer — with duplicate exits left out and counted.
///
/// The consumer awaits `deliveries()`: the source's own bounded queue, nothing in between, so
/// a consumer that falls behind makes the source drop and count, never memory grow. Stopping
/// (`stop()`, or a `SessionStopper` on SIGINT/SIGTERM/--duration) lets what the kernel queued
/// arrive, then ends the stream.
///
/// `table` belongs to the one task that iterates `deliveries()`; everything else may be called
/// from any thread.
public final class LifecycleSession: @unchecked Sendable {
    public let source: any LifecycleSource
    /// Why better backends were passed over (`auto` only), one line each.
    public let fallbackReasons: [String]
    /// What /proc held when the session started: the table's seed, for filters that need it.
    public let seed: [ProcessSnapshot]
    public let table: ProcessTable
    private let batches: EventBatches
    private let stopped = Atomic<Bool>(false)
    private let ticker = Mutex<DispatchHandle?>(nil)

    /// Opens `backend` (see `openLifecycleSource`) and starts delivering. The error says what
    /// failed; the CLI words it (`openLifecycleSession`).
    public convenience init(
        backend: BackendChoice, options: SourceOptions = SourceOptions(),
        reader: ProcessSnapshotReader = ProcessSnapshotReader()
    ) throws(LifecycleSourceError) {
        let opened = try openLifecycleSource(backend, options: options)
        self.init(opened: opened, reader: reader)
    }

    /// Over a source already open (tests give their own).
    public init(opened: OpenedSource, reader: ProcessSnapshotReader = ProcessSnapshotReader()) {
        source = opened.source
        fallbackReasons = opened.fallbackReasons
        let table = ProcessTable()
        // Exits the kernel reports exactly once need no duplicate check (a per-exit cost); every
        // other source's duplicates are dropped here, for every command alike.
        table.deduplicatesExits = !opened.source.reportsEachExitOnce
        // Seeded at once, after the source is attached: a process born in between is both
        // seeded and seen, never missed; and one that is killed and reaped before the consumer
        // starts still has its record, so its exit gets its killer and command line.
        seed = reader.all()
        table.seed(seed)
        self.table = table
        batches = opened.source.start()
    }

    public var backend: EventSource { source.backend }
    public var limitations: [String] { source.limitations }

    /// The stderr line for a fallback (one wording for every command), nil without one.
    public var fallbackBanner: String? {
        OpenedSource(source: source, fallbackReasons: fallbackReasons).fallbackBanner
    }

    /// Events completed by the table, batch by batch, and notices in order with them. Iterate
    /// once, from one task.
    public func deliveries() -> SessionDeliveries {
        SessionDeliveries(session: self, inner: batches.makeAsyncIterator())
    }

    /// Ends the session: what is queued is still delivered, then the stream ends. Any thread,
    /// any number of times.
    public func stop() {
        stopped.store(true, ordering: .relaxed)
        source.stop()
    }

    public var stopRequested: Bool { stopped.load(ordering: .relaxed) }

    /// Puts `notice` in the stream after the events already queued.
    public func post(_ notice: SessionNotice) { batches.post(notice) }

    /// A `.tick` notice every second until the stream ends. On Dispatch, not on the Swift pool,
    /// so a busy consumer cannot delay the clock that drives it.
    public func startTicking() {
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + .seconds(1), repeating: .seconds(1), leeway: .milliseconds(100))
        timer.setEventHandler { [batches] in batches.post(.tick) }
        timer.resume()
        ticker.withLock { $0 = DispatchHandle(source: timer) }
    }

    fileprivate func streamEnded() {
        ticker.withLock { timer in
            timer?.cancel()
            timer = nil
        }
    }

    /// What the source lost or could not decode, final once the stream has ended.
    public func statistics() -> SourceStatistics { source.statistics() }
}

/// One thing a session delivers.
public enum SessionDelivery: Sendable {
    /// Events completed by the process table (duplicate exits already left out).
    case events([LifecycleEvent])
    case notice(SessionNotice)
}

/// The stream of a `LifecycleSession`.
public struct SessionDeliveries: AsyncSequence, AsyncIteratorProtocol {
    public typealias Element = SessionDelivery
    let session: LifecycleSession
    var inner: EventBatches.AsyncIterator

    public func makeAsyncIterator() -> SessionDeliveries { self }

    public mutating func next() async -> SessionDelivery? {
        guard let item = await inner.nextItem() else {
            session.streamEnded()
            return nil
        }
        switch item {
        case .notice(let notice):
            return .notice(notice)
        case .events(var batch):
            // In place: the batch is ours alone, so completing it copies nothing.
            let table = session.table
            var kept = 0
            for index in batch.indices {
                guard let event = table.apply(batch[index]) else { continue }
                batch[kept] = event
                kept += 1
            }
            batch.removeSubrange(kept...)
            return .events(batch)
        }
    }
}
