#if canImport(Glibc)
    import Glibc
#endif

/// Lists a directory: the one place aiops calls `readdir`.
///
/// Why it exists: a `readdir` record is `d_reclen` bytes long, not `sizeof(struct dirent)`. Swift's
/// `entry.pointee.d_name` copies all 256 bytes of the name array out of a record that may end
/// after a few of them; at the end of glibc's directory buffer that read faults (the monitor
/// died of SIGSEGV scanning /proc). Here every field is read in place through a raw pointer, and
/// the name only up to its NUL within `d_reclen`.
public enum DirectoryListing {
    /// What the body wants after an entry.
    public enum Step: Sendable {
        case next
        case stop
    }

    /// Calls `body` with each entry of `path` except "." and "..", in the order the file system
    /// returns them, until it answers `.stop`. An entry is valid only during its call.
    @discardableResult
    public static func forEachEntry(
        in path: String, _ body: (DirectoryEntry) throws(Never) -> Step
    ) -> Result<Void, DirectoryListingError> {
        guard let directory = opendir(path) else {
            return .failure(DirectoryListingError(stage: .opening, errno: errno))
        }
        defer { closedir(directory) }
        while true {
            errno = 0
            guard let record = readdir(directory) else {
                // NULL is both the end and an error; only errno tells them apart.
                let number = errno
                return number == 0
                    ? .success(()) : .failure(DirectoryListingError(stage: .reading, errno: number))
            }
            let entry = DirectoryEntry(record: UnsafeRawPointer(record))
            if entry.isDotOrDotDot { continue }
            if body(entry) == .stop { return .success(()) }
        }
    }

    /// Every entry of `path` except "." and "..", copied out.
    public static func entries(in path: String) -> Result<[DirectoryEntry.Copy], DirectoryListingError> {
        var found: [DirectoryEntry.Copy] = []
        return forEachEntry(in: path) { entry in
            found.append(entry.copy())
            return .next
        }.map { found }
    }
}

/// One `readdir` record, read in place. Its `nameBytes` point into glibc's directory buffer: do
/// not keep them past the call that handed the entry over (take `name` or `copy()` instead).
public struct DirectoryEntry {
    /// The name, without its NUL: any bytes but "/" and NUL (not necessarily UTF-8).
    public let nameBytes: UnsafeRawBufferPointer
    /// `d_type`: DT_DIR, DT_REG, DT_LNK…, or DT_UNKNOWN where the file system does not say.
    public let type: UInt8
    /// `d_ino` (on cgroup2's kernfs, the cgroup id).
    public let inode: UInt64

    /// The fields of a record at `record`, reading no byte past its `d_reclen`.
    init(record: UnsafeRawPointer) {
        let reclen = Int(record.loadUnaligned(fromByteOffset: Self.reclenOffset, as: UInt16.self))
        let nameStart = record + Self.nameOffset
        let room = max(reclen - Self.nameOffset, 0)
        let length = strnlen(nameStart.assumingMemoryBound(to: CChar.self), room)
        nameBytes = UnsafeRawBufferPointer(start: nameStart, count: length)
        type = record.loadUnaligned(fromByteOffset: Self.typeOffset, as: UInt8.self)
        inode = UInt64(record.loadUnaligned(fromByteOffset: Self.inodeOffset, as: ino_t.self))
    }

    static let reclenOffset = MemoryLayout<dirent>.offset(of: \dirent.d_reclen)!
    static let typeOffset = MemoryLayout<dirent>.offset(of: \dirent.d_type)!
    static let inodeOffset = MemoryLayout<dirent>.offset(of: \dirent.d_ino)!
    static let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!

    public var isDirectory: Bool { type == UInt8(DT_DIR) }

    /// The name as text (invalid UTF-8 repaired with U+FFFD, as `String(decoding:)` does).
    public var name: String { String(decoding: nameBytes, as: UTF8.self) }

    /// The name as a non-negative decimal number (a pid, a tid, a descriptor), if it is one.
    public var decimalValue: Int32? {
        guard !nameBytes.isEmpty, nameBytes.count <= 9 else { return nil }
        var value: Int32 = 0
        for byte in nameBytes {
            guard byte >= 48 && byte <= 57 else { return nil }
            value = value * 10 + Int32(byte - 48)
        }
        return value
    }

    var isDotOrDotDot: Bool {
        (nameBytes.count == 1 && nameBytes[0] == 46)
            || (nameBytes.count == 2 && nameBytes[0] == 46 && nameBytes[1] == 46)
    }

    /// The entry with its name copied: safe to keep.
    public func copy() -> Copy {
        Copy(nameBytes: Array(nameBytes), type: type, inode: inode)
    }

    /// An entry that owns its name.
    public struct Copy: Hashable, Sendable {
        public var nameBytes: [UInt8]
        public var type: UInt8
        public var inode: UInt64

        public var isDirectory: Bool { type == UInt8(DT_DIR) }
        public var name: String { String(decoding: nameBytes, as: UTF8.self) }
    }
}

/// A directory that could not be listed, with the errno that said why.
public struct DirectoryListingError: Error, Equatable, Sendable {
    public enum Stage: Sendable {
        /// `opendir` failed: nothing was listed.
        case opening
        /// `readdir` failed part-way: the entries before it were handed over.
        case reading
    }

    public enum Reason: Sendable, Equatable {
        /// ENOENT or ESRCH: the directory (or the process it belonged to) is gone.
        case notFound
        /// EACCES or EPERM.
        case permissionDenied
        /// ENOTDIR.
        case notADirectory
        case other
    }

    public let stage: Stage
    public let errno: Int32

    public init(stage: Stage, errno: Int32) {
        self.stage = stage
        self.errno = errno
    }

    public var reason: Reason {
        switch errno {
        case ENOENT, ESRCH: return .notFound
        case EACCES, EPERM: return .permissionDenied
        case ENOTDIR: return .notADirectory
        default: return .other
        }
    }
}
