/// The resource fields of /proc/<pid>/status (ProcStatus holds the identity fields). All memory
/// figures are in bytes (the file says kB = KiB). Every field is optional: kernel threads have
/// no Vm* lines, zombies have almost nothing, and older kernels lack RssAnon/RssFile (< 4.5).
public struct ProcStatusResources: Hashable, Sendable {
    /// Resident set: RssAnon + RssFile + RssShmem.
    public var residentBytes: UInt64?
    public var residentAnonymousBytes: UInt64?
    public var residentFileBytes: UInt64?
    public var residentSharedMemoryBytes: UInt64?
    /// Peak resident set ("high water mark").
    public var peakResidentBytes: UInt64?
    public var virtualBytes: UInt64?
    public var peakVirtualBytes: UInt64?
    /// mlock()ed memory, counted against RLIMIT_MEMLOCK.
    public var lockedBytes: UInt64?
    /// Swapped-out anonymous memory (not including shmem swap).
    public var swapBytes: UInt64?
    public var threads: Int?
    /// Times the task gave up the CPU itself (waiting for IO, a lock, sleep)…
    public var voluntaryContextSwitches: UInt64?
    /// …and times it was preempted (CPU contention). Counted for the thread group leader only:
    /// the kernel's status reads the leader's counters, not the sum over threads.
    public var involuntaryContextSwitches: UInt64?
    /// "SigQ: queued/limit": signals queued to the real uid, against RLIMIT_SIGPENDING.
    public var queuedSignals: UInt64?
    public var queuedSignalsLimit: UInt64?

    public init() {}

    public static func parse(_ bytes: [UInt8]) -> ProcStatusResources {
        var result = ProcStatusResources()
        KeyValueLines.forEach(bytes) { name, values in
            if name.spells("VmRSS") {
                result.residentBytes = KeyValueLines.kilobytes(values)
            } else if name.spells("RssAnon") {
                result.residentAnonymousBytes = KeyValueLines.kilobytes(values)
            } else if name.spells("RssFile") {
                result.residentFileBytes = KeyValueLines.kilobytes(values)
            } else if name.spells("RssShmem") {
                result.residentSharedMemoryBytes = KeyValueLines.kilobytes(values)
            } else if name.spells("VmHWM") {
                result.peakResidentBytes = KeyValueLines.kilobytes(values)
            } else if name.spells("VmSize") {
                result.virtualBytes = KeyValueLines.kilobytes(values)
            } else if name.spells("VmPeak") {
                result.peakVirtualBytes = KeyValueLines.kilobytes(values)
            } else if name.spells("VmLck") {
                result.lockedBytes = KeyValueLines.kilobytes(values)
            } else if name.spells("VmSwap") {
                result.swapBytes = KeyValueLines.kilobytes(values)
            } else if name.spells("Threads") {
                result.threads = KeyValueLines.count(values).flatMap { Int(exactly: $0) }
            } else if name.spells("voluntary_ctxt_switches") {
                result.voluntaryContextSwitches = KeyValueLines.count(values)
            } else if name.spells("nonvoluntary_ctxt_switches") {
                result.involuntaryContextSwitches = KeyValueLines.count(values)
            } else if name.spells("SigQ"), values.count == 1 {
                let parts = values[0].split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
                if parts.count == 2, let queued = UInt64(ascii: parts[0]), let limit = UInt64(ascii: parts[1])
                {
                    (result.queuedSignals, result.queuedSignalsLimit) = (queued, limit)
                }
            }
        }
        return result
    }
}
