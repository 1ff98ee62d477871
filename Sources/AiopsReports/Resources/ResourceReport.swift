import AiopsAnalyze
import AiopsCore
import AiopsProc

/// Everything `aiops analyze process --resources` found, before it is shown: the table and the
/// JSON are two views of this one value, so they always carry the same facts.
public struct ResourceReport {
    public enum Ending: String {
        case completed
        case processExited = "process_exited"
        case interrupted
    }

    struct Window {
        var start: BootInstant
        var end: BootInstant
        var requestedSeconds: Double
        var intervalSeconds: Double
        var samples: Int
        var ending: Ending

        var seconds: Double { end.seconds(since: start) }
    }

    struct Identity {
        /// What --pid said (a thread id when the note says so).
        var requestedPID: Int32
        var stat: ProcStat
        var argv: [UntrustedText]
        var argvTruncated: Bool
        var executable: ProcReading<[UInt8]>
        var uid: UInt32?
        var ageSeconds: Double
    }

    /// Shares are fractions of one CPU (1.0 = one CPU busy), as top and ps show them.
    struct CPU {
        var userSeconds: Double
        var systemSeconds: Double
        var windowUserShare: Double?
        var windowSystemShare: Double?
        /// CPU time ÷ age: what ps's %CPU shows.
        var lifetimeShare: Double?
        var onlineCPUs: Int

        var windowShare: Double? {
            guard let windowUserShare, let windowSystemShare else { return nil }
            return windowUserShare + windowSystemShare
        }
    }

    struct Memory {
        var status: ProcReading<ProcStatusResources>
        var rollup: ProcReading<SmapsRollup>
        /// MemTotal.
        var ramBytes: UInt64?
        var residentBytes: UInt64?
    }

    struct IORates {
        var storageRead: Double
        var storageWrite: Double
        var readCharacters: Double
        var writtenCharacters: Double
        var readSyscalls: Double
        var writeSyscalls: Double
    }

    struct IO {
        var counters: ProcReading<ProcIO>
        var rates: IORates?
    }

    struct Threads {
        var count: Int
        var switches: ProcReading<ContextSwitches>
        var voluntaryPerSecond: Double?
        var involuntaryPerSecond: Double?
    }

    /// One rlimit with what the process uses of it, when that is known.
    struct LimitRow {
        var limit: ResourceLimit
        var usage: UInt64?
        /// Why the usage is unknown when it could have been read (e.g. descriptors: permission).
        var usageUnavailable: ProcUnavailable?
        /// Why the usage means less than it seems ("not enforced for root"), when it does.
        var remark: String?

        /// Usage ÷ the soft limit.
        var shareOfSoft: Double? {
            guard let usage, let soft = limit.soft.number, soft > 0 else { return nil }
            return Double(usage) / Double(soft)
        }
    }

    public struct Peer {
        public var pid: Int32
        public var comm: UntrustedText
        public var residentBytes: UInt64?
        public var cpuShare: Double?
        public var threads: Int
        public var openFiles: Int?

        public init(
            pid: Int32, comm: UntrustedText, residentBytes: UInt64?, cpuShare: Double?, threads: Int,
            openFiles: Int?
        ) {
            self.pid = pid
            self.comm = comm
            self.residentBytes = residentBytes
            self.cpuShare = cpuShare
            self.threads = threads
            self.openFiles = openFiles
        }
    }

    public struct Peers {
        var executable: [UInt8]
        /// Every other process of the executable.
        var count: Int
        var unreadable: Int
        /// The largest by RSS, at most `shownLimit`.
        var shown: [Peer]
        var medianResidentBytes: Double?
        var medianCPUShare: Double?

        public static let shownLimit = 5

        public init(
            executable: [UInt8], count: Int, unreadable: Int, shown: [Peer], medianResidentBytes: Double?,
            medianCPUShare: Double?
        ) {
            self.executable = executable
            self.count = count
            self.unreadable = unreadable
            self.shown = shown
            self.medianResidentBytes = medianResidentBytes
            self.medianCPUShare = medianCPUShare
        }
    }

    struct Trend {
        /// "rss", "open_files", "threads": the JSON key.
        var key: String
        var label: String
        var unit: GrowthAnalysis.Unit
        var analysis: GrowthAnalysis
    }

    enum Severity: String {
        case info, warning, critical
    }

    struct Note {
        var severity: Severity
        var text: String
    }

    var window: Window
    var process: Identity
    var cpu: CPU
    var memory: Memory
    var io: IO
    var network: ProcReading<ProcessSockets>
    var files: ProcReading<OpenFiles>
    var threads: Threads
    var limits: ProcReading<[LimitRow]>
    /// Tasks (threads) of the process's real uid system-wide: what RLIMIT_NPROC counts.
    var userTasks: Int?
    var cgroup: ProcReading<CgroupLimits>
    var peers: ProcReading<Peers>
    var trends: [Trend]
    var samples: [ProcessResourceSample]
    var notes: [Note]
}
