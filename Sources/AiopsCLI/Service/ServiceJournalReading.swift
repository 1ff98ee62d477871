import AiopsCore
import AiopsReports
import AiopsSystemd

/// The journal half of `analyze service`: one read of the unit's last entries.
extension ServiceJournalDigest {
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
