import AiopsCore
import AiopsSystemd

/// The journal of the unit's last start attempt, and what it says about the failure.
///
/// An attempt is one invocation (systemd gives every start a new INVOCATION_ID; the service's
/// own output carries it as _SYSTEMD_INVOCATION_ID), plus what came after it: "Start request
/// repeated too quickly", and a later start cancelled by a failed dependency, which has no
/// invocation at all (INVOCATION_ID is empty on "Dependency failed for …").
public struct StartAttempt: Sendable {
    public var entries: [JournalEntry]

    public static let exitMessageID = "98e322203f7a4ed290d09fe03c09fe15"
    public static let resultMessageID = "d9b373ed55a64feb8242e02dbe79a49c"
    public static let jobDoneMessageID = "be02cf6855d2428ba40df7e9d022f03d"
    public static let spawnFailedMessageID = "641257651c1b4ec9a8624d7a40a9e1e7"
    public static let startingMessageID = "7d4958e842da4a758f6c1cdc7b36dcc5"

    /// The last attempt in `entries` (oldest first), nil when the journal has nothing on the unit.
    public static func last(in entries: [JournalEntry]) -> StartAttempt? {
        guard !entries.isEmpty else { return nil }
        var start = 0
        if let lastWithID = entries.lastIndex(where: { $0.invocationID != nil }),
            let id = entries[lastWithID].invocationID,
            let first = entries.firstIndex(where: { $0.invocationID == id })
        {
            start = first
            // A "Starting …" entry just before, without the id (older systemd), belongs to it.
            if start > 0, entries[start - 1].messageID == startingMessageID,
                entries[start - 1].invocationID == nil
            {
                start -= 1
            }
            // A later start that never got an invocation: cancelled by a dependency.
            if let cancelled = cancelledStart(in: entries, after: lastWithID) { start = cancelled }
        } else if let cancelled = cancelledStart(in: entries, after: -1) {
            start = cancelled
        } else {
            // No invocation ids at all (a very old journal): the last 50 entries.
            start = max(entries.count - 50, 0)
        }
        return StartAttempt(entries: Array(entries[start...]))
    }

    /// The first entry of the last run of "dependency" job results after `index`: systemd logs
    /// "Dependency failed for …" and then "Job …/start failed with result 'dependency'".
    static func cancelledStart(in entries: [JournalEntry], after index: Int) -> Int? {
        guard let last = entries.lastIndex(where: { $0.word("JOB_RESULT") == "dependency" }), last > index
        else { return nil }
        var first = last
        while first - 1 > index, entries[first - 1].word("JOB_RESULT") == "dependency",
            entries[first - 1].invocationID == nil
        {
            first -= 1
        }
        return first
    }

    public var startedMicroseconds: Int64? { entries.first?.realtimeMicroseconds }
    public var invocationID: String? { entries.first(where: { $0.invocationID != nil })?.invocationID }

    /// How the process of the attempt ended, from the last "Main/Control process exited" entry.
    public var exit: UnitExitStatus? {
        guard let entry = entries.last(where: { $0.messageID == Self.exitMessageID }),
            let code = entry.word("EXIT_CODE"),
            let status = entry.integer("EXIT_STATUS").flatMap({ Int32(exactly: $0) })
        else { return nil }
        let control = (entry.message?.lossyString ?? "").contains("Control process")
        return UnitExitStatus(code: code, status: status, controlProcess: control)
    }

    /// UNIT_RESULT of "Failed with result '…'".
    public var result: String? {
        entries.last(where: { $0.messageID == Self.resultMessageID })?.word("UNIT_RESULT")
    }

    /// JOB_RESULT of the last finished start job ("failed", "dependency", "timeout"…).
    public var jobResult: String? {
        let job = entries.last { $0.word("JOB_RESULT") != nil && $0.word("JOB_TYPE") == "start" }
        return job?.word("JOB_RESULT")
    }

    public var dependencyFailedEntries: [JournalEntry] {
        entries.filter { $0.messageID == Self.jobDoneMessageID && $0.word("JOB_RESULT") == "dependency" }
    }

    /// The spawn failure systemd's forked child logged ("Failed at step EXEC spawning …").
    public var spawnFailures: [JournalEntry] {
        entries.filter { $0.messageID == Self.spawnFailedMessageID }
    }

    /// Messages, terminal-safe, one per entry (a multi-line message keeps its "\n" escaped).
    public var messageLines: [String] { entries.map(\.messageLine) }
}

/// "code=exited, status=203/EXEC" as the journal records it.
public struct UnitExitStatus: Equatable, Sendable {
    /// "exited", "killed", "dumped".
    public var code: String
    public var status: Int32
    /// ExecStartPre= and the like ("Control process exited"), not the main process.
    public var controlProcess: Bool

    public init(code: String, status: Int32, controlProcess: Bool = false) {
        self.code = code
        self.status = status
        self.controlProcess = controlProcess
    }

    /// "203/EXEC", "11/SEGV".
    public var statusText: String {
        if code == "exited" { return "\(status)/\(SystemdExitStatus.name(status) ?? "n/a")" }
        return "\(status)/" + SignalName.of(status).replacingPrefix("SIG")
    }

    /// What it means, in words.
    public var meaning: String {
        if code == "exited" { return SystemdExitStatus.meaning(status) }
        let signal = SignalName.of(status)
        return "killed by \(signal)" + (code == "dumped" ? " (core dumped)" : "")
    }
}

extension String {
    func replacingPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }
}
