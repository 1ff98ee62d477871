import AiopsCore

/// Decides which events a trace shows. Filters see events after the process table completed
/// them, and run on every event, so they stay cheap: set lookups and byte comparisons.
public struct TraceFilter {
    public var kinds: Set<LifecycleEventKind>
    /// Show thread creation (fork events of threads); off by default: they are noise to most.
    public var includeThreads: Bool
    /// Only exits that are not exit(0), and no other events.
    public var onlyFailedExits: Bool
    /// Exact comm (the kernel keeps 15 bytes) of the process, or of a signal's sender or target.
    public var comm: [UInt8]?
    /// A process and all its descendants, including those born during the trace.
    public var processTree: ProcessTreeFilter?
    /// Processes in a cgroup (a systemd unit).
    public var cgroup: CgroupFilter?

    public init(
        kinds: Set<LifecycleEventKind> = Set(LifecycleEventKind.allCases), includeThreads: Bool = false,
        onlyFailedExits: Bool = false, comm: String? = nil, processTree: ProcessTreeFilter? = nil,
        cgroup: CgroupFilter? = nil
    ) {
        self.kinds = kinds
        self.includeThreads = includeThreads
        self.onlyFailedExits = onlyFailedExits
        self.comm = comm.map { Array($0.utf8.prefix(15)) }
        self.processTree = processTree
        self.cgroup = cgroup
    }

    /// Whether to show `event`. Also lets the process-tree filter follow forks, so call it for
    /// every event, in order.
    public func admit(_ event: LifecycleEvent) -> Bool {
        // The tree and the unit follow forks and exits: they must see every event, whatever the
        // other filters then decide (a fork hidden by --events still makes its child a member).
        let inTree = processTree?.observe(event) ?? true
        let inUnit = cgroup?.observe(event) ?? true
        guard kinds.contains(event.kind), inTree, inUnit else { return false }
        switch event.payload {
        case .fork(let fork) where fork.isThread && !includeThreads:
            return false
        case .exit(let exit) where onlyFailedExits:
            guard exit.status?.isAbnormal ?? false else { return false }
        default:
            if onlyFailedExits { return false }
        }
        if let comm, !matchesComm(event, comm) { return false }
        return true
    }

    private func matchesComm(_ event: LifecycleEvent, _ comm: [UInt8]) -> Bool {
        if event.process.comm.bytes == comm { return true }
        if case .signal(let signal) = event.payload, signal.targetComm.bytes == comm { return true }
        return false
    }
}

/// Follows a process and its descendants. Seeded with the descendants that exist when the
/// trace starts; each fork of a tracked process adds the child. Identity is (pid, start), so a
/// recycled pid outside the tree never matches.
public final class ProcessTreeFilter {
    /// pid -> start, for every process in the tree; start nil when the source did not know it.
    private var members: [Int32: BootInstant?] = [:]

    public init(root: ProcessKey, existing: [(pid: Int32, ppid: Int32, start: BootInstant)]) {
        members[root.pid] = BootInstant(clockTicks: root.startTicks)
        // Existing descendants: walk the parent links once, in any order.
        var children: [Int32: [(Int32, BootInstant)]] = [:]
        for process in existing { children[process.ppid, default: []].append((process.pid, process.start)) }
        var pending = [root.pid]
        while let parent = pending.popLast() {
            for (child, start) in children[parent] ?? [] where members[child] == nil {
                members[child] = start
                pending.append(child)
            }
        }
    }

    public var trackedCount: Int { members.count }

    /// Updates the tree with `event` and says whether the event concerns it.
    func observe(_ event: LifecycleEvent) -> Bool {
        let involved = contains(event.process.pid, start: event.process.start)
        switch event.payload {
        case .fork(let fork) where involved && !fork.isThread:
            members[fork.childPID] = fork.childStart
        case .exit where involved:
            members[event.process.pid] = nil
        case .signal(let signal):
            return involved || contains(signal.targetPID, start: signal.targetStart)
        default:
            break
        }
        return involved
    }

    private func contains(_ pid: Int32, start: BootInstant?) -> Bool {
        guard let known = members[pid] else { return false }
        guard let known, let start else { return true }
        return known.sameStart(as: start)
    }
}
