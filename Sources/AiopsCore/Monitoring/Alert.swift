/// Something the monitor tells an operator about. Alerts are printed, appended to a JSON-lines
/// file, POSTed to a webhook and/or handed to a command, and kept in the history.
public struct Alert: Hashable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A critical process exited (abnormally, or at all if it is critical).
        case processExited = "process_exited"
        /// A critical process came back after an exit (something restarted it).
        case processRestarted = "process_restarted"
        case cpuSpike = "cpu_spike"
        case memorySpike = "memory_spike"
        case ioSpike = "io_spike"
        /// Sustained growth of memory, file descriptors or threads.
        case resourceLeak = "resource_leak"
        case zombieAccumulation = "zombie_accumulation"
        case forkStorm = "fork_storm"
        /// A fork storm is over: its duration, peak rate and total. A kind of its own so it is
        /// never held back as a repeat of the storm's start.
        case forkStormEnded = "fork_storm_ended"
        /// The monitor itself has a problem the operator must know about (history unwritable…).
        case monitorProblem = "monitor_problem"
    }

    public enum Severity: String, Sendable, Comparable {
        case info, warning, critical

        private var rank: Int {
            switch self {
            case .info: return 0
            case .warning: return 1
            case .critical: return 2
            }
        }

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
    }

    public var kind: Kind
    public var severity: Severity
    /// Wall-clock time, nanoseconds since the Unix epoch: alerts leave the machine.
    public var unixNanoseconds: Int64
    /// What it is about, for people: "nginx (pid 1234)", "nginx.service".
    public var subject: String
    public var pid: Int32?
    public var unit: String?
    /// One line an operator reads first: "exited with SIGSEGV (core dumped) after 3h2m".
    public var summary: String
    /// Facts behind it, in a stable order (name, value), for JSON and the history.
    public var facts: [Fact]

    public struct Fact: Hashable, Sendable {
        public var name: String
        public var value: Value

        public init(_ name: String, _ value: Value) {
            self.name = name
            self.value = value
        }
    }

    public enum Value: Hashable, Sendable {
        case integer(Int64)
        case number(Double)
        case text(String)
        case flag(Bool)
    }

    public init(
        kind: Kind, severity: Severity, unixNanoseconds: Int64, subject: String, pid: Int32? = nil,
        unit: String? = nil, summary: String, facts: [Fact] = []
    ) {
        self.kind = kind
        self.severity = severity
        self.unixNanoseconds = unixNanoseconds
        self.subject = subject
        self.pid = pid
        self.unit = unit
        self.summary = summary
        self.facts = facts
    }

    /// Alerts with the same key are the same condition: deduplicated and rate-limited together.
    public var deduplicationKey: String { "\(kind.rawValue)|\(subject)" }
}
