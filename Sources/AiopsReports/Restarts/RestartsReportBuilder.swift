import AiopsAnalyze
import AiopsCore
import AiopsSystemd

#if canImport(Glibc)
    import Glibc
#endif

/// Gathers `analyze restarts`' facts: the journal for the period, the kernel's OOM kills (the
/// /dev/kmsg ring and the journal's kernel entries), the unit's current state; then rebuilds the
/// history (AiopsAnalyze.RestartHistory).
///
/// The monitoring daemon's history (AiopsStore) is joined in afterwards: its deaths add the
/// killer and the resources at death to the episodes the journal describes.
enum RestartsReportBuilder {
    static func build(_ options: RestartsOptions) throws(AiopsError) -> RestartsReport {
        let target = try ServiceTarget.resolve(unit: options.unit, allowUnknown: true)
        let properties = target.properties
        let now = UnixTimeText.now()
        let since = max(now - options.periodMicroseconds, 0)

        let reader = JournalReader()
        let journal = try RestartsJournal.read(
            unit: options.unit, sinceSeconds: since / 1_000_000, reader: reader)
        // A journal younger than the period (fresh install, rotation, a volatile /run journal)
        // covers only part of it: rates over the whole period would be too low. Unknown (the
        // query failed) counts as covered: the report then says nothing it cannot back.
        let journalStartsAt = try? reader.oldestEntryMicroseconds()
        let coveredSince = min(max(since, journalStartsAt ?? since), now)
        let events = journal.events.filter { $0.time >= since }
        if !properties.isLoaded && events.isEmpty {
            throw AiopsError(
                .noSuchTarget, "systemd has no unit \(options.unit), and the journal has nothing about it",
                hint: "list units with: systemctl list-units --all --type=service")
        }

        let kernel = RestartsKernelLog.read(sinceMicroseconds: since, reader: reader)

        let controlGroup = properties.controlGroup ?? "/system.slice/\(options.unit)"
        let history = RestartHistory(
            events: events,
            context: .init(
                controlGroup: controlGroup, kernelOOMKills: kernel.kills, logTails: journal.logTails))
        let episodes = history.episodes.filter { $0.time >= since }
        let statistics = RestartStatistics(
            episodes: episodes, completedRuns: history.completedRuns.filter { $0 >= since }.count,
            periodSeconds: Double(now - coveredSince) / 1e6, hourOf: localHour)

        var report = RestartsReport(
            unit: options.unit, now: now, since: since, coveredSince: coveredSince,
            journalStartsAt: journalStartsAt,
            current: .init(
                active: properties.activeState ?? "unknown", sub: properties.subState ?? "unknown",
                mainPID: properties.mainPID, activeSince: properties.timestamp("ActiveEnterTimestamp"),
                loaded: properties.isLoaded),
            episodes: episodes, statistics: statistics, kernelLog: kernel.ring, kernelJournal: kernel.journal,
            kernelOOMKills: kernel.kills.count,
            memoryMax: properties.quantity("MemoryMax"),
            systemdRestartCounter: properties.integer("NRestarts"),
            journalEntries: journal.entries,
            monitorHistory: RestartsMonitorHistory.join(
                episodes, unit: options.unit, execStart: properties.values["ExecStart"]?.lossyString,
                since: since,
                path: options.historyPath),
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
