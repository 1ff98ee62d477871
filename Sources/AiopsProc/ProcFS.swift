import AiopsCore

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
        var buffer = [UInt8](repeating: 0, count: limit + 1)
        var filled = 0
        while filled < buffer.count {
            let count = buffer.withUnsafeMutableBytes { raw in
                Glibc.read(fd, raw.baseAddress! + filled, raw.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return Self.classify(errno)
            }
            if count == 0 { break }
            filled += count
        }
        let truncated = filled > limit
        buffer.removeSubrange(min(filled, limit)...)
        return .bytes(buffer, truncated: truncated)
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
        guard let directory = opendir(root) else { return [] }
        defer { closedir(directory) }
        var result: [Int32] = []
        result.reserveCapacity(512)
        while let entry = readdir(directory) {
            let pid = withUnsafeBytes(of: entry.pointee.d_name) { raw -> Int32? in
                var value: Int32 = 0
                var digits = 0
                for byte in raw {
                    if byte == 0 { break }
                    guard byte >= 48 && byte <= 57, value < 100_000_000 else { return nil }
                    value = value * 10 + Int32(byte - 48)
                    digits += 1
                }
                return digits > 0 ? value : nil
            }
            if let pid { result.append(pid) }
        }
        return result
    }

    public func exists(pid: Int32) -> Bool {
        access("\(root)/\(pid)", F_OK) == 0
    }

    private static func classify(_ error: Int32) -> ReadResult {
        switch error {
        case ENOENT, ESRCH: return .gone
        case EACCES, EPERM: return .denied
        default: return .failed(errno: error)
        }
    }
}
