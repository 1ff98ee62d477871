import AiopsCore
import AiopsPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// The few file-system calls the store makes around SQLite, with errno turned into text.
enum FileSystem {
    /// lstat: the path itself, never what a link points to. nil when nothing is there; throws
    /// the errno text for anything else (a parent that is not a directory, EACCES…).
    static func status(_ path: String) throws(HistoryStoreError) -> stat? {
        var info = stat()
        if lstat(path, &info) == 0 { return info }
        let error = errno
        if error == ENOENT { return nil }
        throw HistoryStoreError("cannot examine \(path): \(ErrnoText.message(error))", kind: kind(of: error))
    }

    static func isRegular(_ info: stat) -> Bool { info.st_mode & S_IFMT == S_IFREG }

    /// "a symbolic link to /etc/passwd", "a directory", "a FIFO"…
    static func kindDescription(_ info: stat, path: String) -> String {
        switch info.st_mode & S_IFMT {
        case S_IFLNK:
            var buffer = [UInt8](repeating: 0, count: 4096)
            let length = readlink(path, &buffer, buffer.count)
            guard length >= 0 else { return "a symbolic link" }
            // The target is bytes anyone could choose: escaped before it reaches a message.
            return "a symbolic link to \(UntrustedText(bytes: Array(buffer[0..<length])).terminalSafe)"
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        default: return "not a regular file"
        }
    }

    /// Creates the missing directories above `path`, each 0750 (the history holds command
    /// lines, which may carry secrets).
    static func createParentDirectories(of path: String) throws(HistoryStoreError) {
        let components = path.split(separator: "/", omittingEmptySubsequences: true).dropLast()
        var current = path.hasPrefix("/") ? "" : "."
        for component in components {
            current += "/" + component
            if mkdir(current, 0o750) == 0 {
                // mkdir's mode passes through the umask; the history's directory must not.
                chmod(current, 0o750)
                continue
            }
            let error = errno
            guard error == EEXIST else {
                throw HistoryStoreError(
                    "cannot create directory \(current): \(ErrnoText.message(error))", kind: kind(of: error))
            }
        }
    }

    /// `path` with its directory resolved (realpath): the operator may keep the history in a
    /// directory reached through a symbolic link, which SQLite's no-follow open would refuse.
    /// The last component stays as it is: a link *there* is still never followed. Unchanged
    /// when the directory cannot be resolved (the open that follows says why).
    static func resolvingParentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        let name = path[path.index(after: slash)...]
        let directory = slash == path.startIndex ? "/" : String(path[..<slash])
        guard let resolved = realpath(directory, nil) else { return path }
        defer { free(resolved) }
        let base = String(cString: resolved)
        return (base == "/" ? "" : base) + "/" + name
    }

    /// Creates an empty file that did not exist, 0640. SQLite would create it 0644 minus the
    /// umask; SQLite then gives the -wal and -shm files the database file's permissions.
    static func createEmptyFile(_ path: String) throws(HistoryStoreError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            let error = errno
            throw HistoryStoreError(
                "cannot create \(path): \(ErrnoText.message(error))", kind: kind(of: error))
        }
        fchmod(descriptor, 0o640)
        close(descriptor)
    }

    /// rename(2), which moves a link, a directory or a FIFO itself, never what it points to.
    static func rename(_ from: String, to: String) throws(HistoryStoreError) {
        guard Glibc.rename(from, to) == 0 else {
            throw HistoryStoreError("cannot move \(from) to \(to): \(ErrnoText.message(errno))")
        }
    }

    /// Makes renames in `directory` durable before anything new is written there.
    static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// The error for a file that could not be opened or read: permission apart from the rest
    /// (an I/O error, no descriptors left), and neither a reason to set the file aside.
    static func cannotRead(_ path: String, _ error: Int32) -> HistoryStoreError {
        HistoryStoreError("cannot read \(path): \(ErrnoText.message(error))", kind: kind(of: error))
    }

    static func kind(of error: Int32) -> HistoryStoreError.Kind {
        error == EACCES || error == EPERM ? .permission : .failed
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
