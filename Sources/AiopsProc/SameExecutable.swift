#if canImport(Glibc)
    import Glibc
#endif

/// Processes running the same executable as another: /proc/*/exe links with the same target.
///
/// The comparison is on the link's bytes, which is the path the kernel recorded at exec: a
/// binary replaced on disk shows as "/usr/sbin/nginx (deleted)" in processes started before the
/// upgrade, and those are deliberately *not* the same executable. Reading another user's exe
/// link needs ptrace access: those processes are counted as unreadable rather than guessed at.
public struct SameExecutableScan: Hashable, Sendable {
    public var executable: [UInt8]
    /// Other processes with the same executable, the target excluded.
    public var pids: [Int32] = []
    /// Processes whose exe link could not be read (permission); kernel threads, which have no
    /// executable, are not counted.
    public var unreadable = 0
}

extension ProcFS {
    /// The exe link of `pid`: the executable's path; nil for kernel threads, zombies and gone
    /// processes, .unavailable(.permission) for processes we may not inspect.
    public func executable(pid: Int32) -> ProcReading<[UInt8]> {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { raw in
            readlink("\(root)/\(pid)/exe", raw.baseAddress!.assumingMemoryBound(to: CChar.self), raw.count)
        }
        if count > 0 { return .value(Array(buffer[0..<count])) }
        switch errno {
        case EACCES, EPERM: return .unavailable(.permission)
        case ENOENT, ESRCH: return .unavailable(exists(pid: pid) ? .missing : .gone)
        default: return .unavailable(.failed)
        }
    }

    public func processes(runningExecutable executable: [UInt8], excluding target: Int32)
        -> SameExecutableScan
    {
        var scan = SameExecutableScan(executable: executable)
        for pid in pids() where pid != target {
            switch self.executable(pid: pid) {
            case .value(let path): if path == executable { scan.pids.append(pid) }
            case .unavailable(.permission): scan.unreadable += 1
            case .unavailable: continue
            }
        }
        scan.pids.sort()
        return scan
    }
}
