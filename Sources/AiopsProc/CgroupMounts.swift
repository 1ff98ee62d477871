/// Where a process's cgroups live on disk, for cgroup v1, v2 and hybrid hosts alike.
///
/// /proc/<pid>/cgroup has one line per hierarchy, "ID:controllers:path" — v1 lines name their
/// controllers ("4:memory:/x", "1:cpu,cpuacct:/x"), the v2 line is "0::/x". The path is relative
/// to the root of the hierarchy as the *reader's* cgroup namespace sees it, and
/// /proc/self/mountinfo says where each hierarchy is mounted (and which part of it: a container
/// may mount only its own subtree, given as the mount's root).
public struct CgroupMembership: Hashable, Sendable {
    public struct Entry: Hashable, Sendable {
        public var hierarchyID: Int
        /// Controllers of a v1 hierarchy ("memory", "cpu", "cpuacct", "name=systemd"); empty for v2.
        public var controllers: [String]
        public var path: String
    }

    public var entries: [Entry]

    public var unifiedPath: String? { entries.first { $0.hierarchyID == 0 && $0.controllers.isEmpty }?.path }

    public func v1Path(controller: String) -> String? {
        entries.first { $0.hierarchyID != 0 && $0.controllers.contains(controller) }?.path
    }

    /// Lines that do not parse are skipped. Paths with bytes that are not UTF-8, or with ".."
    /// components, are dropped too: they are turned into file names below /sys/fs/cgroup, and a
    /// path we cannot name exactly must not be approximated.
    public static func parse(_ bytes: [UInt8]) -> CgroupMembership {
        var entries: [Entry] = []
        let complete = bytes[..<((bytes.lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1)]
        for line in complete.split(separator: UInt8(ascii: "\n")) {
            let parts = line.split(
                separator: UInt8(ascii: ":"), maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, let id = Int(ascii: parts[0]), id >= 0,
                let path = String(validating: parts[2], as: UTF8.self), path.hasPrefix("/"),
                !path.split(separator: "/").contains(".."), !path.contains("\0")
            else { continue }
            let controllers =
                parts[1].isEmpty
                ? []
                : parts[1].split(separator: UInt8(ascii: ",")).map { String(decoding: $0, as: UTF8.self) }
            entries.append(Entry(hierarchyID: id, controllers: controllers, path: path))
        }
        return CgroupMembership(entries: entries)
    }
}

/// The cgroup file systems mounted in our mount namespace.
public struct CgroupMount: Hashable, Sendable {
    public var version: Int
    public var mountPoint: String
    /// The part of the hierarchy mounted here ("/" unless a namespace or bind mount shows a subtree).
    public var root: String
    /// For v1: the controllers of this hierarchy (from the super options, e.g. "rw,cpu,cpuacct").
    public var controllers: Set<String>

    public init(version: Int, mountPoint: String, root: String, controllers: Set<String>) {
        self.version = version
        self.mountPoint = mountPoint
        self.root = root
        self.controllers = controllers
    }

    /// The directory of the cgroup at `path` (as /proc/<pid>/cgroup gives it), or nil when the
    /// cgroup lies outside the mounted subtree.
    public func directory(for path: String) -> String? {
        if root == "/" { return path == "/" ? mountPoint : mountPoint + path }
        if path == root { return mountPoint }
        guard path.hasPrefix(root + "/") else { return nil }
        return mountPoint + path.dropFirst(root.count)
    }

    /// Every cgroup and cgroup2 mount of a mountinfo text.
    public static func parseMountInfo(_ bytes: [UInt8]) -> [CgroupMount] {
        var mounts: [CgroupMount] = []
        let complete = bytes[..<((bytes.lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1)]
        for line in complete.split(separator: UInt8(ascii: "\n")) {
            // "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory"
            let fields = line.split(separator: 32)
            guard let dash = fields.firstIndex(where: { $0.elementsEqual("-".utf8) }), dash >= 6,
                dash + 3 < fields.count
            else { continue }
            let type = fields[dash + 1]
            let version: Int
            if type.elementsEqual("cgroup2".utf8) {
                version = 2
            } else if type.elementsEqual("cgroup".utf8) {
                version = 1
            } else {
                continue
            }
            var controllers: Set<String> = []
            if version == 1 {
                let options = fields[dash + 3].split(separator: UInt8(ascii: ","))
                let known: Set<String> = [
                    "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls", "blkio",
                    "perf_event", "net_prio", "hugetlb", "pids", "rdma", "misc",
                ]
                for option in options {
                    let name = String(decoding: option, as: UTF8.self)
                    if known.contains(name) || name.hasPrefix("name=") { controllers.insert(name) }
                }
            }
            mounts.append(
                CgroupMount(
                    version: version, mountPoint: decodeMountPath(fields[4]),
                    root: decodeMountPath(fields[3]),
                    controllers: controllers))
        }
        return mounts
    }
}
