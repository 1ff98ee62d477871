import AiopsCore
import AiopsSystemd

/// One journal line for a tail: who logged it and what, all of it untrusted bytes.
struct JournalLine {
    var time: Int64
    var identifier: UntrustedText
    var pid: Int32?
    var message: UntrustedText
}

/// The unit's recent lifecycle events and journal tail, from one read of its last entries.
struct ServiceJournalDigest {
    var events: [ServiceEvent] = []
    var tail: [JournalLine] = []
    var entriesRead = 0

    /// Reads the unit's last `scan` entries and keeps the last `eventLimit` events and
    /// `tailLimit` lines.
    static func read(
        unit: String, reader: JournalReader, scan: Int, eventLimit: Int, tailLimit: Int
    ) throws(AiopsError) -> ServiceJournalDigest {
        var digest = ServiceJournalDigest()
        let decoder = ServiceEventDecoder(unit: unit)
        // The lifecycle from systemd's own lines: among the service's last `scan` entries, a
        // service that logs a lot would leave none of them.
        try reader.read(.init(unit: unit, lastEntries: scan, managerOnly: true)) { entry in
            if let event = decoder.decode(entry) {
                digest.events.append(event)
                if digest.events.count > eventLimit { digest.events.removeFirst() }
            }
        }
        let statistics = try reader.read(.init(unit: unit, lastEntries: scan)) { entry in
            guard decoder.concernsUnit(entry), let time = entry.realtimeMicroseconds else { return }
            let message =
                entry.message
                ?? (entry.messageOmitted ? UntrustedText("[message too long to show]") : UntrustedText(""))
            digest.tail.append(
                JournalLine(time: time, identifier: entry.identifier ?? "?", pid: entry.pid, message: message)
            )
            if digest.tail.count > tailLimit { digest.tail.removeFirst() }
        }
        digest.entriesRead = statistics.entries
        return digest
    }
}
