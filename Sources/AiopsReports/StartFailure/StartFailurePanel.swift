import AiopsCore
import AiopsDiagnose
import AiopsRender
import AiopsSystemd

/// The diagnosis for a terminal, laid out like the specification's nginx sample: the failure
/// with its journal lines, each check with its evidence, the cause, then ranked solutions.
public enum StartFailurePanel {
    typealias Line = ReportPanel.Line
    typealias Span = ReportPanel.Span

    static let labelWidth = 13

    public static func panel(_ diagnosis: StartFailureDiagnosis, clock: WallClock) -> ReportPanel {
        var panel = ReportPanel(
            title: "Start failure diagnosis: \(diagnosis.unit)",
            time: localDateTimeText(BootInstant.now(), clock: clock))
        panel.header = header(diagnosis)
        panel.sections = [
            ReportPanel.Section(icon: "🔴", title: "Failure", lines: failure(diagnosis, clock: clock)),
            ReportPanel.Section(icon: "🔍", title: "Checks", lines: checks(diagnosis, clock: clock)),
            ReportPanel.Section(icon: "🎯", title: "Cause", lines: cause(diagnosis)),
            ReportPanel.Section(icon: "💡", title: "Solutions", lines: solutions(diagnosis)),
        ]
        if !diagnosis.notes.isEmpty {
            panel.sections.append(
                ReportPanel.Section(icon: "📝", title: "Notes", lines: diagnosis.notes.map { Line("  " + $0) })
            )
        }
        return panel
    }

    /// Text outside the box: control characters replaced, like inside it.
    public static func plain(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) ? "?" : $0 }))
    }

    static func row(_ label: String, _ value: String, _ tone: TerminalStyle.Tone? = nil) -> Line {
        let padded =
            label.count >= labelWidth
            ? label + " " : label + String(repeating: " ", count: labelWidth - label.count)
        return Line([Span("  " + padded), Span(value, tone)], hangingIndent: 2 + labelWidth)
    }

    private static func header(_ diagnosis: StartFailureDiagnosis) -> [Line] {
        var lines: [Line] = []
        // systemd uses the unit's name when there is no Description=: not worth repeating.
        let description = diagnosis.description.flatMap { $0 == diagnosis.unit ? nil : " — \($0)" }
        lines.append(row("Unit", diagnosis.unit + (description ?? "")))
        var state = diagnosis.activeState ?? "unknown"
        if let sub = diagnosis.subState, sub != state { state += " (\(sub))" }
        if let result = diagnosis.result { state += ", result \(result)" }
        if let load = diagnosis.loadState, load != "loaded" { state += ", load state \(load)" }
        lines.append(row("State", state, diagnosis.activeState == "failed" ? .boldRed : nil))
        if let path = diagnosis.fragmentPath { lines.append(row("Unit file", path)) }
        if let user = diagnosis.user { lines.append(row("Runs as", user)) }
        return lines
    }

    private static func failure(_ diagnosis: StartFailureDiagnosis, clock: WallClock) -> [Line] {
        var lines: [Line] = []
        if let error = diagnosis.loadError,
            ["bad-setting", "error", "masked"].contains(diagnosis.loadState ?? "")
        {
            lines.append(row("Load error", error, .red))
        }
        // A socket that could not listen: the service is never activated, whatever its own journal says.
        for trigger in diagnosis.failedTriggers {
            lines.append(
                row(
                    "Activation", "\(trigger.unit) is \(trigger.stateText): it starts \(diagnosis.unit)", .red
                ))
        }
        guard let attempt = diagnosis.attempt else {
            lines.append(Line("  The journal has no entries about this unit.", .yellow))
            return lines
        }
        if let time = diagnosis.attemptTime {
            lines.append(
                row(
                    "Last attempt",
                    localDateTimeText(bootInstant(unixMicroseconds: time, clock: clock), clock: clock)))
        }
        if let exit = diagnosis.exit {
            let process =
                exit.controlProcess ? "control process (ExecStartPre= and the like)" : "main process"
            lines.append(row("Exit", "status=\(exit.statusText), \(process)", .red))
            lines.append(row("Meaning", exit.meaning))
        }
        if diagnosis.jobResult == "dependency" {
            lines.append(row("Job", "cancelled: a dependency failed (the unit itself never ran)", .red))
        } else if let result = diagnosis.unitResult {
            lines.append(row("Result", result + (diagnosis.jobResult.map { ", start job \($0)" } ?? "")))
        } else if let job = diagnosis.jobResult {
            lines.append(row("Start job", job))
        }
        if !diagnosis.failed {
            lines.append(
                Line(
                    "  The last attempt did not fail: \(diagnosis.unit) is \(diagnosis.activeState ?? "?") now.",
                    .green))
        }
        lines.append(.blank)
        let omitted = diagnosis.attemptEntriesOmitted
        lines.append(
            Line(
                "  Journal of the last attempt"
                    + (omitted > 0 ? " (\(omitted) earlier lines not shown):" : ":")))
        var timeText = TimeText(clock: clock)
        for entry in attempt.entries {
            var source = entry.identifier?.terminalSafe ?? "?"
            if let pid = entry.pid { source += "[\(pid)]" }
            let time =
                entry.realtimeMicroseconds.map {
                    timeText.localClock(bootInstant(unixMicroseconds: $0, clock: clock))
                } ?? "?"
            // Entries systemd logged before journald could attribute them to the unit.
            let unattributed =
                entry.word("_SYSTEMD_UNIT") == nil && entry.word("UNIT") != nil && entry.pid != 1
            let tone: TerminalStyle.Tone? =
                (entry.priority ?? 6) <= 3 ? .red : (entry.priority ?? 6) == 4 ? .yellow : nil
            lines.append(
                Line(
                    [
                        Span("    \(time) \(source): "),
                        Span(entry.messageLine + (unattributed ? "  (UNIT= only)" : ""), tone),
                    ],
                    hangingIndent: 6))
        }
        return lines
    }

    private static func checks(_ diagnosis: StartFailureDiagnosis, clock: WallClock) -> [Line] {
        var lines: [Line] = []
        for (index, check) in diagnosis.checks.enumerated() {
            if index > 0 { lines.append(.blank) }
            let (mark, tone) = outcomeMark(check.outcome)
            lines.append(
                Line(
                    [Span("  \(mark) "), Span(title(check.kind) + ": ", .bold), Span(check.summary, tone)],
                    hangingIndent: 5))
            if check.kind == .portConflict {
                lines += owners(diagnosis.portConflicts, clock: clock)
            }
            for evidence in check.evidence.prefix(12) {
                lines.append(Line([Span("     " + evidence)], hangingIndent: 7))
            }
            if check.evidence.count > 12 {
                lines.append(Line("     … \(check.evidence.count - 12) more", .dim))
            }
        }
        return lines
    }

    /// The processes holding the ports, as the sample shows them: PID, name, command, start time.
    private static func owners(_ conflicts: [PortConflict], clock: WallClock) -> [Line] {
        var lines: [Line] = []
        for conflict in conflicts {
            for owner in conflict.owners {
                let process = owner.process
                lines.append(Line("     Port \(conflict.port) held by:", .bold))
                lines.append(row("    PID", String(owner.pid)))
                lines.append(row("    Name", process.stat.comm.terminalSafe))
                lines.append(row("    Command", process.argv.isEmpty ? "?" : commandLineText(process.argv)))
                lines.append(row("    Started", localDateTimeText(process.stat.start, clock: clock)))
                lines.append(row("    Unit", owner.unit ?? "none (not in a systemd service)"))
                lines.append(
                    row(
                        "    Socket",
                        "\(owner.socket.protocolName) \(owner.socket.localAddress.endpoint(port: conflict.port))"
                    ))
            }
        }
        return lines
    }

    private static func cause(_ diagnosis: StartFailureDiagnosis) -> [Line] {
        guard let cause = diagnosis.plan.cause else {
            return [
                Line(
                    "  No check found the cause. The service's own messages above are the best lead.",
                    .yellow)
            ]
        }
        return [Line([Span("  "), Span(cause, .bold)], hangingIndent: 2)]
    }

    private static func solutions(_ diagnosis: StartFailureDiagnosis) -> [Line] {
        var lines: [Line] = []
        for (index, solution) in diagnosis.plan.solutions.enumerated() {
            if index > 0 { lines.append(.blank) }
            lines.append(
                Line(
                    [
                        Span("  \(index + 1). "), Span(solution.title, .bold),
                        Span(solution.recommended ? " (recommended)" : "", .green),
                    ], hangingIndent: 5))
            for command in solution.commands { lines.append(.command(command, indent: 5)) }
        }
        return lines
    }

    static func outcomeMark(_ outcome: CheckResult.Outcome) -> (String, TerminalStyle.Tone?) {
        switch outcome {
        case .passed: return ("✅", .green)
        case .failed: return ("❌", .red)
        case .notApplicable: return ("➖", .dim)
        case .unknown: return ("❔", .yellow)
        }
    }

    static func title(_ kind: CheckResult.Kind) -> String {
        switch kind {
        case .portConflict: return "Port conflict"
        case .configuration: return "Configuration"
        case .dependencies: return "Dependencies"
        case .executable: return "Executable"
        case .permissions: return "Permissions"
        }
    }
}
