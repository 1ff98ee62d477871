import AiopsCore

/// What the engine found in one step: alerts to dispatch and records for the history. The engine
/// never sends or writes anything itself, so it is tested without sinks or a database.
public struct MonitorOutput: Sendable {
    public var alerts: [Alert] = []
    public var exits: [ExitRecord] = []
    public var restarts: [RestartRecord] = []
    public var forkStorms: [ForkStormRecord] = []

    public init() {}

    public var isEmpty: Bool { alerts.isEmpty && exits.isEmpty && restarts.isEmpty && forkStorms.isEmpty }

    public mutating func append(_ other: MonitorOutput) {
        alerts += other.alerts
        exits += other.exits
        restarts += other.restarts
        forkStorms += other.forkStorms
    }
}
