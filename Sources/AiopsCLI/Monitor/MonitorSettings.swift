import AiopsAlert
import AiopsCore
import AiopsMonitor
import AiopsStore

/// Everything `aiops monitor processes` runs with: the config file's settings, then the command
/// line's on top. A reload (SIGHUP) builds a new one the same way.
struct MonitorSettings: Equatable {
    var rules = MonitorRules()
    /// nil: no history.
    var historyPath: String? = HistoryStore.defaultPath
    var historyLimits = HistoryLimits()
    var alertFile: String?
    var webhook: String?
    var alertCommand: AlertCommand?
    var throttle = AlertThrottle.Configuration()

    /// Whether two settings need different alert sinks (a reload rebuilds them only then).
    func sameSinks(as other: MonitorSettings) -> Bool {
        alertFile == other.alertFile && webhook == other.webhook && alertCommand == other.alertCommand
            && throttle == other.throttle
    }
}

/// Settings given on the command line: they win over the config file, at start and on reload.
struct MonitorOverrides {
    var critical: [CriticalTarget] = []
    var intervalNanoseconds: UInt64?
    var historyPath: String?
    var noHistory = false
    var alertFile: String?
    var webhook: String?
    var alertCommand: String?
    var onlyCritical = false

    func apply(to settings: inout MonitorSettings) {
        if onlyCritical {
            settings.rules.alertOnAnyCrash = false
            settings.rules.anomaliesForAllProcesses = false
        }
        if !critical.isEmpty { settings.rules.critical = critical }
        if let intervalNanoseconds { settings.rules.intervalNanoseconds = intervalNanoseconds }
        if let historyPath { settings.historyPath = historyPath }
        if noHistory { settings.historyPath = nil }
        if let alertFile { settings.alertFile = alertFile }
        if let webhook { settings.webhook = webhook }
        if let alertCommand { settings.alertCommand = .shell(alertCommand) }
    }
}
