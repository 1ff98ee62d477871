/// What a process was using at one moment: the "resource snapshot at death" of an abnormal exit
/// (from the exit event and the last sample), and the unit of monitoring samples. Every field is
/// optional: a process may be gone, or a file unreadable, before it could be read.
public struct ResourceSnapshot: Hashable, Sendable {
    /// When it was read (boot clock).
    public var time: BootInstant
    /// CPU time, user + system.
    public var cpuNanoseconds: UInt64?
    public var residentBytes: UInt64?
    public var virtualBytes: UInt64?
    /// Bytes the process caused to be read from / written to storage (/proc/<pid>/io).
    public var readBytes: UInt64?
    public var writeBytes: UInt64?
    public var threads: Int?
    public var openFiles: Int?

    public init(
        time: BootInstant, cpuNanoseconds: UInt64? = nil, residentBytes: UInt64? = nil,
        virtualBytes: UInt64? = nil,
        readBytes: UInt64? = nil, writeBytes: UInt64? = nil, threads: Int? = nil, openFiles: Int? = nil
    ) {
        self.time = time
        self.cpuNanoseconds = cpuNanoseconds
        self.residentBytes = residentBytes
        self.virtualBytes = virtualBytes
        self.readBytes = readBytes
        self.writeBytes = writeBytes
        self.threads = threads
        self.openFiles = openFiles
    }
}
