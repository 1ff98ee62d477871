import AiopsCore
import AiopsRender

#if canImport(Glibc)
    import Glibc
#endif

/// The alert as one terminal line:
///
///     2026-11-25 10:20:30 CRITICAL process_exited nginx (pid 1234): exited with SIGSEGV (core dumped)
///
/// with the unit (`nginx (pid 1234, nginx.service)`) and suppressed repeats (` (+4 repeats)`)
/// when there are any. Subject, unit and summary come from process names and arguments, which
/// anyone can fill with escape sequences: every one goes through `UntrustedText.terminalSafe`,
/// so no control byte reaches the terminal. Colour (the severity word) only when asked for.
public struct AlertLineFormatter: Sendable {
    public enum Zone: Sendable {
        /// The machine's local time, as `aiops trace` shows times.
        case local
        case utc
    }

    public var colors: Bool
    public var zone: Zone

    public init(colors: Bool = false, zone: Zone = .local) {
        self.colors = colors
        self.zone = zone
    }

    public func line(_ alert: Alert, repeats: Int = 0) -> String {
        var text = timestamp(alert.unixNanoseconds)
        text += " " + severityWord(alert.severity)
        text += " " + alert.kind.rawValue
        text += " " + safe(alert.subject)
        var details: [String] = []
        if let pid = alert.pid, !alert.subject.contains("(pid \(pid))") { details.append("pid \(pid)") }
        if let unit = alert.unit, unit != alert.subject { details.append(safe(unit)) }
        if !details.isEmpty { text += " (" + details.joined(separator: ", ") + ")" }
        text += ": " + safe(alert.summary)
        if repeats > 0 { text += " (+\(repeats) \(repeats == 1 ? "repeat" : "repeats"))" }
        return text
    }

    private func safe(_ text: String) -> String {
        UntrustedText(text.utf8).terminalSafe
    }

    private func severityWord(_ severity: Alert.Severity) -> String {
        let word = severity.rawValue.uppercased()
        let style = TerminalStyle(colors: colors)
        switch severity {
        case .critical: return style.paint(word, .boldRed)
        case .warning: return style.paint(word, .yellow)
        case .info: return style.paint(word, .cyan)
        }
    }

    /// "2026-11-25 10:20:30", seconds only: a terminal reader needs no more.
    private func timestamp(_ unixNanoseconds: Int64) -> String {
        let seconds =
            unixNanoseconds >= 0 ? unixNanoseconds / 1_000_000_000 : (unixNanoseconds + 1) / 1_000_000_000 - 1
        var time = time_t(seconds)
        var parts = tm()
        switch zone {
        case .local: localtime_r(&time, &parts)
        case .utc: gmtime_r(&time, &parts)
        }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }
}
