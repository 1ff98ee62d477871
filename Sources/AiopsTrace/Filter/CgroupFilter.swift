import AiopsCore
import AiopsProc

/// Events of the processes in a systemd unit's cgroup (and its sub-cgroups), including signals
/// sent *to* them from outside (systemd stopping the unit, an operator's kill).
public final class CgroupFilter {
    public let unit: String
    private let hierarchy: CgroupHierarchy
    private var verdictByID: [UInt64: Bool] = [:]
    private var verdictScan = 0
    private var memberPIDs: Set<Int32>

    /// `unit` is a validated, full unit name ("nginx.service").
    public init(unit: String, hierarchy: CgroupHierarchy) {
        self.unit = unit
        self.hierarchy = hierarchy
        memberPIDs = Set(hierarchy.paths(named: unit).flatMap { hierarchy.processes(under: $0) })
    }

    /// Whether a cgroup with this name exists now (a unit that is not running has none).
    public var unitCurrentlyExists: Bool { !hierarchy.paths(named: unit).isEmpty }

    /// Updates the unit's membership with `event` and says whether the event concerns the unit.
    func observe(_ event: LifecycleEvent) -> Bool {
        let member: Bool
        if let id = event.process.cgroupID {
            member = isInUnit(id)
        } else {
            member = memberPIDs.contains(event.process.pid)
        }
        switch event.payload {
        case .fork(let fork) where member && !fork.isThread:
            memberPIDs.insert(fork.childPID)
        case .exec where member:
            memberPIDs.insert(event.process.pid)
        case .exit:
            // `member` was decided above: the exit itself still passes.
            memberPIDs.remove(event.process.pid)
        case .signal(let signal):
            return member || memberPIDs.contains(signal.targetPID)
        default:
            break
        }
        return member
    }

    private func isInUnit(_ id: UInt64) -> Bool {
        if hierarchy.scans != verdictScan {
            // A rescan may have found cgroups created since: forget the "not found" verdicts.
            verdictByID = verdictByID.filter { $0.value }
            verdictScan = hierarchy.scans
        }
        if let verdict = verdictByID[id] { return verdict }
        guard let path = hierarchy.path(forID: id) else { return false }
        let verdict = path.split(separator: "/").contains { $0 == unit }
        verdictByID[id] = verdict
        return verdict
    }
}
