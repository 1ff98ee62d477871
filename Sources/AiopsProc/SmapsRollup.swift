/// /proc/<pid>/smaps_rollup (Linux 4.14+): the sum of smaps over every mapping. It is the only
/// place that gives PSS — resident memory with shared pages divided among the processes sharing
/// them, so the PSS of all processes adds up to the memory actually used — and SwapPss.
/// Reading it walks every mapping of the process under its mmap lock: cheap for ordinary
/// processes, but it is read once per sample, not in a tight loop. Values in bytes.
public struct SmapsRollup: Hashable, Sendable {
    public var residentBytes: UInt64?
    public var proportionalBytes: UInt64?
    public var proportionalAnonymousBytes: UInt64?
    public var proportionalFileBytes: UInt64?
    public var proportionalSharedMemoryBytes: UInt64?
    public var sharedCleanBytes: UInt64?
    public var sharedDirtyBytes: UInt64?
    public var privateCleanBytes: UInt64?
    public var privateDirtyBytes: UInt64?
    public var anonymousBytes: UInt64?
    public var swapBytes: UInt64?
    /// Swap with shared swapped pages divided among their sharers.
    public var proportionalSwapBytes: UInt64?
    public var lockedBytes: UInt64?

    public init() {}

    /// nil when no field at all was recognised: a zombie's (or kernel thread's) smaps_rollup is
    /// empty, and a value of "0 kB everywhere" must not be invented for it.
    public static func parse(_ bytes: [UInt8]) -> SmapsRollup? {
        var result = SmapsRollup()
        var recognised = false
        // The first line is the address-range header ("5586…-7ffe… ---p 00000000 00:00 0 [rollup]");
        // its text before the first ':' names no field, so it falls through.
        KeyValueLines.forEach(bytes) { name, values in
            guard let value = KeyValueLines.kilobytes(values) else { return }
            let field: WritableKeyPath<SmapsRollup, UInt64?>
            if name.spells("Rss") {
                field = \.residentBytes
            } else if name.spells("Pss") {
                field = \.proportionalBytes
            } else if name.spells("Pss_Anon") {
                field = \.proportionalAnonymousBytes
            } else if name.spells("Pss_File") {
                field = \.proportionalFileBytes
            } else if name.spells("Pss_Shmem") {
                field = \.proportionalSharedMemoryBytes
            } else if name.spells("Shared_Clean") {
                field = \.sharedCleanBytes
            } else if name.spells("Shared_Dirty") {
                field = \.sharedDirtyBytes
            } else if name.spells("Private_Clean") {
                field = \.privateCleanBytes
            } else if name.spells("Private_Dirty") {
                field = \.privateDirtyBytes
            } else if name.spells("Anonymous") {
                field = \.anonymousBytes
            } else if name.spells("Swap") {
                field = \.swapBytes
            } else if name.spells("SwapPss") {
                field = \.proportionalSwapBytes
            } else if name.spells("Locked") {
                field = \.lockedBytes
            } else {
                return
            }
            result[keyPath: field] = value
            recognised = true
        }
        return recognised ? result : nil
    }
}
