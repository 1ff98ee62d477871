import AiopsAnalyze
import AiopsCore
import AiopsRender

/// `analyze restarts` for a terminal: the specification's sample layout — statistics, a
/// numbered timeline with cause and recovery, root causes with shares, time patterns, advice.
public enum RestartsTable {
    typealias Line = ReportPanel.Line
    typealias Span = ReportPanel.Span

    /// The timeline shows the most recent episodes; the JSON has them all.
    static let shownEpisodes = 10

    public static func panel(_ report: RestartsReport) -> ReportPanel {
        var panel = ReportPanel(
            title: "Restart history: \(report.unit)", time: UnixTimeText.local(report.now))
        panel.header = header(report)
        panel.sections = [
            ReportPanel.Section(icon: "📊", title: "Statistics", lines: statistics(report)),
            ReportPanel.Section(icon: "🕐", title: "Timeline (most recent first)", lines: timeline(report)),
            ReportPanel.Section(icon: "🔍", title: "Root causes", lines: causes(report)),
            ReportPanel.Section(icon: "💡", title: "Suggestions", lines: advice(report)),
        ]
        return panel
    }

    private static func row(_ label: String, _ value: String, _ tone: TerminalStyle.Tone? = nil) -> Line {
        ServiceTable.row(label, value, tone)
    }

    private static func header(_ report: RestartsReport) -> [Line] {
        let current = report.current
        var state = "\(current.active) (\(current.sub))"
        if let pid = current.mainPID { state += ", main PID \(pid)" }
        if !current.loaded { state = "not loaded (the unit file is gone); history from the journal" }
        var lines = [row("State", state, current.active == "failed" ? .red : nil)]
        if let uptime = report.uptimeSeconds {
            lines.append(row("Running for", DurationText.format(seconds: uptime)))
        }
        lines.append(
            row(
                "Period",
                "\(UnixTimeText.local(report.since)) – \(UnixTimeText.local(report.now)) "
                    + "(\(DurationText.format(seconds: report.periodSeconds)))"))
        if report.partlyCovered {
            lines.append(
                row(
                    "",
                    "journal covers only \(DurationText.format(seconds: report.coveredSeconds)) of the "
                        + "\(DurationText.format(seconds: report.periodSeconds)) asked (its oldest entry: "
                        + "\(UnixTimeText.local(report.coveredSince))); numbers are over that part", .yellow))
        }
        var sources = "journal (\(report.journalEntries) entries"
        switch report.kernelJournal {
        case .read(let kills, _, _): sources += "; \(plural(kills, "OOM kill")) among its kernel entries)"
        case .unavailable(let reason): sources += "; its kernel entries unreadable: \(reason))"
        }
        switch report.kernelLog {
        case .read(let kills, let lost):
            sources += ", kernel log (\(plural(kills, "OOM kill")) in the buffer"
            sources += lost > 0 ? ", \(lost) records overwritten before read)" : ")"
        case .unavailable(let reason): sources += "; kernel log unavailable: \(reason)"
        }
        let history = report.monitorHistory
        if let reason = history.unavailable {
            sources += "; no monitoring history (\(reason))"
        } else {
            sources +=
                ", monitoring history (\(history.recorded) death\(history.recorded == 1 ? "" : "s") recorded, "
                + "\(history.deaths.count) matched to episodes)"
        }
        lines.append(row("Sources", sources))
        return lines
    }

    static func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

    private static func statistics(_ report: RestartsReport) -> [Line] {
        let statistics = report.statistics
        var lines: [Line] = []
        var total = "\(statistics.restarts)"
        if statistics.episodes != statistics.restarts {
            total +=
                " (and \(statistics.episodes - statistics.restarts) stop\(statistics.episodes - statistics.restarts == 1 ? "" : "s") without a restart)"
        }
        lines.append(row("Restarts", total))
        if statistics.completedRuns > 0 {
            lines.append(
                row(
                    "Completed",
                    "\(statistics.completedRuns) run\(statistics.completedRuns == 1 ? "" : "s") that ended cleanly, "
                        + "not restarted by systemd (a oneshot or timer unit's runs): not restarts, in no number here"
                ))
        }
        var rate = QuantityText.decimal(statistics.restartsPerDay, digits: 2) + "/day"
        if report.partlyCovered {
            // Under a day of journal the per-day figure is an extrapolation: the count comes first.
            let covered = DurationText.format(seconds: report.coveredSeconds)
            rate =
                report.coveredSeconds < 86_400
                ? "\(statistics.restarts) in \(covered) of journal (\(rate) if it went on)"
                : rate + " (over \(covered) of journal)"
        }
        lines.append(
            row(
                "Rate",
                statistics.rateIsHigh
                    ? rate + " ⚠️ above \(Int(RestartStatistics.warningRestartsPerDay))/day" : rate,
                statistics.rateIsHigh ? .yellow : nil))
        lines.append(
            row("Mean uptime", statistics.meanUptimeSeconds.map { DurationText.format(seconds: $0) } ?? "–"))
        var mttr = statistics.meanRecoverySeconds.map { DurationText.format(seconds: $0) } ?? "–"
        if let maximum = statistics.maximumRecoverySeconds, statistics.restarts > 1 {
            mttr += " (longest \(DurationText.format(seconds: maximum)))"
        }
        lines.append(row("MTTR", mttr))
        if let intervals = statistics.intervals {
            lines.append(
                row(
                    "Intervals",
                    "min \(DurationText.format(seconds: intervals.minimumSeconds)), median "
                        + "\(DurationText.format(seconds: intervals.medianSeconds)), max "
                        + "\(DurationText.format(seconds: intervals.maximumSeconds))"))
            let buckets = zip(RestartStatistics.Intervals.bucketLabels, intervals.buckets)
                .filter { $0.1 > 0 }.map { "\($0.0): \($0.1)" }.joined(separator: ", ")
            lines.append(row("", buckets))
        }
        if let counter = report.systemdRestartCounter, counter > 0 {
            lines.append(
                row("", "(systemd's NRestarts=\(counter) counts only automatic restarts since the last stop)")
            )
        }
        return lines
    }

    private static func timeline(_ report: RestartsReport) -> [Line] {
        guard !report.episodes.isEmpty else { return ["  no restarts, stops or failures in the period"] }
        var lines: [Line] = []
        let recent = report.episodes.reversed().prefix(shownEpisodes)
        for (index, episode) in recent.enumerated() {
            let death = report.monitorHistory.deaths[report.episodes.count - 1 - index]
            let ago = DurationText.format(seconds: Double(max(report.now - episode.time, 0)) / 1e6)
            let bad = episode.cause != .manualRestart && episode.cause != .manualStop
            lines.append(
                Line(
                    [
                        Span("  \(index + 1). \(UnixTimeText.local(episode.time)) (\(ago) ago) – "),
                        Span(RestartEpisodeText.title(episode), bad ? .red : nil),
                    ], hangingIndent: 7))
            let monitored = death.map(RestartEpisodeText.monitorDeath) ?? []
            for detail in RestartEpisodeText.details(episode, unit: report.unit) + monitored {
                lines.append(Line([Span(ServiceTable.pad("", 7) + detail)], hangingIndent: 9))
            }
            if !episode.logTail.isEmpty {
                lines.append(Line(ServiceTable.pad("", 7) + "Last log lines:"))
                for line in episode.logTail {
                    lines.append(Line(ServiceTable.pad("", 9) + line.terminalSafe))
                }
            }
        }
        if report.episodes.count > shownEpisodes {
            lines.append(Line("  … \(report.episodes.count - shownEpisodes) earlier (all of them in --json)"))
        }
        return lines
    }

    private static func causes(_ report: RestartsReport) -> [Line] {
        let statistics = report.statistics
        guard statistics.episodes > 0 else { return ["  nothing to explain"] }
        var lines: [Line] = []
        for cause in statistics.causes {
            let share = QuantityText.percent(Double(cause.count) / Double(statistics.episodes))
            lines.append(Line("  • \(label(cause.category)): \(cause.count) (\(share))"))
        }
        lines.append(.blank)
        lines.append("  Time of day (restarts per local hour):")
        lines.append(Line("    " + hourBar(statistics.byHour)))
        lines.append("    0     3     6     9     12    15    18    21   ")
        let patterns = RestartPatternText.lines(statistics)
        if !patterns.isEmpty {
            lines.append(.blank)
            lines.append("  Time pattern:")
            for pattern in patterns { lines.append(Line([Span("    • " + pattern)], hangingIndent: 6)) }
        }
        return lines
    }

    /// One character per hour: " " none, then ▁▃▅█ by share of the busiest hour.
    static func hourBar(_ counts: [Int]) -> String {
        let peak = counts.max() ?? 0
        guard peak > 0 else { return String(repeating: "·", count: 24 * 2) }
        let blocks: [Character] = ["▁", "▃", "▅", "█"]
        return counts.map { count -> String in
            guard count > 0 else { return "· " }
            let level = min((count * blocks.count - 1) / peak, blocks.count - 1)
            return String(blocks[level]) + " "
        }.joined()
    }

    static func label(_ category: String) -> String {
        switch category {
        case "crash": return "Crash (signal)"
        case "exit_code": return "Exit-code failure"
        case "oom_kill": return "OOM kill"
        case "watchdog": return "Watchdog"
        case "timeout": return "Timeout"
        case "manual_restart": return "Manual restart"
        case "manual_stop": return "Manual stop"
        case "dependency": return "Failed dependency"
        case "clean_exit": return "Clean end, restarted by systemd"
        case "start_limit_hit": return "Start limit hit"
        default: return "Other failure"
        }
    }

    /// Two numbered lists, as the specification's sample: "Short term" and "Long term".
    private static func advice(_ report: RestartsReport) -> [Line] {
        guard !report.advice.isEmpty else { return ["  nothing to do: no failures in the period"] }
        var lines: [Line] = []
        for (term, title) in [(RestartsReport.Advice.Term.short, "Short term:"), (.long, "Long term:")] {
            let items = report.advice.filter { $0.term == term }
            guard !items.isEmpty else { continue }
            if !lines.isEmpty { lines.append(.blank) }
            lines.append(Line("  " + title))
            for (index, item) in items.enumerated() {
                lines.append(Line([Span("    \(index + 1). \(item.text)")], hangingIndent: 7))
                if let command = item.command {
                    lines.append(.command(command, indent: 7))
                }
            }
        }
        return lines
    }
}
