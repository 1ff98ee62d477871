/// /proc/<pid>/io: IO counters of the whole thread group (threads that exited included).
///
/// Only readable with ptrace access to the process (same user and not dumpable-protected, or
/// CAP_SYS_PTRACE): for another user's process the read fails with EACCES, which the report
/// shows as "unavailable (permission)" — never as zero IO.
public struct ProcIO: Hashable, Sendable {
    /// Bytes passed to read-like / write-like syscalls (page cache hits, pipes, sockets and ttys
    /// included): what the program asked for.
    public var readCharacters: UInt64
    public var writtenCharacters: UInt64
    /// read-like / write-like syscalls.
    public var readSyscalls: UInt64
    public var writeSyscalls: UInt64
    /// Bytes the process caused to be fetched from / sent towards the storage layer: what the
    /// disks saw (block-device level; cached reads do not count).
    public var storageReadBytes: UInt64
    public var storageWriteBytes: UInt64
    /// Written bytes that never reached storage after all (a file truncated or deleted while
    /// its pages were still dirty).
    public var cancelledWriteBytes: UInt64

    public init(
        readCharacters: UInt64, writtenCharacters: UInt64, readSyscalls: UInt64, writeSyscalls: UInt64,
        storageReadBytes: UInt64, storageWriteBytes: UInt64, cancelledWriteBytes: UInt64
    ) {
        self.readCharacters = readCharacters
        self.writtenCharacters = writtenCharacters
        self.readSyscalls = readSyscalls
        self.writeSyscalls = writeSyscalls
        self.storageReadBytes = storageReadBytes
        self.storageWriteBytes = storageWriteBytes
        self.cancelledWriteBytes = cancelledWriteBytes
    }

    /// nil unless all seven counters are present: a partial file is a truncated read, and a
    /// missing counter must not turn into a zero rate.
    public static func parse(_ bytes: [UInt8]) -> ProcIO? {
        var values: [UInt64?] = Array(repeating: nil, count: 7)
        let names: [StaticString] = [
            "rchar", "wchar", "syscr", "syscw", "read_bytes", "write_bytes", "cancelled_write_bytes",
        ]
        KeyValueLines.forEach(bytes) { name, fields in
            guard let index = names.firstIndex(where: { name.spells($0) }) else { return }
            values[index] = KeyValueLines.count(fields)
        }
        guard let r = values[0], let w = values[1], let sr = values[2], let sw = values[3],
            let rb = values[4], let wb = values[5], let cancelled = values[6]
        else { return nil }
        return ProcIO(
            readCharacters: r, writtenCharacters: w, readSyscalls: sr, writeSyscalls: sw,
            storageReadBytes: rb, storageWriteBytes: wb, cancelledWriteBytes: cancelled)
    }
}
