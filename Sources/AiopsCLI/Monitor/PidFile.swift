import AiopsCore
import AiopsPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// The daemon's pid file, held with an exclusive lock for the daemon's whole life: a second
/// daemon fails to take the lock (and says which pid holds it) instead of trusting a stale
/// number, and a daemon that was killed leaves a file that simply is not locked any more.
final class PidFile {
    let path: String
    private let fd: Int32

    init(path: String) throws(AiopsError) {
        self.path = path
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        if !directory.isEmpty { mkdir(directory, 0o755) }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else {
            let code: AiopsExitCode = errno == EACCES || errno == EPERM ? .noPermission : .failure
            throw AiopsError(code, "cannot open the pid file \(path): \(ErrnoText.message(errno))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = read(fd, &buffer, buffer.count)
            let holder = String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self).filter(\.isNumber)
            close(fd)
            throw AiopsError(
                .failure,
                "another monitor is running (pid \(holder.isEmpty ? "unknown" : holder), pid file \(path))")
        }
        self.fd = fd
        let text = Array("\(getpid())\n".utf8)
        ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    /// Removes the file, then lets the lock go: a new daemon never sees our number in it.
    func remove() {
        unlink(path)
        close(fd)
    }
}
