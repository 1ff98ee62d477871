#if canImport(Glibc)
    import Glibc
#endif

/// Whether a given user could use a path, computed from ownership and mode bits along the
/// path — as the kernel would decide for that user, not for aiops (which usually runs as root,
/// for which almost everything is allowed).
///
/// Not modelled: POSIX ACLs, capabilities granted to the service (CAP_DAC_OVERRIDE…), LSMs, and
/// systemd's own sandboxing (ProtectSystem=, ReadOnlyPaths=). The verdict says "by mode bits".
public struct PathAccess: Sendable {
    public struct Need: OptionSet, Hashable, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let read = Need(rawValue: 4)
        public static let write = Need(rawValue: 2)
        /// Execute a file, or enter (search) a directory.
        public static let execute = Need(rawValue: 1)
    }

    public struct Account: Hashable, Sendable {
        public var uid: UInt32
        public var gid: UInt32
        public var groups: [UInt32]

        public init(uid: UInt32, gid: UInt32, groups: [UInt32] = []) {
            self.uid = uid
            self.gid = gid
            self.groups = groups
        }

        func inGroup(_ gid: UInt32) -> Bool { gid == self.gid || groups.contains(gid) }
    }

    public enum Verdict: Equatable, Sendable {
        case allowed(FileFacts)
        /// A component does not exist: the first missing one.
        case missing(String)
        /// Denied at `path` (the path itself or a directory on the way), lacking `need`.
        case denied(path: String, facts: FileFacts, lacking: Need)
        /// The file system holding it is mounted read-only and write was needed.
        case readOnlyFileSystem(String)
        /// stat failed for another reason.
        case unreadable(String, errno: Int32)
    }

    /// What stat says about one path, for the evidence.
    public struct FileFacts: Hashable, Sendable {
        public var path: String
        public var mode: UInt32
        public var uid: UInt32
        public var gid: UInt32

        public var isDirectory: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFDIR) }
        public var isRegularFile: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFREG) }

        /// "drwxr-x--- 0:4".
        public var modeText: String {
            let kind: Character =
                switch mode & UInt32(S_IFMT) {
                case UInt32(S_IFDIR): "d"
                case UInt32(S_IFLNK): "l"
                case UInt32(S_IFREG): "-"
                default: "?"
                }
            let letters = Array("rwxrwxrwx")
            var text = String(kind)
            for bit in 0..<9 {
                text.append(mode & (UInt32(0o400) >> UInt32(bit)) != 0 ? letters[bit] : "-")
            }
            return text + " " + String(mode & 0o7777, radix: 8)
        }
    }

    public init() {}

    /// Whether `account` may use `path` with `need`; every directory on the way must be searchable.
    public func check(_ path: String, need: Need, account: Account) -> Verdict {
        guard path.hasPrefix("/") else { return .missing(path) }
        let components = path.split(separator: "/").map(String.init)
        var current = ""
        var prefixes = ["/"]
        for component in components {
            current += "/" + component
            prefixes.append(current)
        }
        for (index, prefix) in prefixes.enumerated() {
            let isLast = index == prefixes.count - 1
            var info = stat()
            guard stat(prefix, &info) == 0 else {
                if errno == ENOENT || errno == ENOTDIR { return .missing(prefix) }
                return .unreadable(prefix, errno: errno)
            }
            let facts = FileFacts(
                path: prefix, mode: UInt32(info.st_mode), uid: info.st_uid, gid: info.st_gid)
            let wanted: Need = isLast ? need : .execute
            let granted = Self.permissions(facts, account: account)
            let lacking = Need(rawValue: wanted.rawValue & ~granted.rawValue)
            if !lacking.isEmpty { return .denied(path: prefix, facts: facts, lacking: lacking) }
            if isLast {
                if need.contains(.write) && Self.onReadOnlyMount(prefix) {
                    return .readOnlyFileSystem(prefix)
                }
                return .allowed(facts)
            }
        }
        return .missing(path)
    }

    /// The permissions `account` has on a file with these facts, by the kernel's rules: the owner
    /// class if the uid matches, else the group class if any group matches, else other. Root
    /// may read and write anything, search any directory, and execute a file with any x bit.
    static func permissions(_ facts: FileFacts, account: Account) -> Need {
        if account.uid == 0 {
            var granted: Need = [.read, .write]
            if facts.isDirectory || facts.mode & 0o111 != 0 { granted.insert(.execute) }
            return granted
        }
        let bits: UInt32
        if facts.uid == account.uid {
            bits = (facts.mode >> 6) & 7
        } else if account.inGroup(facts.gid) {
            bits = (facts.mode >> 3) & 7
        } else {
            bits = facts.mode & 7
        }
        return Need(rawValue: Int(bits))
    }

    static func onReadOnlyMount(_ path: String) -> Bool {
        var info = statvfs()
        return statvfs(path, &info) == 0 && info.f_flag & UInt(ST_RDONLY) != 0
    }
}

extension PathAccess.Need {
    /// "read", "write and execute".
    public var words: String {
        var parts: [String] = []
        if contains(.read) { parts.append("read") }
        if contains(.write) { parts.append("write") }
        if contains(.execute) { parts.append("execute/search") }
        return parts.joined(separator: " and ")
    }
}
