import AiopsAnalyze
import AiopsCore
import AiopsSystemd

#if canImport(Glibc)
    import Glibc
#endif

/// Rebuilds `analyze restarts`' history (AiopsAnalyze.RestartHistory) from the facts the CLI
/// gathered: the journal for the period, the kernel's OOM kills (the /dev/kmsg ring and the
/// journal's kernel entries), the unit's current state, and the monitoring daemon's deaths, which
/// add the killer and the resources at death to the episodes the journal describes.
public enum RestartsReportBuilder {
    /// What was read for one report; nothing here is read again.
    public struct Facts {
        var unit: String
        var properties: UnitProperties
        /// Unix µs: the end of the period, and its start.
        var now: Int64
        var since: Int64
        /// The oldest entry of the whole journal, when it could be read.
        var journalStartsAt: Int64?
        /// The unit's lifecycle events of the period, oldest first.
        var events: [ServiceEvent]
        /// The last lines the service logged in each run, by invocation id.
        var logTails: [String: [UntrustedText]]
        var journalEntries: Int
        /// The OOM kills of the ring and of the journal, each once.
        var kernelOOMKills: [KernelOOMKill]
        var kernelLog: RestartsReport.KernelLog
        var kernelJournal: RestartsReport.KernelJournal

        public init(
            unit: String, properties: UnitProperties, now: Int64, since: Int64, journalStartsAt: Int64?,
            events: [ServiceEvent], logTails: [String: [UntrustedText]], journalEntries: Int,
            kernelOOMKills: [KernelOOMKill], kernelLog: RestartsReport.KernelLog,
            kernelJournal: RestartsReport.KernelJournal
        ) {
            self.unit = unit
            self.properties = properties
            self.now = now
            self.since = since
            self.journalStartsAt = journalStartsAt
            self.events = events
            self.logTails = logTails
            self.journalEntries = journalEntries
            self.kernelOOMKills = kernelOOMKills
            self.kernelLog = kernelLog
            self.kernelJournal = kernelJournal
        }

        /// Where the numbers start: `since`, or the journal's oldest entry when that is later. A
        /// journal younger than the period (fresh install, rotation, a volatile /run journal)
        /// covers only part of it: rates over the whole period would be too low. Unknown (the
        /// query failed) counts as covered: the report then says nothing it cannot back.
        var coveredSince: Int64 { min(max(since, journalStartsAt ?? since), now) }
    }

    /// The episodes of the period, before the monitoring daemon's history is joined to them.
    public static func episodes(_ facts: Facts) -> (episodes: [RestartEpisode], completedRuns: [Int64]) {
        let controlGroup = facts.properties.controlGroup ?? "/system.slice/\(facts.unit)"
        let history = RestartHistory(
            events: facts.events,
            context: .init(
                controlGroup: controlGroup, kernelOOMKills: facts.kernelOOMKills, logTails: facts.logTails))
        return (
            history.episodes.filter { $0.time >= facts.since },
            history.completedRuns.filter { $0 >= facts.since }
        )
    }

    /// The report, with its statistics and advice, from the facts and the episodes
    /// (`episodes(_:)`) that `monitorHistory` was matched to.
    public static func build(
        _ facts: Facts, episodes: [RestartEpisode], completedRuns: Int,
        monitorHistory: RestartsReport.MonitorHistory
    ) -> RestartsReport {
        let properties = facts.properties
        let coveredSince = facts.coveredSince
        let statistics = RestartStatistics(
            episodes: episodes, completedRuns: completedRuns,
            periodSeconds: Double(facts.now - coveredSince) / 1e6, hourOf: localHour)
        var report = RestartsReport(
            unit: facts.unit, now: facts.now, since: facts.since, coveredSince: coveredSince,
            journalStartsAt: facts.journalStartsAt,
            current: .init(
                active: properties.activeState ?? "unknown", sub: properties.subState ?? "unknown",
                mainPID: properties.mainPID, activeSince: properties.timestamp("ActiveEnterTimestamp"),
                loaded: properties.isLoaded),
            episodes: episodes, statistics: statistics, kernelLog: facts.kernelLog,
            kernelJournal: facts.kernelJournal,
            kernelOOMKills: facts.kernelOOMKills.count,
            memoryMax: properties.quantity("MemoryMax"),
            systemdRestartCounter: properties.integer("NRestarts"),
            journalEntries: facts.journalEntries,
            monitorHistory: monitorHistory,
            advice: [])
        report.advice = RestartAdvice.advise(report)
        return report
    }

    /// The local hour (0–23) of a Unix µs time.
    static func localHour(_ microseconds: Int64) -> Int {
        var time = time_t(microseconds / 1_000_000)
        var parts = tm()
        localtime_r(&time, &parts)
        return Int(parts.tm_hour)
    }
}
