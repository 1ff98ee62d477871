import AiopsCore
import AiopsReports
import AiopsSystemd

/// Gathers `analyze restarts`' facts — the journal for the period, the kernel's OOM kills, the
/// unit's current state, the monitoring daemon's history — and hands them to the report's builder.
extension RestartsReportBuilder {
    static func build(_ options: RestartsOptions) throws(AiopsError) -> RestartsReport {
        let target = try ServiceTarget.resolve(unit: options.unit, allowUnknown: true)
        let properties = target.properties
        let now = UnixTimeText.now()
        let since = max(now - options.periodMicroseconds, 0)

        let reader = JournalReader()
        let journal = try RestartsJournal.read(
            unit: options.unit, sinceSeconds: since / 1_000_000, reader: reader)
        let journalStartsAt = try? reader.oldestEntryMicroseconds()
        let events = journal.events.filter { $0.time >= since }
        if !properties.isLoaded && events.isEmpty {
            throw AiopsError(
                .noSuchTarget, "systemd has no unit \(options.unit), and the journal has nothing about it",
                hint: "list units with: systemctl list-units --all --type=service")
        }

        let kernel = RestartsKernelLog.read(sinceMicroseconds: since, reader: reader)
        let facts = Facts(
            unit: options.unit, properties: properties, now: now, since: since,
            journalStartsAt: journalStartsAt, events: events, logTails: journal.logTails,
            journalEntries: journal.entries, kernelOOMKills: kernel.kills, kernelLog: kernel.ring,
            kernelJournal: kernel.journal)
        let (episodes, completedRuns) = Self.episodes(facts)
        let monitorHistory = RestartsMonitorHistory.join(
            episodes, unit: options.unit, execStart: properties.values["ExecStart"]?.lossyString,
            since: since, path: options.historyPath)
        return build(
            facts, episodes: episodes, completedRuns: completedRuns.count, monitorHistory: monitorHistory)
    }
}
