import AiopsCore

/// Words for service events and exits, shared by the service and restart reports.
enum ServiceEventText {
    /// "killed by SIGSEGV (core dumped)", "exited 203 (systemd: failed at step EXEC)".
    static func exit(_ exit: ServiceEvent.ProcessExit) -> String {
        switch exit.code {
        case .exited:
            let meaning = ExitCodeMeaning.of(exit.status).map { " (\($0))" } ?? ""
            return "exited \(exit.status)\(meaning)"
        case .killed: return "killed by \(SignalName.of(exit.status))"
        case .dumped: return "killed by \(SignalName.of(exit.status)) (core dumped)"
        }
    }

    /// A stable key for JSON: "started", "process_exited", "restart_scheduled"…
    static func key(_ kind: ServiceEvent.Kind) -> String {
        switch kind {
        case .starting: return "starting"
        case .started: return "started"
        case .startJobFailed: return "start_failed"
        case .stopping: return "stopping"
        case .stopped: return "stopped"
        case .deactivated: return "deactivated"
        case .processExited: return "process_exited"
        case .failed: return "failed"
        case .restartScheduled: return "restart_scheduled"
        case .startLimitHit: return "start_limit_hit"
        case .oomKilled: return "oom_killed"
        case .watchdogTimeout: return "watchdog_timeout"
        case .spawnFailed: return "spawn_failed"
        case .coreDumped: return "core_dumped"
        case .signalSent: return "signal_sent"
        }
    }

    /// One line for a timeline.
    static func describe(_ kind: ServiceEvent.Kind) -> String {
        switch kind {
        case .starting: return "starting"
        case .started: return "started"
        case .startJobFailed(let result):
            return result == "dependency" ? "start failed: a dependency failed" : "start failed (\(result))"
        case .stopping: return "stopping (stop or restart requested)"
        case .stopped(let jobType): return jobType == "restart" ? "stopped for a restart" : "stopped"
        case .deactivated: return "deactivated successfully"
        case .processExited(let exit): return "main process " + Self.exit(exit)
        case .failed(let result): return "failed with result '\(result)'"
        case .restartScheduled(let counter):
            return "automatic restart scheduled" + (counter.map { " (counter \($0))" } ?? "")
        case .startLimitHit: return "start limit hit: restarts stopped"
        case .oomKilled: return "a process was killed by the OOM killer"
        case .watchdogTimeout: return "watchdog timeout"
        case .spawnFailed(let number):
            return "could not start the command" + (number.map { " (errno \($0))" } ?? "")
        case .coreDumped(let signal, let pid, _):
            return "core dumped" + (signal.map { " by \(SignalName.of($0))" } ?? "")
                + (pid.map { " (pid \($0))" } ?? "")
        case .signalSent(let signal):
            return "\(SignalName.of(signal)) sent to the main process (systemctl kill)"
        }
    }
}
