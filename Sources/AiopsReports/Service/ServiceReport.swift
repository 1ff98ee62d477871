import AiopsCore
import AiopsDiagnose
import AiopsSystemd

/// Everything `aiops analyze service` found; the panel and the JSON are two views of it.
public struct ServiceReport {
    struct State {
        var load: String
        var active: String
        var sub: String
        var result: String?
        var unitFileState: String?
    }

    struct MainProcess {
        var pid: Int32
        /// From /proc; nil when it exited between systemctl and the read.
        var process: ServiceProcess?
        /// ExecMainStartTimestamp, Unix µs.
        var startedAt: Int64?
    }

    /// How the last main process ended (ExecMainCode/Status), when one has.
    struct LastExit {
        var exit: ServiceEvent.ProcessExit
        var time: Int64?
    }

    struct Limits {
        var memoryCurrent: UnitProperties.Quantity
        var memoryMax: UnitProperties.Quantity
        var memoryHigh: UnitProperties.Quantity
        var tasksCurrent: UnitProperties.Quantity
        var tasksMax: UnitProperties.Quantity
        /// Sum of the cgroup's processes' RSS: what memory means when accounting is off.
        var residentBytes: UInt64?
    }

    struct RestartPolicy {
        var restart: String
        var restartDelayMicroseconds: UInt64?
        var startLimitBurst: Int64?
        var startLimitIntervalMicroseconds: UInt64?
        /// Automatic restarts since the last manual start/stop: in memory only, reset by a stop.
        var automaticRestarts: Int64?
    }

    var unit: String
    var description: UntrustedText?
    var state: State
    var invocationID: String?
    /// ActiveEnterTimestamp: when the unit last became active, Unix µs.
    var activeSince: Int64?
    /// StateChangeTimestamp.
    var stateChangedAt: Int64?
    var now: Int64
    var main: MainProcess?
    var lastExit: LastExit?
    var controlGroup: String?
    /// nil when the cgroup could not be found (a stopped unit has none).
    var processes: [ServiceProcess]?
    var limits: Limits
    var policy: RestartPolicy
    var unitFile: UntrustedText?
    var dropIns: UntrustedText?
    var execStart: UntrustedText?
    /// ExecStart= parsed: what runs, as words (systemctl does not quote, so an argument with a
    /// space shows split).
    var execCommands: [ExecCommand]
    var user: UntrustedText?
    var journal: ServiceJournalDigest
    var detail: Bool

    var uptimeSeconds: Double? {
        guard state.active == "active" || state.active == "reloading", let since = activeSince else {
            return nil
        }
        return UnixTimeText.seconds(max(now - since, 0))
    }
}
