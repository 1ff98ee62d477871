import AiopsCore
import AiopsPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// Reads files under /proc as bytes. The root is relocatable so parsers and readers run on
/// fixtures captured from other systems.
///
/// A process may vanish between listing /proc and reading its files: ENOENT and ESRCH mean
/// "gone", which callers treat as a normal outcome, not an error.
public struct ProcFS: Sendable {
    public let root: String

    public init(root: String = "/proc") {
        self.root = root
    }

    public enum ReadResult: Equatable, Sendable {
        /// The file's bytes, at most `limit`; `truncated` when the file was longer.
        case bytes([UInt8], truncated: Bool)
        /// The process (or file) is gone.
        case gone
        /// Not readable by this user (e.g. another user's environ, or hidepid=).
        case denied
        case failed(errno: Int32)

        public var bytes: [UInt8]? {
            if case .bytes(let bytes, _) = self { return bytes }
            return nil
        }
    }

    /// Reads `relativePath` (e.g. "1234/stat") up to `limit` bytes.
    public func read(_ relativePath: String, limit: Int = 16 * 1024) -> ReadResult {
        let fd = open(root + "/" + relativePath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return Self.classify(errno) }
        defer { close(fd) }
        return Self.readAll(fd, limit: limit)
    }

    /// Opens the directory of one process, so its files are read relative to it with
    /// `ProcessDirectory.read`: one path lookup per process instead of one per file.
    public func directory(of pid: Int32) -> ProcessDirectory? {
        let fd = open("\(root)/\(pid)", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        return fd >= 0 ? ProcessDirectory(fd: fd) : nil
    }

    /// Reads everything up to `limit` (+1 to detect truncation) without zero-filling a buffer of
    /// the limit's size: most /proc files are a few hundred bytes, the limit is for the outliers.
    static func readAll(_ fd: Int32, limit: Int) -> ReadResult {
        var capacity = min(limit + 1, 4096)
        var storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 1)
        defer { storage.deallocate() }
        var filled = 0
        while true {
            if filled == capacity {
                guard capacity < limit + 1 else { break }
                let larger = min(capacity * 4, limit + 1)
                let grown = UnsafeMutableRawPointer.allocate(byteCount: larger, alignment: 1)
                grown.copyMemory(from: storage, byteCount: filled)
                storage.deallocate()
                storage = grown
                capacity = larger
            }
            let count = Glibc.read(fd, storage + filled, capacity - filled)
            if count < 0 {
                if errno == EINTR { continue }
                return classify(errno)
            }
            if count == 0 { break }
            filled += count
        }
        let kept = min(filled, limit)
        let bytes = Array(UnsafeRawBufferPointer(start: storage, count: kept))
        return .bytes(bytes, truncated: filled > limit)
    }

    /// The target of a symlink such as "1234/exe", as bytes.
    public func readLink(_ relativePath: String) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { raw in
            readlink(
                root + "/" + relativePath, raw.baseAddress!.assumingMemoryBound(to: CChar.self), raw.count)
        }
        guard count > 0 else { return nil }
        return Array(buffer[0..<count])
    }

    /// PIDs of the processes listed in /proc (thread ids are reachable but not listed).
    public func pids() -> [Int32] {
        var result: [Int32] = []
        result.reserveCapacity(512)
        DirectoryListing.forEachEntry(in: root) { entry in
            if let pid = entry.decimalValue { result.append(pid) }
            return .next
        }
        return result
    }

    public func exists(pid: Int32) -> Bool {
        access("\(root)/\(pid)", F_OK) == 0
    }

    static func classify(_ error: Int32) -> ReadResult {
        switch error {
        case ENOENT, ESRCH: return .gone
        case EACCES, EPERM: return .denied
        default: return .failed(errno: error)
        }
    }
}

/// The /proc directory of one process, held open: its files are opened relative to it.
public final class ProcessDirectory {
    let fd: Int32

    init(fd: Int32) {
        self.fd = fd
    }

    deinit {
        close(fd)
    }

    public func read(_ name: String, limit: Int = 16 * 1024) -> ProcFS.ReadResult {
        let file = openat(fd, name, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { return ProcFS.classify(errno) }
        defer { close(file) }
        return ProcFS.readAll(file, limit: limit)
    }
}
