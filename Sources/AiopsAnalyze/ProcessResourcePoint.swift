import AiopsCore

/// One sample of one process's resources, as the monitor reads them from /proc. Counters are
/// cumulative (the detector derives rates from consecutive samples); any field may be unknown
/// (a process whose /proc/<pid>/io is not readable, one that exited mid-read).
public struct ProcessResourcePoint: Hashable, Sendable {
    public var key: ProcessKey
    /// When it was read (boot clock).
    public var time: BootInstant
    /// CPU time, user + system, cumulative.
    public var cpuNanoseconds: UInt64
    public var residentBytes: UInt64?
    /// Storage bytes read + written (/proc/<pid>/io read_bytes + write_bytes), cumulative.
    public var ioBytes: UInt64?
    public var openFiles: Int?
    public var threads: Int?

    public init(
        key: ProcessKey, time: BootInstant, cpuNanoseconds: UInt64, residentBytes: UInt64? = nil,
        ioBytes: UInt64? = nil, openFiles: Int? = nil, threads: Int? = nil
    ) {
        self.key = key
        self.time = time
        self.cpuNanoseconds = cpuNanoseconds
        self.residentBytes = residentBytes
        self.ioBytes = ioBytes
        self.openFiles = openFiles
        self.threads = threads
    }
}
