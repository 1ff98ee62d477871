import AiopsAnalyze
import AiopsCore
import AiopsRender
import AiopsSystemd

/// `analyze service` for a terminal: a boxed panel like the specification's samples.
public enum ServiceTable {
    typealias Line = ReportPanel.Line
    typealias Span = ReportPanel.Span

    public static func panel(_ report: ServiceReport) -> ReportPanel {
        var panel = ReportPanel(title: "Service: \(report.unit)", time: UnixTimeText.local(report.now))
        panel.header = header(report)
        panel.sections = [
            ReportPanel.Section(icon: "⚙️", title: "Processes", lines: processes(report)),
            ReportPanel.Section(icon: "🚧", title: "Limits and restart policy", lines: limits(report)),
            ReportPanel.Section(icon: "🕐", title: "Recent events", lines: events(report)),
            ReportPanel.Section(icon: "📜", title: "Journal tail", lines: tail(report)),
        ]
        return panel
    }

    static let labelWidth = 14

    /// "  Label         value", wrapping under the value.
    static func row(_ label: String, _ value: String, _ tone: TerminalStyle.Tone? = nil) -> Line {
        Line([Span("  " + pad(label, labelWidth)), Span(value, tone)], hangingIndent: 2 + labelWidth)
    }

    private static func header(_ report: ServiceReport) -> [Line] {
        var lines: [Line] = []
        if let description = report.description { lines.append(row("Description", description.terminalSafe)) }
        let state = report.state
        var stateText = "\(state.active) (\(state.sub))"
        if let result = state.result, result != "success" { stateText += ", result \(result)" }
        let tone: TerminalStyle.Tone? =
            state.active == "failed" ? .red : state.active == "active" ? .green : .yellow
        lines.append(row("State", stateText, tone))
        if let since = report.activeSince, state.active == "active" || state.active == "reloading" {
            let uptime = report.uptimeSeconds.map { " (up \(DurationText.format(seconds: $0)))" } ?? ""
            lines.append(row("Active since", UnixTimeText.local(since) + uptime))
        } else if let changed = report.stateChangedAt {
            lines.append(row("Since", UnixTimeText.local(changed)))
        }
        if let main = report.main {
            let command = main.process.map { commandLineText($0.snapshot.argv) } ?? "(already gone)"
            lines.append(row("Main PID", "\(main.pid): \(command)"))
            if let started = main.startedAt {
                lines.append(
                    row(
                        "Main start", UnixTimeText.local(started) + " (" + UnixTimeText.rfc3339(started) + ")"
                    ))
            }
        } else {
            lines.append(row("Main PID", "none"))
        }
        if let last = report.lastExit {
            let clean = last.exit.isClean
            let when = last.time.map { " at " + UnixTimeText.local($0) } ?? ""
            lines.append(row("Last exit", ServiceEventText.exit(last.exit) + when, clean ? nil : .red))
        }
        if let file = report.unitFile {
            var text = file.terminalSafe
            if let enabled = report.state.unitFileState { text += " (\(enabled))" }
            lines.append(row("Unit file", text))
        }
        if let dropIns = report.dropIns { lines.append(row("Drop-ins", dropIns.terminalSafe)) }
        if report.detail {
            if report.execCommands.isEmpty, let exec = report.execStart {
                lines.append(row("ExecStart", exec.terminalSafe))
            }
            for command in report.execCommands {
                let words = UntrustedText(command.words.joined(separator: " ").utf8).terminalSafe
                lines.append(
                    row("ExecStart", words + (command.ignoresErrors ? "  (failure ignored: '-')" : "")))
            }
            if let user = report.user { lines.append(row("User", user.terminalSafe)) }
            if let invocation = report.invocationID { lines.append(row("Invocation", invocation)) }
        }
        return lines
    }

    private static func processes(_ report: ServiceReport) -> [Line] {
        guard let processes = report.processes else {
            return ["  no cgroup: the unit has no processes now"]
        }
        if processes.isEmpty { return [Line("  none in \(report.controlGroup ?? "its cgroup")")] }
        let heading = "  " + pad("PID", 8) + pad("RSS", 11) + pad("CPU", 9) + pad("THR", 5) + "COMMAND"
        var lines: [Line] = [Line(heading)]
        let shown = report.detail ? processes : Array(processes.prefix(10))
        for process in shown {
            let rss = process.residentBytes.map { QuantityText.bytes($0) } ?? "?"
            let command =
                process.snapshot.argv.isEmpty
                ? "[\(process.snapshot.stat.comm.terminalSafe)]" : commandLineText(process.snapshot.argv)
            let cpu = QuantityText.decimal(process.cpuSeconds, digits: 2) + "s"
            let columns =
                pad("\(process.snapshot.pid)", 8) + pad(rss, 11) + pad(cpu, 9) + pad("\(process.threads)", 5)
            lines.append(Line("  " + columns + command))
        }
        if shown.count < processes.count {
            lines.append(Line("  … \(processes.count - shown.count) more (--detail)"))
        }
        return lines
    }

    private static func limits(_ report: ServiceReport) -> [Line] {
        let limits = report.limits
        var lines: [Line] = []
        var memory: String
        if let current = limits.memoryCurrent.number {
            memory = QuantityText.bytes(current)
        } else if let rss = limits.residentBytes {
            memory = "\(QuantityText.bytes(rss)) RSS (cgroup accounting off)"
        } else {
            memory = "?"
        }
        var tone: TerminalStyle.Tone?
        switch limits.memoryMax {
        case .value(let max):
            memory += " of MemoryMax=\(QuantityText.bytes(max))"
            if let used = limits.memoryCurrent.number ?? limits.residentBytes, max > 0 {
                let share = Double(used) / Double(max)
                memory += " (\(QuantityText.percent(share)))"
                if share >= 0.9 { tone = .red }
            }
        case .infinity: memory += ", no MemoryMax"
        case .unset: break
        }
        // MemoryHigh does not kill: above it the kernel reclaims hard and the service slows down,
        // which explains a slow service that never hit MemoryMax.
        if case .value(let high) = limits.memoryHigh {
            memory += "; MemoryHigh=\(QuantityText.bytes(high))"
            if let used = limits.memoryCurrent.number, used >= high {
                memory += " exceeded: throttled"
                tone = tone ?? .yellow
            }
        }
        lines.append(row("Memory", memory, tone))
        var tasks =
            limits.tasksCurrent.number.map(String.init) ?? report.processes.map { "\($0.count) processes" }
            ?? "?"
        switch limits.tasksMax {
        case .value(let max): tasks += " of TasksMax=\(max)"
        case .infinity: tasks += ", no TasksMax"
        case .unset: break
        }
        lines.append(row("Tasks", tasks))
        let policy = report.policy
        var restart = "Restart=\(policy.restart)"
        if let delay = policy.restartDelayMicroseconds {
            restart += " after \(DurationText.format(seconds: Double(delay) / 1e6))"
        }
        if let burst = policy.startLimitBurst, let interval = policy.startLimitIntervalMicroseconds {
            restart += "; start limit \(burst) in \(DurationText.format(seconds: Double(interval) / 1e6))"
        }
        lines.append(row("Restart", restart))
        if let count = policy.automaticRestarts, count > 0 {
            lines.append(
                row(
                    "Auto restarts",
                    "\(count) since the last manual start (systemd's counter; history: aiops "
                        + "analyze restarts --service \(report.unit))", .yellow))
        }
        return lines
    }

    private static func events(_ report: ServiceReport) -> [Line] {
        guard !report.journal.events.isEmpty else { return ["  none in the last journal entries"] }
        return report.journal.events.map { event in
            let tone: TerminalStyle.Tone? = isBad(event.kind) ? .red : nil
            return Line(
                [
                    Span("  " + UnixTimeText.local(event.time) + "  "),
                    Span(ServiceEventText.describe(event.kind), tone),
                ],
                hangingIndent: 23)
        }
    }

    private static func tail(_ report: ServiceReport) -> [Line] {
        guard !report.journal.tail.isEmpty else { return ["  no journal entries for this unit"] }
        return report.journal.tail.map { line in
            let who = line.identifier.terminalSafe + (line.pid.map { "[\($0)]" } ?? "")
            return Line("  \(UnixTimeText.localClock(line.time)) \(who): \(line.message.terminalSafe)")
        }
    }

    static func isBad(_ kind: ServiceEvent.Kind) -> Bool {
        switch kind {
        case .processExited(let exit): return !exit.isClean
        case .failed, .startJobFailed, .startLimitHit, .oomKilled, .watchdogTimeout, .spawnFailed,
            .coreDumped:
            return true
        default: return false
        }
    }

    static func pad(_ text: String, _ width: Int) -> String {
        let columns = DisplayWidth.columns(text)
        return columns >= width ? text + " " : text + String(repeating: " ", count: width - columns)
    }
}
