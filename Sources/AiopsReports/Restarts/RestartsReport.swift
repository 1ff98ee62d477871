import AiopsAnalyze
import AiopsCore
import AiopsSystemd

/// Everything `aiops analyze restarts` found; the panel and the JSON are two views of it.
public struct RestartsReport {
    struct Current {
        var active: String
        var sub: String
        var mainPID: Int32?
        var activeSince: Int64?
        var loaded: Bool
    }

    public enum KernelLog {
        case read(oomKills: Int, lostRecords: Int)
        case unavailable(String)
    }

    /// The journal's copy of the kernel log (`_TRANSPORT=kernel`): the whole period.
    public enum KernelJournal {
        /// `entries`: kernel entries journalctl printed; `narrowed`: it applied --grep itself.
        case read(oomKills: Int, entries: Int, narrowed: Bool)
        case unavailable(String)
    }

    struct Advice {
        /// The specification's split: steps to take now, and what finds the cause.
        enum Term: String {
            case short
            case long
        }

        var term: Term
        var text: String
        var command: String?
    }

    /// What the monitoring daemon's history added: `deaths[i]` is the death of `episodes[i]`.
    public struct MonitorHistory {
        public var path: String
        /// Why it could not be read (no file, not an aiops history…); nil when it was read.
        public var unavailable: String?
        /// Deaths recorded for the unit in the period, matched or not.
        public var recorded: Int = 0
        public var deaths: [Int: ExitRecord] = [:]

        public init(
            path: String, unavailable: String? = nil, recorded: Int = 0, deaths: [Int: ExitRecord] = [:]
        ) {
            self.path = path
            self.unavailable = unavailable
            self.recorded = recorded
            self.deaths = deaths
        }
    }

    var unit: String
    var now: Int64
    var since: Int64
    /// Where the numbers start: `since`, or the journal's oldest entry when that is later.
    var coveredSince: Int64
    /// The oldest entry of the whole journal, when it could be read.
    var journalStartsAt: Int64?
    var current: Current
    var episodes: [RestartEpisode]
    var statistics: RestartStatistics
    /// The /dev/kmsg ring.
    var kernelLog: KernelLog
    var kernelJournal: KernelJournal
    /// The OOM kills of both, each once.
    var kernelOOMKills: Int
    var memoryMax: UnitProperties.Quantity
    /// systemd's own counter, shown only to say why it is not used.
    var systemdRestartCounter: Int64?
    var journalEntries: Int
    var monitorHistory: MonitorHistory
    var advice: [Advice]

    var periodSeconds: Double { Double(now - since) / 1e6 }
    var coveredSeconds: Double { Double(now - coveredSince) / 1e6 }
    /// The journal starts inside the period: only part of it could be looked at.
    var partlyCovered: Bool { coveredSince > since }

    var uptimeSeconds: Double? {
        guard current.active == "active", let since = current.activeSince else { return nil }
        return Double(max(now - since, 0)) / 1e6
    }
}
