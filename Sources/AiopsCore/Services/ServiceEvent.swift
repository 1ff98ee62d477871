/// One thing systemd said about a service, decoded from its journal entry (or, later, from the
/// monitoring history): the vocabulary the restart and service analyzers reason over. Times are
/// Unix microseconds, as the journal stamps them.
public struct ServiceEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// "Starting …" (a start job began).
        case starting
        /// "Started …": the start job finished successfully (for Type=simple, right after fork).
        case started
        /// "Failed to start …" or "Dependency failed for …": a start job ended with this result
        /// (failed, dependency, timeout, canceled…).
        case startJobFailed(result: String)
        /// "Stopping …": a stop job began (a manual stop or restart; automatic restarts skip it).
        case stopping
        /// "Stopped …"; jobType is "restart" for both manual and automatic restarts in 252.
        case stopped(jobType: String?)
        /// "Deactivated successfully.": the service ended cleanly.
        case deactivated
        /// "Main process exited, code=…, status=…": how the main (or control) process ended.
        case processExited(ProcessExit)
        /// "Failed with result '…'.": the unit's result (signal, core-dump, exit-code, oom-kill,
        /// watchdog, timeout, start-limit-hit, resources…).
        case failed(result: String)
        /// "Scheduled restart job, restart counter is at N.": an automatic restart.
        case restartScheduled(counter: Int?)
        /// "Start request repeated too quickly.": the start limit stopped the restarts.
        case startLimitHit
        /// "A process of this unit has been killed by the OOM killer." (cgroup v2 hosts only).
        case oomKilled
        /// "Watchdog timeout (limit …)!".
        case watchdogTimeout
        /// "Failed at step EXEC spawning …": systemd could not start the command.
        case spawnFailed(errno: Int32?)
        /// A core dump systemd-coredump recorded for the unit.
        case coreDumped(signal: Int32?, pid: Int32?, executable: UntrustedText?)
        /// "Sent signal SIGTERM to main process N (comm) on client request.": `systemctl kill`.
        /// The only trace of an outside signal whose death systemd counts as clean: a SIGTERM
        /// death is logged at debug level, so no "Main process exited" entry follows.
        case signalSent(signal: Int32)
    }

    /// The wait-status decoded into systemd's words (EXIT_CODE and EXIT_STATUS fields).
    public struct ProcessExit: Sendable, Equatable {
        public enum Code: String, Sendable {
            case exited, killed, dumped
        }

        public var code: Code
        /// The exit status (code exited) or the signal number (killed, dumped).
        public var status: Int32
        /// Which command: "ExecStart", "ExecStartPre"…
        public var command: String?

        public init(code: Code, status: Int32, command: String? = nil) {
            self.code = code
            self.status = status
            self.command = command
        }

        /// A death by signal (with or without a core).
        public var signal: Int32? { code == .exited ? nil : status }
        public var coreDumped: Bool { code == .dumped }

        /// Whether systemd counts this as a clean end for a daemon: exit 0, or SIGHUP, SIGINT,
        /// SIGTERM, SIGPIPE (what `systemctl stop` sends is not a crash).
        public var isClean: Bool {
            switch code {
            case .exited: return status == 0
            case .killed: return [1, 2, 13, 15].contains(status)
            case .dumped: return false
            }
        }
    }

    public var kind: Kind
    /// Unix microseconds.
    public var time: Int64
    /// The run (INVOCATION_ID) it belongs to, when the entry names one.
    public var invocationID: String?
    /// The journal's escaped message, for a timeline line.
    public var message: UntrustedText

    public init(kind: Kind, time: Int64, invocationID: String? = nil, message: UntrustedText = "") {
        self.kind = kind
        self.time = time
        self.invocationID = invocationID
        self.message = message
    }
}
