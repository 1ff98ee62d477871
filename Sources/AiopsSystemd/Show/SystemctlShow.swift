import AiopsCore

/// Reads a unit's properties with `systemctl show`, the unit name one argument of its own.
public struct SystemctlShow: Sendable {
    public var systemctl: String
    public var runner: ProgramRunner

    public init(systemctl: String = "systemctl", runner: ProgramRunner = ProgramRunner(timeoutSeconds: 30)) {
        self.systemctl = systemctl
        self.runner = runner
    }

    /// The `UnitProperties.standard` properties of `unit` (a validated, full unit name). systemd
    /// answers even for a unit it does not know (LoadState=not-found): callers decide.
    public func properties(of unit: String, names: [String] = UnitProperties.standard) throws(AiopsError)
        -> UnitProperties
    {
        var lines: [ArraySlice<UInt8>] = []
        let outcome: ProgramRunner.Outcome
        do {
            outcome = try runner.run(
                [systemctl, "show", "--timestamp=us+utc", "-p", names.joined(separator: ","), "--", unit]
            ) { lines.append($0) }
        } catch {
            throw AiopsError(.unavailable, "cannot run systemctl: \(error)")
        }
        guard outcome.status == 0, !outcome.timedOut else {
            throw AiopsError(
                .failure,
                "systemctl show \(unit) failed (status \(outcome.status)): \(outcome.errorText)")
        }
        return UnitProperties.parse(lines)
    }
}
