import AiopsCore
import AiopsSystemd

/// One streaming pass over the unit's journal for the period: its lifecycle events, and the
/// last lines the service itself logged in each run (for "what did it say before it died").
struct RestartsJournal {
    var events: [ServiceEvent] = []
    var logTails: [String: [UntrustedText]] = [:]
    var entries = 0

    static let tailLines = 3

    static func read(unit: String, sinceSeconds: Int64, reader: JournalReader = JournalReader())
        throws(AiopsError)
        -> RestartsJournal
    {
        var journal = RestartsJournal()
        let decoder = ServiceEventDecoder(unit: unit)
        let statistics = try reader.read(.init(unit: unit, sinceSeconds: sinceSeconds)) { entry in
            if let event = decoder.decode(entry) {
                journal.events.append(event)
            } else if decoder.isServiceOutput(entry), let run = entry.word("_SYSTEMD_INVOCATION_ID"),
                let message = entry.message
            {
                var lines = journal.logTails[run] ?? []
                lines.append(message)
                if lines.count > tailLines { lines.removeFirst() }
                journal.logTails[run] = lines
            }
        }
        journal.entries = statistics.entries
        return journal
    }
}
