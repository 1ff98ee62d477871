import AiopsCore
import AiopsProc

/// The systemd unit a process belongs to: from the cgroup id an event carries (the cgroup of a
/// process that just exited may already be gone), else from /proc/<pid>/cgroup.
final class UnitLookup {
    private let procfs: ProcFS
    private let cgroupUnits: CgroupUnits?

    init(procfs: ProcFS) {
        self.procfs = procfs
        self.cgroupUnits = CgroupHierarchy(procfs: procfs).map { CgroupUnits(hierarchy: $0) }
    }

    func unit(of process: EventProcess) -> String? {
        if let id = process.cgroupID, let cgroupUnits, case .found(let unit) = cgroupUnits.lookup(id) {
            return unit
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
        guard let hierarchy = cgroupUnits?.hierarchy else { return [] }
        return hierarchy.paths(named: unit).flatMap { hierarchy.processes(under: $0) }
    }
}
