import AiopsPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// What a process's open file descriptors point at, from the /proc/<pid>/fd/* links.
///
/// Listing the directory and reading the links both need ptrace access to the process: for
/// another user's process the listing fails (EACCES). PID 1 of a sandbox can even allow the
/// listing but refuse the links: the count is then known and the kinds are counted as
/// `unreadable`, not guessed.
public struct OpenFiles: Hashable, Sendable {
    public var count = 0
    public var regularFiles = 0
    /// Open files whose path was unlinked (" (deleted)"): space held on disk until closed.
    public var deletedFiles = 0
    public var sockets = 0
    public var pipes = 0
    /// eventfd, epoll, inotify, timerfd, signalfd, pidfd, io_uring… ("anon_inode:…").
    public var anonymousInodes = 0
    public var devices = 0
    /// Namespaces, memfd-less oddities, anything else.
    public var other = 0
    /// Links that could not be read (permission, or closed between listing and reading).
    public var unreadable = 0
    /// Inodes of the sockets ("socket:[12345]"), to find them in /proc/<pid>/net/*.
    public var socketInodes: [UInt64] = []
    /// More descriptors than `linkLimit`: the kinds cover only the first ones.
    public var kindsTruncated = false

    public init() {}

    /// Classifies one link target and counts it.
    public mutating func add(link target: [UInt8]?) {
        count += 1
        guard let target else {
            unreadable += 1
            return
        }
        if let inode = Self.bracketedNumber(target, prefix: "socket:[") {
            sockets += 1
            socketInodes.append(inode)
        } else if target.starts(with: Array("pipe:[".utf8)) {
            pipes += 1
        } else if target.starts(with: Array("anon_inode:".utf8)) {
            anonymousInodes += 1
        } else if target.starts(with: Array("/dev/".utf8)) {
            devices += 1
        } else if target.first == UInt8(ascii: "/") {
            regularFiles += 1
            if target.ends(with: Array(" (deleted)".utf8)) { deletedFiles += 1 }
        } else {
            other += 1
        }
    }

    /// N of "socket:[N]", nil for anything else (including overflow and trailing bytes).
    static func bracketedNumber(_ target: [UInt8], prefix: String) -> UInt64? {
        let prefixBytes = Array(prefix.utf8)
        guard target.starts(with: prefixBytes), target.last == UInt8(ascii: "]") else { return nil }
        return UInt64(ascii: target[prefixBytes.count..<(target.count - 1)])
    }
}

extension ProcFS {
    /// How many descriptors the process has open: a directory listing only, cheap enough to
    /// sample every interval.
    public func openFileCount(pid: Int32) -> ProcReading<Int> {
        var count = 0
        let listed = forEachDescriptor(pid: pid) { _ in count += 1 }
        return listed.map { count }
    }

    /// Every descriptor, classified by its link. Reading links stops after `linkLimit` (a process
    /// may hold a million descriptors); the rest are counted but not classified.
    public func openFiles(pid: Int32, linkLimit: Int = 65_536) -> ProcReading<OpenFiles> {
        var files = OpenFiles()
        let listed = forEachDescriptor(pid: pid) { name in
            guard files.count < linkLimit else {
                files.count += 1
                files.kindsTruncated = true
                return
            }
            files.add(link: readLink("\(pid)/fd/\(name)"))
        }
        return listed.map { files }
    }

    /// Calls `body` with each entry name of /proc/<pid>/fd.
    private func forEachDescriptor(pid: Int32, _ body: (String) -> Void) -> ProcReading<Void> {
        let listed = DirectoryListing.forEachEntry(in: "\(root)/\(pid)/fd") { entry in
            body(entry.name)
            return .next
        }
        if case .failure(let error) = listed, error.stage == .opening {
            switch error.reason {
            case .permissionDenied: return .unavailable(.permission)
            case .notFound: return .unavailable(.gone)
            case .notADirectory, .other: return .unavailable(.failed)
            }
        }
        return .value(())
    }
}

extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix)
    }
}
