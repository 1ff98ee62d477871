import AiopsCore
import AiopsSystemd

/// The units a unit depends on, read from systemd: each one's state now, and for a broken one
/// its own last error lines from the journal (why it failed is what the operator needs next).
public struct DependencyReader: Sendable {
    public var systemd: SystemdReading

    public init(systemd: SystemdReading) {
        self.systemd = systemd
    }

    /// Each dependency (`DependencyRelations.named`) with its state; for broken ones, their own
    /// failure lines.
    public func read(_ properties: UnitProperties) -> [DependencyCheck.Dependency] {
        DependencyRelations.named(in: properties).compactMap { unit, relations in
            guard (try? UnitName.normalize(unit)) == unit,
                let state = try? systemd.properties(
                    of: unit, names: ["Id", "LoadState", "ActiveState", "SubState", "Result"])
            else { return nil }
            var dependency = DependencyCheck.Dependency(
                unit: unit, relations: relations, loadState: state.loadState, activeState: state.activeState,
                subState: state.subState, result: state.result)
            if dependency.isBroken, dependency.loadState == "loaded",
                let journal = try? systemd.entries(of: unit, limit: 200),
                let last = StartAttempt.last(in: journal)
            {
                dependency.failureLines = Self.failureLines(of: last)
            }
            return dependency
        }
    }

    /// The lines that say why an attempt failed: systemd's exit, result and job messages, its
    /// spawn failures, systemd's own messages carrying an errno ("foo.socket: Failed to create
    /// listening socket ([::]:8080): Address already in use" — the reason a socket failed),
    /// and what the unit's processes printed. The last six.
    static func failureLines(of attempt: StartAttempt) -> [String] {
        let important = attempt.entries.filter {
            [
                StartAttempt.exitMessageID, StartAttempt.resultMessageID, StartAttempt.jobDoneMessageID,
                StartAttempt.spawnFailedMessageID,
            ].contains($0.messageID ?? "")
                || $0.word("ERRNO") != nil
                || ($0.pid != 1 && $0.identifier?.lossyString != "systemd")
        }
        return important.suffix(6).map(\.messageLine)
    }
}
