import AiopsCore

/// Turns journal entries into `ServiceEvent`s for one unit. Attribution uses only what a process
/// cannot forge: journald's `_SYSTEMD_UNIT`, `UNIT=` in an entry sent by root (PID 1, its forked
/// children before exec), `COREDUMP_UNIT=` in an entry sent by systemd-coredump. An unprivileged
/// process that writes `UNIT=nginx.service` into its own log is ignored, and so is a service that
/// writes a core-dump or spawn-failure MESSAGE_ID into its own log.
public struct ServiceEventDecoder: Sendable {
    public let unit: String

    public init(unit: String) {
        self.unit = unit
    }

    /// Whether the entry is trustworthy evidence about the unit.
    public func concernsUnit(_ entry: JournalEntry) -> Bool {
        if entry.bytes("_SYSTEMD_UNIT") == Array(unit.utf8) { return true }
        if entry.bytes("COREDUMP_UNIT") == Array(unit.utf8), Self.isFromCoredump(entry) { return true }
        return entry.uid == 0 && entry.bytes("UNIT") == Array(unit.utf8)
    }

    /// systemd-coredump drops its privileges to the crashed process's user (or to the
    /// `systemd-coredump` user for system users) *before* it logs, so that user can read the
    /// entry: its `_UID` is not root. What it cannot forge is the cgroup journald records:
    /// `systemd-coredump@….service`. Root is accepted too (coredump run without its socket).
    static func isFromCoredump(_ entry: JournalEntry) -> Bool {
        if entry.uid == 0 { return true }
        guard let unit = entry.bytes("_SYSTEMD_UNIT") else { return false }
        return unit.starts(with: Array("systemd-coredump@".utf8)) && unit.ends(with: Array(".service".utf8))
    }

    /// Whether the entry is the service's own output (stdout/stderr or syslog of its processes).
    public func isServiceOutput(_ entry: JournalEntry) -> Bool {
        entry.bytes("_SYSTEMD_UNIT") == Array(unit.utf8) && entry.messageID == nil
            && entry.bytes("UNIT") == nil
    }

    /// The lifecycle event this entry records, or nil for anything else.
    public func decode(_ entry: JournalEntry) -> ServiceEvent? {
        guard concernsUnit(entry), let time = entry.realtimeMicroseconds, let kind = kind(of: entry) else {
            return nil
        }
        let invocation = entry.word("INVOCATION_ID") ?? entry.word("_SYSTEMD_INVOCATION_ID")
        return ServiceEvent(kind: kind, time: time, invocationID: invocation, message: entry.message ?? "")
    }

    private func kind(of entry: JournalEntry) -> ServiceEvent.Kind? {
        let fromManager = entry.pid == 1
        switch entry.messageID {
        case SystemdMessageID.jobStarting?:
            return fromManager ? .starting : nil
        case SystemdMessageID.jobStarted?:
            guard fromManager else { return nil }
            let result = entry.word("JOB_RESULT") ?? "done"
            return result == "done" ? .started : .startJobFailed(result: result)
        case SystemdMessageID.jobFailed?:
            return fromManager ? .startJobFailed(result: entry.word("JOB_RESULT") ?? "failed") : nil
        case SystemdMessageID.jobStopping?:
            return fromManager ? .stopping : nil
        case SystemdMessageID.jobStopped?:
            return fromManager ? .stopped(jobType: entry.word("JOB_TYPE")) : nil
        case SystemdMessageID.deactivated?:
            return fromManager ? .deactivated : nil
        case SystemdMessageID.processExited?:
            guard fromManager, let code = entry.word("EXIT_CODE").flatMap(ServiceEvent.ProcessExit.Code.init),
                let status = entry.integer("EXIT_STATUS").flatMap({ Int32(exactly: $0) })
            else { return nil }
            return .processExited(.init(code: code, status: status, command: entry.word("COMMAND")))
        case SystemdMessageID.unitFailed?:
            return fromManager ? .failed(result: entry.word("UNIT_RESULT") ?? "unknown") : nil
        case SystemdMessageID.restartScheduled?:
            return fromManager
                ? .restartScheduled(counter: entry.integer("N_RESTARTS").flatMap { Int(exactly: $0) }) : nil
        case SystemdMessageID.oomKill?:
            return fromManager ? .oomKilled : nil
        case SystemdMessageID.spawnFailed?:
            // Sent by PID 1's forked child, still root (252 locates the executable before
            // changing user); _SYSTEMD_UNIT is often missing. The service's own processes are
            // in the unit too: from them this MESSAGE_ID would be forged.
            guard entry.uid == 0 else { return nil }
            return .spawnFailed(errno: entry.integer("ERRNO").flatMap { Int32(exactly: $0) })
        case SystemdMessageID.coredump?:
            guard Self.isFromCoredump(entry) else { return nil }
            return .coreDumped(
                signal: entry.integer("COREDUMP_SIGNAL").flatMap { Int32(exactly: $0) },
                pid: entry.integer("COREDUMP_PID").flatMap { Int32(exactly: $0) },
                executable: entry.text("COREDUMP_EXE"))
        default:
            // Three messages carry no MESSAGE_ID in 252: match systemd's fixed wording, from PID 1 only.
            guard fromManager, let message = entry.message?.bytes else { return nil }
            if message.ends(with: Array("Start request repeated too quickly.".utf8)) { return .startLimitHit }
            if message.starts(with: Array("\(unit): Watchdog timeout".utf8)) { return .watchdogTimeout }
            return signalSent(message)
        }
    }

    /// "X.service: Sent signal SIGTERM to main process 77 (sleep) on client request." (`systemctl
    /// kill`; systemd names the signal as `kill -l` does). Control processes and the rest of the
    /// cgroup get their own lines: only the main process's death ends the run.
    private func signalSent(_ message: [UInt8]) -> ServiceEvent.Kind? {
        let prefix = Array("\(unit): Sent signal ".utf8)
        guard message.starts(with: prefix), message.ends(with: Array(" on client request.".utf8)) else {
            return nil
        }
        let rest = message[prefix.count...]
        guard let space = rest.firstIndex(of: 32),
            rest[space...].starts(with: Array(" to main process ".utf8)),
            case let name = String(decoding: rest[..<space], as: UTF8.self),
            let signal = SignalName.number(named: name)
        else { return nil }
        return .signalSent(signal: signal)
    }
}

extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
