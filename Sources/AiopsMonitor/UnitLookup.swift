import AiopsCore
import AiopsProc

/// The systemd unit a process belongs to: from the cgroup id an event carries (the cgroup of a
/// process that just exited may already be gone), else from /proc/<pid>/cgroup.
final class UnitLookup {
    private let procfs: ProcFS
    private let hierarchy: CgroupHierarchy?
    /// cgroup id → unit; ids are never reused while the cgroup lives. Bounded: cleared when full.
    private var byCgroupID: [UInt64: String?] = [:]

    init(procfs: ProcFS) {
        self.procfs = procfs
        self.hierarchy = CgroupHierarchy(procfs: procfs)
    }

    func unit(of process: EventProcess) -> String? {
        if let id = process.cgroupID, let hierarchy {
            if let known = byCgroupID[id] { return known }
            if let path = hierarchy.path(forID: id) {
                if byCgroupID.count >= 16_384 { byCgroupID.removeAll(keepingCapacity: true) }
                let unit = UnitName.innermostUnit(inCgroupPath: path)
                byCgroupID[id] = unit
                return unit
            }
        }
        return unit(pid: process.pid)
    }

    func unit(pid: Int32) -> String? {
        guard let path = procfs.read("\(pid)/cgroup").bytes.flatMap(ProcCgroup.unifiedPath) else {
            return nil
        }
        return UnitName.innermostUnit(inCgroupPath: path.lossyString)
    }

    /// Every process now in `unit`'s cgroup (and its sub-cgroups).
    func processes(inUnit unit: String) -> [Int32] {
        guard let hierarchy else { return [] }
        return hierarchy.paths(named: unit).flatMap { hierarchy.processes(under: $0) }
    }
}
