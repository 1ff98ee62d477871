#if canImport(Glibc)
    import Glibc
#endif

extension ProcFS {
    /// Reads a file that may be large — /proc/<pid>/net/tcp holds one 150-byte line per socket
    /// of the namespace, megabytes on a busy server — growing the buffer as it goes instead of
    /// allocating the cap up front as `read(_:limit:)` does. Stops at `cap` bytes (truncated).
    public func readGrowing(_ relativePath: String, cap: Int = 64 << 20) -> ReadResult {
        let fd = open(root + "/" + relativePath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return Self.classifyOpenError(errno) }
        defer { close(fd) }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while buffer.count < cap {
            let count = chunk.withUnsafeMutableBytes { raw in Glibc.read(fd, raw.baseAddress!, raw.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return Self.classifyOpenError(errno)
            }
            if count == 0 { return .bytes(buffer, truncated: false) }
            buffer.append(contentsOf: chunk[0..<min(count, cap - buffer.count)])
        }
        return .bytes(buffer, truncated: true)
    }

    static func classifyOpenError(_ error: Int32) -> ReadResult {
        switch error {
        case ENOENT, ESRCH: return .gone
        case EACCES, EPERM: return .denied
        default: return .failed(errno: error)
        }
    }
}
