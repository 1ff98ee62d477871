import AiopsCore

/// Reads a unit's journal through `journalctl -o json`, streaming: each entry is handed over as
/// it is parsed and nothing is kept, so a week of a chatty service reads in constant memory.
public struct JournalReader: Sendable {
    public struct Query: Sendable {
        /// A validated, full unit name.
        public var unit: String
        /// Only entries from this Unix time (seconds) on.
        public var sinceSeconds: Int64?
        /// Only the last N entries (journalctl -n).
        public var lastEntries: Int?
        /// Only what root said about the unit — systemd (PID 1, and its forked child reporting a
        /// spawn failure before exec) and systemd-coredump: the lifecycle, which a chatty
        /// service's own output would push out of `lastEntries`.
        public var managerOnly: Bool

        public init(
            unit: String, sinceSeconds: Int64? = nil, lastEntries: Int? = nil, managerOnly: Bool = false
        ) {
            self.unit = unit
            self.sinceSeconds = sinceSeconds
            self.lastEntries = lastEntries
            self.managerOnly = managerOnly
        }
    }

    public struct Statistics: Sendable, Equatable {
        public var entries = 0
        /// Lines that were not a journal entry (never expected from journalctl; counted, not fatal).
        public var malformed = 0

        public init() {}
    }

    public var journalctl: String
    /// Read journal files from this directory (journalctl -D) instead of the system journal.
    public var directory: String?
    public var runner: ProgramRunner

    public init(
        journalctl: String = "journalctl", directory: String? = nil,
        runner: ProgramRunner = ProgramRunner(timeoutSeconds: 300)
    ) {
        self.journalctl = journalctl
        self.directory = directory
        self.runner = runner
    }

    /// journalctl's arguments. Three matches ORed: the service's own entries (`_SYSTEMD_UNIT`),
    /// what systemd says about it (`UNIT`: spawn failures often lack `_SYSTEMD_UNIT`), and its
    /// core dumps. Each is one argv element; the unit name was validated by the caller.
    public func arguments(_ query: Query) -> [String] {
        var arguments = [journalctl, "--no-pager", "-o", "json"]
        if let directory { arguments += ["-D", directory] }
        if let since = query.sinceSeconds { arguments.append("--since=@\(since)") }
        if let last = query.lastEntries { arguments.append("--lines=\(last)") }
        if query.managerOnly {
            // Fields differ, so the two terms before "+" are ANDed: root speaking of the unit.
            return arguments + ["_UID=0", "UNIT=\(query.unit)", "+", "COREDUMP_UNIT=\(query.unit)"]
        }
        arguments += [
            "_SYSTEMD_UNIT=\(query.unit)", "+", "UNIT=\(query.unit)", "+", "COREDUMP_UNIT=\(query.unit)",
        ]
        return arguments
    }

    /// Streams the entries of `query`, oldest first.
    @discardableResult
    public func read(_ query: Query, entry: (JournalEntry) -> Void) throws(AiopsError) -> Statistics {
        try stream(arguments(query), entry: entry)
    }

    /// Runs journalctl with `arguments` and hands over each entry it prints.
    func stream(_ arguments: [String], entry: (JournalEntry) -> Void) throws(AiopsError) -> Statistics {
        let (statistics, outcome) = try run(arguments, entry: entry)
        try Self.check(outcome, timeoutSeconds: runner.timeoutSeconds)
        return statistics
    }

    /// `stream` without judging how journalctl ended: for a caller that retries on some failures.
    func run(_ arguments: [String], entry: (JournalEntry) -> Void) throws(AiopsError) -> (
        Statistics, ProgramRunner.Outcome
    ) {
        var statistics = Statistics()
        let outcome: ProgramRunner.Outcome
        do {
            outcome = try runner.run(arguments) { line in
                guard !line.isEmpty else { return }
                if let parsed = JournalJSON.parse(line) {
                    statistics.entries += 1
                    entry(parsed)
                } else {
                    statistics.malformed += 1
                }
            }
        } catch {
            throw AiopsError(.unavailable, "cannot run journalctl: \(error)")
        }
        return (statistics, outcome)
    }

    static func check(_ outcome: ProgramRunner.Outcome, timeoutSeconds: Double) throws(AiopsError) {
        if outcome.timedOut {
            throw AiopsError(.failure, "journalctl did not finish within \(Int(timeoutSeconds)) s")
        }
        guard outcome.status == 0 else {
            throw AiopsError(.failure, "journalctl failed (status \(outcome.status)): \(outcome.errorText)")
        }
    }

    /// The time of the oldest entry in the whole journal (Unix µs), nil when it is empty: how far
    /// back any history can go. journalctl 252 has no "--lines=+1", so it reads from the head
    /// (its default direction) and is stopped after the first entry.
    public func oldestEntryMicroseconds() throws(AiopsError) -> Int64? {
        var arguments = [journalctl, "--no-pager", "-o", "json", "--output-fields=__REALTIME_TIMESTAMP"]
        if let directory { arguments += ["-D", directory] }
        var oldest: Int64?
        let outcome: ProgramRunner.Outcome
        do {
            outcome = try runner.runWhile(arguments) { line in
                guard !line.isEmpty else { return true }
                oldest = JournalJSON.parse(line)?.realtimeMicroseconds
                return false
            }
        } catch {
            throw AiopsError(.unavailable, "cannot run journalctl: \(error)")
        }
        guard outcome.stoppedEarly || outcome.status == 0, !outcome.timedOut else {
            throw AiopsError(.failure, "journalctl failed (status \(outcome.status)): \(outcome.errorText)")
        }
        return oldest
    }
}
