/// What the kernel log says about one OOM kill (the `oom-kill:` line and, when present, the
/// "Killed process" line): host pids and cgroup paths, as the kernel sees them.
public struct KernelOOMKill: Sendable, Equatable {
    /// Unix µs (converted from the kernel's monotonic stamp).
    public var time: Int64
    /// CONSTRAINT_MEMCG (a cgroup limit) or CONSTRAINT_NONE (the whole machine ran out).
    public var constraint: String
    public var taskCgroup: String
    public var limitCgroup: String?
    public var pid: Int32
    public var command: String
    /// From the "Killed process" line, when it was found.
    public var anonymousResidentKB: UInt64?
    public var totalVirtualKB: UInt64?

    public init(
        time: Int64, constraint: String, taskCgroup: String, limitCgroup: String?, pid: Int32,
        command: String,
        anonymousResidentKB: UInt64? = nil, totalVirtualKB: UInt64? = nil
    ) {
        self.time = time
        self.constraint = constraint
        self.taskCgroup = taskCgroup
        self.limitCgroup = limitCgroup
        self.pid = pid
        self.command = command
        self.anonymousResidentKB = anonymousResidentKB
        self.totalVirtualKB = totalVirtualKB
    }

    /// A cgroup limit, not the whole machine.
    public var isCgroupLimit: Bool { constraint == "CONSTRAINT_MEMCG" }

    /// Whether the killed task was in the unit's cgroup (or one below it). The kernel prints the
    /// host's path, which for a unit inside a container has a prefix
    /// ("/machine/payload/system.slice/x.service"): the unit's path ("/system.slice/x.service",
    /// starting with "/" so the match is at a component boundary) may be a suffix of it.
    public func belongs(toControlGroup controlGroup: String) -> Bool {
        guard controlGroup.hasPrefix("/"), controlGroup.count > 1 else { return false }
        return taskCgroup.hasSuffix(controlGroup) || taskCgroup.contains(controlGroup + "/")
    }
}
