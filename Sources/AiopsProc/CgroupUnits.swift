import AiopsCore

/// cgroup id → the innermost systemd unit of that cgroup, cached: an id names one cgroup for
/// the cgroup's whole life, so the answer never changes. The one cache for every consumer of
/// lifecycle events (trace's JSON `unit`, the monitor's alerts and history).
public final class CgroupUnits {
    public enum Lookup: Equatable {
        /// No cgroup has this id now (not cached: it may be created yet, or be gone already).
        case unknownCgroup
        /// The cgroup exists; nil when it is in no unit.
        case found(unit: String?)
    }

    public let hierarchy: CgroupHierarchy
    /// Past this many ids the cache starts over (a long-running monitor sees every cgroup the
    /// host ever creates).
    public let capacity: Int
    private var byID: [UInt64: String?] = [:]

    public init(hierarchy: CgroupHierarchy, capacity: Int = 16_384) {
        self.hierarchy = hierarchy
        self.capacity = capacity
    }

    public func lookup(_ id: UInt64) -> Lookup {
        if let known = byID[id] { return .found(unit: known) }
        guard let path = hierarchy.path(forID: id) else { return .unknownCgroup }
        if byID.count >= capacity { byID.removeAll(keepingCapacity: true) }
        let unit = UnitName.innermostUnit(inCgroupPath: path)
        byID[id] = unit
        return .found(unit: unit)
    }

    /// The unit, nil when the cgroup is unknown or in no unit.
    public func unit(ofCgroupID id: UInt64) -> String? {
        guard case .found(let unit) = lookup(id) else { return nil }
        return unit
    }
}
