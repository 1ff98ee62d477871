import AiopsSystemd

/// The units a unit names in its dependency properties, each once with all its relations, less
/// the ordering every service carries.
public enum DependencyRelations {
    /// Strongest first: the order a unit's relations are listed and shown in. After= is read
    /// because the journal's story often starts with a unit that was only ordered before this one.
    public static let all = ["Requires", "Requisite", "BindsTo", "Wants", "TriggeredBy", "After"]

    /// Each named unit once, in the order first named, with every relation naming it; After=
    /// units alone only when `isWorthShowing(orderedAfter:)`.
    public static func named(in properties: UnitProperties) -> [(unit: String, relations: [String])] {
        var named: [(unit: String, relations: [String])] = []
        for relation in all {
            for unit in properties.list(relation) {
                if let index = named.firstIndex(where: { $0.unit == unit }) {
                    if !named[index].relations.contains(relation) { named[index].relations.append(relation) }
                } else {
                    named.append((unit, [relation]))
                }
            }
        }
        return named.filter { $0.relations != ["After"] || isWorthShowing(orderedAfter: $0.unit) }
    }

    /// Whether a unit this one is only ordered after (After=, nothing else) is worth a line.
    ///
    /// The rule: show what someone wrote, skip what systemd orders every service after. Targets
    /// are skipped as a kind: a target is a synchronization point that becomes active as soon as
    /// its start job runs, even when units it groups failed, so its own state never explains a
    /// failure (sysinit.target, basic.target from DefaultDependencies=, network.target). Slices
    /// only group cgroups and do not fail. The root mount and journald's sockets (added for
    /// StandardOutput=journal, LogNamespace=) are there for every service. What is left — a
    /// database, a mount, a preparation oneshot — is shown with its state. A unit also named by
    /// Requires=/Wants=/TriggeredBy= is always shown, with After= among its relations.
    public static func isWorthShowing(orderedAfter unit: String) -> Bool {
        if unit.hasSuffix(".target") || unit.hasSuffix(".slice") || unit == "-.mount" { return false }
        if unit.hasPrefix("systemd-journald") && unit.hasSuffix(".socket") { return false }
        return true
    }
}
