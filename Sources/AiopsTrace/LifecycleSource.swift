import AiopsCore

/// Where lifecycle events come from: BPF, the proc connector or /proc polling. Every source
/// produces the same `LifecycleEvent`s; what differs is what it can see (`limitations`) and
/// what it may have lost (`statistics()`).
public protocol LifecycleSource: AnyObject, Sendable {
    var backend: EventSource { get }

    /// What this source cannot see, in one line each, for the banner and the summary.
    var limitations: [String] { get }

    /// Starts delivering events in batches. Call once.
    func start() -> EventBatches

    /// Asks the source to stop: what the kernel already queued is still delivered, then the
    /// stream ends. Safe to call from any thread, more than once.
    func stop()

    /// Counters so far; final once the stream has ended.
    func statistics() -> SourceStatistics

    /// True when the source never reports the same process's exit twice.
    var reportsEachExitOnce: Bool { get }
}

/// Losses and volumes of one source, per layer, so a report can say what it may have missed.
public struct SourceStatistics: Sendable, Equatable {
    /// Events read from the kernel (or /proc), per kind, before any queue drop.
    public var received = KindCounts()
    /// Events lost in the kernel, per kind (BPF: failed ring-buffer writes).
    public var kernelDropped = KindCounts()
    /// Times the kernel reported an overrun of unknown size (proc connector: ENOBUFS).
    public var kernelOverruns: UInt64 = 0
    /// Events dropped between the reader thread and the consumer (queue full).
    public var streamDropped: UInt64 = 0
    /// Records that could not be decoded (size or kind wrong): counted, never guessed at.
    public var malformed: UInt64 = 0
    /// Reads of the kernel that failed (a ring-buffer poll other than EINTR, the drop counters):
    /// the counts above may then be short, so a report that had any is not complete.
    public var readErrors: UInt64 = 0

    public init() {}

    public var totalKernelDropped: UInt64 { kernelDropped.total }
    public var totalReceived: UInt64 { received.total }
}
