import AiopsCore
import AiopsSystemd

/// What the diagnosis reads from systemd, through the shared AiopsSystemd reader: is PID 1
/// systemd, a unit's properties (`systemctl show`), its journal (`journalctl -o json`,
/// matching `_SYSTEMD_UNIT=` or `UNIT=`, so spawn failures that lack the former are kept).
public struct SystemdReading: Sendable {
    public var host: SystemdHost
    public var show: SystemctlShow
    public var journal: JournalReader

    public init(
        host: SystemdHost = SystemdHost(), show: SystemctlShow = SystemctlShow(),
        journal: JournalReader = JournalReader(runner: ProgramRunner(timeoutSeconds: 60))
    ) {
        self.host = host
        self.show = show
        self.journal = journal
    }

    /// Exit 69 with one plain sentence when PID 1 is not systemd or there is no journal.
    public func requireSystemd() throws(AiopsError) {
        try host.requireSystemd()
    }

    public func properties(of unit: String, names: [String]) throws(AiopsError) -> UnitProperties {
        try show.properties(of: unit, names: names)
    }

    /// The last `limit` entries about `unit`, oldest first — only those a process cannot forge
    /// (ServiceEventDecoder.concernsUnit): journalctl's `UNIT=` match also returns entries any
    /// user can log with `logger --journald`, and a forged "bind() failed" must not steer the
    /// diagnosis or its quick fix.
    public func entries(of unit: String, limit: Int) throws(AiopsError) -> [JournalEntry] {
        let trusted = ServiceEventDecoder(unit: unit)
        var entries: [JournalEntry] = []
        try journal.read(JournalReader.Query(unit: unit, lastEntries: limit)) { entry in
            if trusted.concernsUnit(entry) { entries.append(entry) }
        }
        return entries
    }
}

extension JournalEntry {
    /// The invocation of the unit this entry belongs to: systemd's own messages carry
    /// INVOCATION_ID, the service's output _SYSTEMD_INVOCATION_ID. Empty means none (a start
    /// cancelled before it got one).
    public var invocationID: String? { word("_SYSTEMD_INVOCATION_ID") ?? word("INVOCATION_ID") }

    /// The message for a terminal, or a note when journalctl left it out.
    public var messageLine: String {
        if let message { return message.terminalSafe }
        return messageOmitted ? "(message over 4096 bytes, not shown)" : ""
    }
}
