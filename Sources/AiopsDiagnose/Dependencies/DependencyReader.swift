import AiopsCore
import AiopsSystemd

/// The units a unit depends on, read from systemd: each one's state now, and for a broken one
/// its own last error lines from the journal (why it failed is what the operator needs next).
public struct DependencyReader: Sendable {
    public var systemd: SystemdReading

    public init(systemd: SystemdReading) {
        self.systemd = systemd
    }

    /// Each hard and soft dependency with its state; for broken ones, their own failure lines.
    public func read(_ properties: UnitProperties) -> [DependencyCheck.Dependency] {
        var named: [(String, String)] = []
        for relation in DependencyCheck.relations {
            for unit in properties.list(relation) where !named.contains(where: { $0.0 == unit }) {
                named.append((unit, relation))
            }
        }
        return named.compactMap { unit, relation in
            guard (try? UnitName.normalize(unit)) == unit,
                let state = try? systemd.properties(
                    of: unit, names: ["Id", "LoadState", "ActiveState", "SubState", "Result"])
            else { return nil }
            var dependency = DependencyCheck.Dependency(
                unit: unit, relation: relation, loadState: state.loadState, activeState: state.activeState,
                subState: state.subState, result: state.result)
            if dependency.isBroken, dependency.loadState == "loaded",
                let journal = try? systemd.entries(of: unit, limit: 200),
                let last = StartAttempt.last(in: journal)
            {
                let important = last.entries.filter {
                    [
                        StartAttempt.exitMessageID, StartAttempt.resultMessageID,
                        StartAttempt.jobDoneMessageID,
                        StartAttempt.spawnFailedMessageID,
                    ].contains($0.messageID ?? "")
                        || ($0.pid != 1 && $0.identifier?.lossyString != "systemd")
                }
                dependency.failureLines = important.suffix(6).map(\.messageLine)
            }
            return dependency
        }
    }
}
