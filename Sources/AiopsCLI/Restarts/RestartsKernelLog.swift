import AiopsCore
import AiopsKernelLog
import AiopsReports
import AiopsSystemd

/// The kernel's OOM kills for the period, from both places they are kept: the /dev/kmsg ring
/// (recent, and readable without journald) and the journal's kernel-transport copy (the whole
/// period, long after the ring has overwritten them). A kill in both counts once.
struct RestartsKernelLog {
    var kills: [KernelOOMKill]
    var ring: RestartsReport.KernelLog
    var journal: RestartsReport.KernelJournal

    static func read(sinceMicroseconds since: Int64, reader: JournalReader) -> RestartsKernelLog {
        var ringKills: [KernelOOMKill] = []
        let ring: RestartsReport.KernelLog
        switch KernelLogReader().oomKills(since: since) {
        case .read(let found, _, let lost):
            ringKills = found
            ring = .read(oomKills: found.count, lostRecords: lost)
        case .unavailable(let reason):
            ring = .unavailable(reason)
        }
        var journalKills: [KernelOOMKill] = []
        let journal: RestartsReport.KernelJournal
        switch JournalOOMKills.read(sinceSeconds: since / 1_000_000, reader: reader) {
        case .read(let found, let entries, let narrowed):
            // --since has whole seconds: the part of the second before `since` is not the period's.
            journalKills = found.filter { $0.time >= since }
            journal = .read(oomKills: journalKills.count, entries: entries, narrowed: narrowed)
        case .unavailable(let reason):
            journal = .unavailable(reason)
        }
        return RestartsKernelLog(
            kills: OOMKillMerge.merge(ring: ringKills, journal: journalKills), ring: ring, journal: journal)
    }
}
