#if canImport(Glibc)
    import Glibc
#endif

/// The memory, pids and CPU limits that apply to a process through its cgroups, with the usage
/// they are measured against.
///
/// A cgroup's limit binds every cgroup below it, so the effective limit is the tightest one on
/// the way from the process's cgroup up to the root, which is often set on a parent (the
/// service's slice) rather than on the leaf. The report names the cgroup that sets it.
/// On a hybrid host a controller lives in exactly one hierarchy: v2 is used for a controller when
/// its files exist in the process's v2 cgroup, v1 otherwise.
public struct CgroupLimits: Hashable, Sendable {
    public struct Memory: Hashable, Sendable {
        public var version: Int
        /// The process's own cgroup in this hierarchy.
        public var cgroup: String
        /// Memory charged to that cgroup: the RSS *and* page cache of every process in it
        /// (memory.current / memory.usage_in_bytes).
        public var usageBytes: UInt64?
        /// memory.peak (v2, Linux 5.19+) / memory.max_usage_in_bytes (v1).
        public var peakBytes: UInt64?
        /// The tightest limit on the way to the root; nil when there is none.
        public var limitBytes: UInt64?
        /// The cgroup that sets `limitBytes`.
        public var limitCgroup: String?
    }

    public struct Tasks: Hashable, Sendable {
        public var version: Int
        public var cgroup: String
        /// Tasks (threads included) in the process's cgroup and below.
        public var current: UInt64?
        public var limit: UInt64?
        public var limitCgroup: String?
    }

    public struct CPU: Hashable, Sendable {
        public var version: Int
        public var cgroup: String
        /// CPU time allowed per period (CFS bandwidth control); nil when unlimited.
        public var quotaMicroseconds: UInt64?
        public var periodMicroseconds: UInt64?
        public var limitCgroup: String?

        /// The quota as a number of CPUs (0.5 = half of one CPU).
        public var cpus: Double? {
            guard let quotaMicroseconds, let periodMicroseconds, periodMicroseconds > 0 else { return nil }
            return Double(quotaMicroseconds) / Double(periodMicroseconds)
        }
    }

    public var memory: Memory?
    public var tasks: Tasks?
    public var cpu: CPU?

    public init(memory: Memory? = nil, tasks: Tasks? = nil, cpu: CPU? = nil) {
        self.memory = memory
        self.tasks = tasks
        self.cpu = cpu
    }

    /// cgroup v1 reports "no limit" as the largest page-aligned counter, PAGE_COUNTER_MAX pages:
    /// 9223372036854771712 with 4 KiB pages, less with larger pages. Anything within 1 MiB of
    /// Int64.max is that sentinel, whatever the page size.
    public static func isV1Unlimited(_ value: UInt64) -> Bool {
        value >= UInt64(Int64.max) - (1 << 20)
    }
}

/// Reads cgroup files. `procfs` gives /proc/<pid>/cgroup and /proc/self/mountinfo; the cgroup
/// directories are read where mountinfo says they are.
public struct CgroupLimitReader: Sendable {
    public let procfs: ProcFS

    public init(procfs: ProcFS = ProcFS()) {
        self.procfs = procfs
    }

    public func limits(pid: Int32) -> ProcReading<CgroupLimits> {
        let membership = procfs.reading(pid: pid, "cgroup") { CgroupMembership.parse($0) }
        guard let membership = membership.value else { return membership.map { _ in CgroupLimits() } }
        let mounts = procfs.read("self/mountinfo", limit: 1 << 20).bytes.map(CgroupMount.parseMountInfo) ?? []
        return .value(Self.limits(membership: membership, mounts: mounts))
    }

    /// The limits given the process's membership and the mounts (testable on fixture trees:
    /// mount points may be any directory).
    public static func limits(membership: CgroupMembership, mounts: [CgroupMount]) -> CgroupLimits {
        var result = CgroupLimits()
        let unified: (mount: CgroupMount, path: String)? = {
            guard let path = membership.unifiedPath, let mount = mounts.first(where: { $0.version == 2 })
            else {
                return nil
            }
            return (mount, path)
        }()
        func v1(_ controller: String) -> (mount: CgroupMount, path: String)? {
            guard let path = membership.v1Path(controller: controller),
                let mount = mounts.first(where: { $0.version == 1 && $0.controllers.contains(controller) })
            else { return nil }
            return (mount, path)
        }

        if let (mount, path) = unified, let directory = mount.directory(for: path),
            CgroupFile(directory + "/memory.current").exists
        {
            result.memory = v2Memory(mount: mount, path: path, directory: directory)
        } else if let (mount, path) = v1("memory"), let directory = mount.directory(for: path) {
            result.memory = v1Memory(mount: mount, path: path, directory: directory)
        }
        if let (mount, path) = unified, let directory = mount.directory(for: path),
            CgroupFile(directory + "/pids.current").exists
        {
            result.tasks = tasks(version: 2, mount: mount, path: path, directory: directory)
        } else if let (mount, path) = v1("pids"), let directory = mount.directory(for: path) {
            result.tasks = tasks(version: 1, mount: mount, path: path, directory: directory)
        }
        if let (mount, path) = unified, let directory = mount.directory(for: path),
            CgroupFile(directory + "/cpu.max").exists
        {
            result.cpu = cpu(version: 2, mount: mount, path: path)
        } else if let (mount, path) = v1("cpu"), mount.directory(for: path) != nil {
            result.cpu = cpu(version: 1, mount: mount, path: path)
        }
        return result
    }

    /// The cgroup at `path` and its ancestors up to the top of the mounted subtree, innermost
    /// first, as (path, directory).
    static func ancestry(mount: CgroupMount, path: String) -> [(String, String)] {
        var chain: [(String, String)] = []
        var current = path
        while let directory = mount.directory(for: current) {
            chain.append((current, directory))
            guard current != "/", current != mount.root else { break }
            let parent = current.split(separator: "/").dropLast().joined(separator: "/")
            current = "/" + parent
        }
        return chain
    }

    /// The smallest limit on the chain and where it is set; `read` gives a directory's limit
    /// (nil = none there).
    static func tightest(
        _ chain: [(String, String)], _ read: (String) -> UInt64?
    ) -> (UInt64, String)? {
        var best: (UInt64, String)?
        for (path, directory) in chain {
            guard let limit = read(directory) else { continue }
            if best == nil || limit < best!.0 { best = (limit, path) }
        }
        return best
    }

    private static func v2Memory(mount: CgroupMount, path: String, directory: String) -> CgroupLimits.Memory {
        let limit = tightest(ancestry(mount: mount, path: path)) {
            CgroupFile($0 + "/memory.max").numberOrMax?.number
        }
        return CgroupLimits.Memory(
            version: 2, cgroup: path, usageBytes: CgroupFile(directory + "/memory.current").number,
            peakBytes: CgroupFile(directory + "/memory.peak").number, limitBytes: limit?.0,
            limitCgroup: limit?.1)
    }

    private static func v1Memory(mount: CgroupMount, path: String, directory: String) -> CgroupLimits.Memory {
        let limit = tightest(ancestry(mount: mount, path: path)) { directory in
            CgroupFile(directory + "/memory.limit_in_bytes").number.flatMap {
                CgroupLimits.isV1Unlimited($0) ? nil : $0
            }
        }
        return CgroupLimits.Memory(
            version: 1, cgroup: path, usageBytes: CgroupFile(directory + "/memory.usage_in_bytes").number,
            peakBytes: CgroupFile(directory + "/memory.max_usage_in_bytes").number, limitBytes: limit?.0,
            limitCgroup: limit?.1)
    }

    private static func tasks(version: Int, mount: CgroupMount, path: String, directory: String)
        -> CgroupLimits.Tasks
    {
        let limit = tightest(ancestry(mount: mount, path: path)) {
            CgroupFile($0 + "/pids.max").numberOrMax?.number
        }
        return CgroupLimits.Tasks(
            version: version, cgroup: path, current: CgroupFile(directory + "/pids.current").number,
            limit: limit?.0, limitCgroup: limit?.1)
    }

    /// The tightest quota by CPUs allowed (quota ÷ period), not by raw quota: 80 ms per 200 ms
    /// (0.4 CPU) is tighter than 50 ms per 100 ms (0.5 CPU) although its quota is larger.
    private static func cpu(version: Int, mount: CgroupMount, path: String) -> CgroupLimits.CPU {
        var best: (quota: UInt64, period: UInt64, path: String)?
        for (candidate, directory) in ancestry(mount: mount, path: path) {
            let quotaPeriod: (UInt64, UInt64)?
            if version == 2 {
                quotaPeriod = CgroupFile(directory + "/cpu.max").cpuMax
            } else {
                let quota = CgroupFile(directory + "/cpu.cfs_quota_us").signedNumber
                let period = CgroupFile(directory + "/cpu.cfs_period_us").number
                if let quota, quota > 0, let period, period > 0 {
                    quotaPeriod = (UInt64(quota), period)
                } else {
                    quotaPeriod = nil  // -1: no quota
                }
            }
            guard let (quota, period) = quotaPeriod else { continue }
            if best == nil || Double(quota) / Double(period) < Double(best!.quota) / Double(best!.period) {
                best = (quota, period, candidate)
            }
        }
        return CgroupLimits.CPU(
            version: version, cgroup: path, quotaMicroseconds: best?.quota, periodMicroseconds: best?.period,
            limitCgroup: best?.path)
    }
}

/// One small cgroupfs file ("max\n", "1048576\n", "50000 100000\n").
struct CgroupFile {
    let path: String

    init(_ path: String) {
        self.path = path
    }

    var exists: Bool { access(path, F_OK) == 0 }

    private var text: [UInt8]? {
        guard case .bytes(let bytes, false) = ProcFS(root: "").read(String(path.dropFirst()), limit: 256),
            bytes.last == 10
        else { return nil }
        return Array(bytes.dropLast())
    }

    var number: UInt64? { text.flatMap { UInt64(ascii: $0) } }
    var signedNumber: Int64? { text.flatMap { Int64(ascii: $0) } }

    /// "max" or a number (v2 limits, v1 pids.max).
    var numberOrMax: ResourceLimit.Value? {
        guard let text else { return nil }
        if text.elementsEqual("max".utf8) { return .unlimited }
        return UInt64(ascii: text).map { .limited($0) }
    }

    /// cpu.max: "max 100000" (no quota) or "50000 100000".
    var cpuMax: (UInt64, UInt64)? {
        guard let fields = text?.split(separator: 32), fields.count == 2,
            let quota = UInt64(ascii: fields[0]), let period = UInt64(ascii: fields[1]), period > 0
        else { return nil }
        return (quota, period)
    }
}
