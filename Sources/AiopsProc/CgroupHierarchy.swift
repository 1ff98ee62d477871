import AiopsCore
import AiopsPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// The cgroup v2 hierarchy: maps the cgroup ids BPF reports (the kernfs inode number of the
/// cgroup's directory) to paths, and finds a unit's cgroups. Scans are rate-limited: a lookup
/// that misses rescans at most every `rescanInterval`, since new cgroups appear whenever a unit
/// starts.
public final class CgroupHierarchy {
    public let mountPoint: String
    public let rescanIntervalNanoseconds: UInt64
    private var pathByID: [UInt64: String] = [:]
    private var lastScan: BootInstant?
    public private(set) var scans = 0

    /// nil when no cgroup2 filesystem is mounted (pure cgroup v1 host).
    public init?(procfs: ProcFS = ProcFS(), rescanIntervalNanoseconds: UInt64 = 200_000_000) {
        guard let mountPoint = Self.findMountPoint(procfs) else { return nil }
        self.mountPoint = mountPoint
        self.rescanIntervalNanoseconds = rescanIntervalNanoseconds
    }

    /// The path of the cgroup with this id, relative to the mount ("/system.slice/x.service").
    public func path(forID id: UInt64) -> String? {
        if let path = pathByID[id] { return path }
        let now = BootInstant.now()
        if let lastScan, now.nanoseconds &- lastScan.nanoseconds < rescanIntervalNanoseconds { return nil }
        rescan()
        return pathByID[id]
    }

    /// The id of the cgroup at `path` (relative to the mount), from its inode number.
    public func id(forPath path: String) -> UInt64? {
        var info = stat()
        guard stat(mountPoint + path, &info) == 0 else { return nil }
        return UInt64(info.st_ino)
    }

    /// Paths (relative to the mount) of every cgroup directory named `name`, after a fresh scan.
    public func paths(named name: String) -> [String] {
        rescan()
        return pathByID.values.filter { $0.split(separator: "/").last.map(String.init) == name }.sorted()
    }

    /// PIDs of the processes in the cgroup at `path` and its descendants.
    public func processes(under path: String) -> [Int32] {
        // Scan when `path` is not known yet: a fresh hierarchy (or one whose last scan predates the
        // cgroup) used to answer "no processes" for a cgroup full of them.
        if !pathByID.values.contains(path) { rescan() }
        var result: [Int32] = []
        let prefix = path.hasSuffix("/") ? path : path + "/"  // "/" is the root: everything is under it
        for (_, candidate) in pathByID where candidate == path || candidate.hasPrefix(prefix) {
            let procfs = ProcFS(root: mountPoint + candidate)
            guard let bytes = procfs.read("cgroup.procs", limit: 1 << 20).bytes else { continue }
            result += bytes.split(separator: UInt8(ascii: "\n")).compactMap { Int32(ascii: $0) }
        }
        return result
    }

    public func rescan() {
        var found: [UInt64: String] = [:]
        var rootInfo = stat()
        if stat(mountPoint, &rootInfo) == 0 { found[UInt64(rootInfo.st_ino)] = "/" }
        walk(relative: "", into: &found, depth: 0)
        pathByID = found
        lastScan = BootInstant.now()
        scans += 1
    }

    private func walk(relative: String, into found: inout [UInt64: String], depth: Int) {
        guard depth < 64 else { return }
        var children: [(path: String, id: UInt64)] = []
        DirectoryListing.forEachEntry(in: mountPoint + relative) { entry in
            // kernfs reports the node id as the inode number: the cgroup id.
            if entry.isDirectory { children.append((relative + "/" + entry.name, entry.inode)) }
            return .next
        }
        for child in children {
            found[child.id] = child.path
            walk(relative: child.path, into: &found, depth: depth + 1)
        }
    }

    private static func findMountPoint(_ procfs: ProcFS) -> String? {
        guard let bytes = procfs.read("self/mountinfo", limit: 1 << 20).bytes else { return nil }
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            // "36 25 0:31 / /sys/fs/cgroup/unified rw,... - cgroup2 cgroup2 rw"
            let fields = line.split(separator: 32)
            guard let dash = fields.firstIndex(where: { $0.elementsEqual("-".utf8) }),
                dash + 1 < fields.count,
                fields[dash + 1].elementsEqual("cgroup2".utf8), fields.count > 4
            else { continue }
            return decodeMountPath(fields[4])
        }
        return nil
    }
}

/// mountinfo escapes space, tab, newline and backslash in paths as \ooo octal ("\040").
func decodeMountPath<C: Collection>(_ field: C) -> String where C.Element == UInt8 {
    let bytes = Array(field)
    var decoded: [UInt8] = []
    var index = 0
    while index < bytes.count {
        if bytes[index] == UInt8(ascii: "\\"), index + 3 < bytes.count,
            let value = UInt8(String(decoding: bytes[(index + 1)...(index + 3)], as: UTF8.self), radix: 8)
        {
            decoded.append(value)
            index += 4
        } else {
            decoded.append(bytes[index])
            index += 1
        }
    }
    return String(decoding: decoded, as: UTF8.self)
}
