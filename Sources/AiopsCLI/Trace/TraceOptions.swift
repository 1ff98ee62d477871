import AiopsCore
import AiopsTrace

/// `aiops trace`'s options, parsed and validated.
struct TraceOptions {
    var durationNanoseconds: UInt64?
    var pid: Int32?
    var comm: String?
    /// A validated, full unit name.
    var unit: String?
    var kinds = Set(LifecycleEventKind.allCases)
    var onlyFailedExits = false
    var includeThreads = false
    var includeSIGCHLD = false
    var backend = BackendChoice.auto
    var json = false
    var pollIntervalNanoseconds: UInt64 = 250_000_000
    var ringBytes: UInt32?
}
