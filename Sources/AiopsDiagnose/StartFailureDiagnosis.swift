import AiopsCore

/// Everything `aiops diagnose start-failure` found about one unit: its state, the last start
/// attempt from the journal, the checks, and the ranked solutions. The boxed report and the
/// JSON object are two views of this one value.
public struct StartFailureDiagnosis: Sendable {
    public var unit: String
    public var description: String?
    public var loadState: String?
    public var activeState: String?
    public var subState: String?
    /// systemctl's Result= (reset to "success" by a dependency failure or a stop).
    public var result: String?
    public var fragmentPath: String?
    /// Why systemd could not load the unit file (LoadState=bad-setting, error), in its words.
    public var loadError: String?
    public var user: String?

    /// The last attempt's journal entries (oldest first), and how many were left out to keep
    /// the report short.
    public var attempt: StartAttempt?
    public var attemptEntriesOmitted: Int
    /// When the last attempt began (microseconds since the epoch).
    public var attemptTime: Int64?
    /// How its process ended (journal, else systemctl's ExecMain*).
    public var exit: UnitExitStatus?
    public var unitResult: String?
    public var jobResult: String?

    public var checks: [CheckResult]
    public var portConflicts: [PortConflict]
    public var dependencies: [DependencyCheck.Dependency]
    public var configurationRuns: [ConfigurationCheck.Run]
    public var plan: SolutionPlanner.Plan
    /// Things that limited the diagnosis ("not root: other users' processes are not visible").
    public var notes: [String]

    /// Whether the unit is in a failed state, cannot be loaded, its last attempt failed, or
    /// what activates it failed (a socket that could not listen: the service then never runs,
    /// though it has no failed attempt of its own).
    public var failed: Bool {
        activeState == "failed" || ["bad-setting", "error", "masked"].contains(loadState ?? "")
            || jobResult.map { $0 != "done" } ?? false || (unitResult.map { $0 != "success" } ?? false)
            || !failedTriggers.isEmpty
    }

    /// The sockets (paths, timers) that start the unit and failed on their own account.
    public var failedTriggers: [DependencyCheck.Dependency] {
        dependencies.filter { $0.isTrigger && $0.blocksStart }
    }
}
