import AiopsCore

/// One interruption of a service: a run (one INVOCATION_ID) ended — by a crash, a failure, an
/// OOM kill, the watchdog, an operator — and, when it happened, the next successful start.
public struct RestartEpisode: Sendable, Equatable {
    public enum Cause: Sendable, Equatable {
        /// Killed by a signal that is not a clean stop (SIGSEGV, SIGABRT, SIGKILL from outside…).
        case crash(signal: Int32, coreDumped: Bool)
        /// The main process exited with a failure status (203/EXEC and the other systemd
        /// statuses included; errno from the spawn failure when systemd logged one).
        case exitCode(status: Int32, errno: Int32?)
        /// Killed by the OOM killer: systemd saw it (cgroup v2), or the kernel log names the
        /// unit's cgroup for a SIGKILL death (cgroup v1, where systemd only sees SIGKILL).
        case oomKill(evidence: OOMEvidence)
        case watchdog
        /// A start, stop or runtime timeout (Result=timeout).
        case timeout
        /// An operator's `systemctl restart` (Stopping → Stopped JOB_TYPE=restart, no scheduled job).
        case manualRestart
        /// An operator's `systemctl stop`, later started again (or not: then no recovery).
        case manualStop
        /// A start job that failed because a required unit failed.
        case dependencyFailed
        /// The main process ended cleanly (exit 0, or SIGTERM/SIGHUP/SIGINT/SIGPIPE, e.g. from
        /// `systemctl kill`) and systemd's Restart= (always, on-success) started it again. A clean
        /// end that only a start request followed is no episode (RestartHistory.completedRuns).
        case cleanExit
        /// A failure result systemd named but nothing above explains.
        case other(result: String)
    }

    public enum OOMEvidence: Sendable, Equatable {
        /// systemd's "killed by the OOM killer" / Result=oom-kill.
        case systemd
        /// A kernel `oom-kill:` line whose task_memcg is the unit's cgroup.
        case kernel(KernelOOMKill)
    }

    /// The run that ended.
    public var invocationID: String?
    public var cause: Cause
    /// When the run ended: the main process's exit, else the first stop message. Unix µs.
    public var time: Int64
    /// When that run had started (its "Started" message), if inside the period.
    public var runStartedAt: Int64?
    public var exit: ServiceEvent.ProcessExit?
    /// The unit's result ("core-dump", "exit-code"…), when it failed.
    public var result: String?
    /// systemd scheduled the restart itself (Restart=), rather than an operator.
    public var automatic: Bool
    /// systemd's restart counter from the "Scheduled restart job" line.
    public var restartCounter: Int?
    /// The start limit refused the restart: the service stayed down.
    public var startLimitHit: Bool
    /// The next successful start, Unix µs; nil while the service is still down.
    public var recoveredAt: Int64?
    /// A core dump systemd-coredump recorded for this run.
    public var coreDumpExecutable: UntrustedText?
    /// The signal `systemctl kill` sent to the main process in that run: the only record of
    /// an outside SIGTERM, whose clean death systemd logs at debug level only.
    public var signalSent: Int32?
    /// The last lines the service itself logged in that run.
    public var logTail: [UntrustedText]

    /// The time from the end of the run to the next successful start.
    public var recoverySeconds: Double? {
        recoveredAt.map { Double(max($0 - time, 0)) / 1e6 }
    }

    /// How long the run lasted.
    public var uptimeSeconds: Double? {
        runStartedAt.map { Double(max(time - $0, 0)) / 1e6 }
    }

    /// Whether the service was started again after this episode (a restart happened).
    public var restarted: Bool { recoveredAt != nil }

    /// A stable category for statistics and JSON: crash, exit_code, oom_kill, watchdog, timeout,
    /// manual_restart, manual_stop, dependency, clean_exit, other — or start_limit_hit when the
    /// start limit refused the restart (the failure that led there is still `cause`).
    public var category: String {
        if startLimitHit { return "start_limit_hit" }
        return cause.category
    }
}

extension RestartEpisode.Cause {
    public var category: String {
        switch self {
        case .crash: return "crash"
        case .exitCode: return "exit_code"
        case .oomKill: return "oom_kill"
        case .watchdog: return "watchdog"
        case .timeout: return "timeout"
        case .manualRestart: return "manual_restart"
        case .manualStop: return "manual_stop"
        case .dependencyFailed: return "dependency"
        case .cleanExit: return "clean_exit"
        case .other: return "other"
        }
    }
}
