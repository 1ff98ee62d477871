import AiopsAnalyze
import AiopsCore
import AiopsProc
import AiopsRender

/// The report for a terminal: a boxed panel, one section per concern, 80 columns.
public enum ResourceTable {
    typealias Line = ReportPanel.Line
    typealias Span = ReportPanel.Span

    static let width = 80
    static let labelWidth = 11

    public static func panel(_ report: ResourceReport, clock: WallClock) -> ReportPanel {
        let stat = report.process.stat
        var panel = ReportPanel(
            title: "Process resources: PID \(stat.pid) (\(stat.comm.terminalSafe))",
            time: localDateTimeText(report.window.end, clock: clock))
        panel.header = header(report, clock: clock)
        panel.sections = [
            ReportPanel.Section(icon: "📊", title: "CPU", lines: cpu(report)),
            ReportPanel.Section(icon: "🧠", title: "Memory", lines: memory(report)),
            ReportPanel.Section(icon: "💾", title: "IO", lines: io(report)),
            ReportPanel.Section(icon: "🌐", title: "Network", lines: network(report)),
            ReportPanel.Section(icon: "📂", title: "Files", lines: files(report)),
            ReportPanel.Section(icon: "🧵", title: "Threads", lines: threads(report)),
            ReportPanel.Section(icon: "🚧", title: "Limits", lines: limits(report)),
            ReportPanel.Section(icon: "👥", title: "Same executable", lines: peers(report)),
            ReportPanel.Section(
                icon: "📈", title: "Trend over \(DurationText.format(seconds: report.window.seconds))",
                lines: trends(report)),
            ReportPanel.Section(icon: "💡", title: "Notes", lines: notes(report)),
        ]
        return panel
    }

    /// "  Label      value".
    static func row(_ label: String, _ value: String, _ tone: TerminalStyle.Tone? = nil) -> Line {
        let padded =
            label.count >= labelWidth
            ? label + " " : label + String(repeating: " ", count: labelWidth - label.count)
        return Line([Span("  " + padded), Span(value, tone)], hangingIndent: 2 + labelWidth)
    }

    static func percent(_ share: Double?) -> String {
        share.map(QuantityText.percent) ?? "?"
    }

    static func bytes(_ value: UInt64?) -> String {
        value.map { QuantityText.bytes($0) } ?? "?"
    }

    static func rate(_ value: Double) -> String {
        QuantityText.decimal(value, digits: value < 10 ? 1 : 0) + "/s"
    }

    private static func header(_ report: ResourceReport, clock: WallClock) -> [Line] {
        let process = report.process
        let stat = process.stat
        var lines: [Line] = []
        let command =
            process.argv.isEmpty
            ? "(no command line: a zombie or an exiting process)"
            : commandLineText(process.argv) + (process.argvTruncated ? " …(truncated)" : "")
        lines.append(row("Command", command))
        switch process.executable {
        case .value(let path): lines.append(row("Executable", UntrustedText(path).terminalSafe))
        case .unavailable(let reason): lines.append(row("Executable", reason.text))
        }
        let state = String(decoding: [stat.state], as: UTF8.self)
        lines.append(
            row(
                "State",
                "\(state) (\(stateName(stat.state))), parent \(stat.ppid), uid \(process.uid.map(String.init) ?? "?")"
            ))
        lines.append(
            row(
                "Started",
                "\(localDateTimeText(stat.start, clock: clock)) (\(DurationText.format(seconds: process.ageSeconds)) ago)"
            ))
        let window = report.window
        var text =
            "\(DurationText.format(seconds: window.seconds)), \(window.samples) samples every "
            + DurationText.format(seconds: window.intervalSeconds)
        switch window.ending {
        case .completed: break
        case .processExited: text += "; ended early: the process exited"
        case .interrupted: text += "; ended early: interrupted"
        }
        lines.append(row("Window", text))
        return lines
    }

    static func stateName(_ state: UInt8) -> String {
        switch state {
        case UInt8(ascii: "R"): return "running"
        case UInt8(ascii: "S"): return "sleeping"
        case UInt8(ascii: "D"): return "uninterruptible wait"
        case UInt8(ascii: "Z"): return "zombie"
        case UInt8(ascii: "T"): return "stopped"
        case UInt8(ascii: "t"): return "traced"
        case UInt8(ascii: "I"): return "idle"
        case UInt8(ascii: "X"): return "dead"
        default: return "unknown"
        }
    }

    private static func cpu(_ report: ResourceReport) -> [Line] {
        let cpu = report.cpu
        var lines: [Line] = []
        if let share = cpu.windowShare {
            lines.append(
                row(
                    "Window",
                    "\(percent(share)) of one CPU (user \(percent(cpu.windowUserShare)), system "
                        + "\(percent(cpu.windowSystemShare))); \(cpu.onlineCPUs) CPUs online"))
        } else {
            lines.append(row("Window", "one sample only: no rate"))
        }
        lines.append(
            row(
                "Lifetime",
                "\(percent(cpu.lifetimeShare)) on average (as ps shows); CPU time "
                    + "\(seconds(cpu.userSeconds + cpu.systemSeconds)) (user \(seconds(cpu.userSeconds)), "
                    + "system \(seconds(cpu.systemSeconds)))"))
        if let limit = report.cgroup.value?.cpu {
            if let quota = limit.cpus {
                let used = cpu.windowShare.map { ": using \(QuantityText.percent($0 / quota)) of it" } ?? ""
                lines.append(
                    row(
                        "Quota",
                        "\(QuantityText.decimal(quota, digits: 2)) CPU on \(limit.limitCgroup ?? limit.cgroup) "
                            + "(cgroup v\(limit.version))\(used)"))
            } else {
                lines.append(row("Quota", "none (cgroup v\(limit.version) \(limit.cgroup))"))
            }
        }
        return lines
    }

    static func seconds(_ value: Double) -> String {
        "\(QuantityText.decimal(value, digits: value < 100 ? 2 : 0)) s"
    }

    private static func memory(_ report: ResourceReport) -> [Line] {
        var lines: [Line] = []
        let memory = report.memory
        let status = memory.status.value
        var rss = bytes(memory.residentBytes)
        if let status {
            rss +=
                " (anon \(bytes(status.residentAnonymousBytes)), file \(bytes(status.residentFileBytes)), "
                + "shmem \(bytes(status.residentSharedMemoryBytes)))"
        }
        if let ram = memory.ramBytes, ram > 0, let resident = memory.residentBytes {
            rss += ", \(QuantityText.percent(Double(resident) / Double(ram))) of RAM"
        }
        lines.append(row("RSS", rss))
        switch memory.rollup {
        case .value(let rollup):
            lines.append(
                row(
                    "PSS",
                    "\(bytes(rollup.proportionalBytes)) (anon \(bytes(rollup.proportionalAnonymousBytes)), "
                        + "file \(bytes(rollup.proportionalFileBytes)), shmem "
                        + "\(bytes(rollup.proportionalSharedMemoryBytes)))"))
        case .unavailable(let reason): lines.append(row("PSS", reason.text))
        }
        switch memory.status {
        case .value(let status):
            let swapPSS =
                memory.rollup.value?.proportionalSwapBytes.map { " (PSS \(QuantityText.bytes($0)))" } ?? ""
            lines.append(
                row(
                    "Swap",
                    "\(bytes(status.swapBytes))\(swapPSS); peak RSS \(bytes(status.peakResidentBytes)); "
                        + "locked \(bytes(status.lockedBytes)); virtual \(bytes(status.virtualBytes))"))
        case .unavailable(let reason): lines.append(row("Details", reason.text))
        }
        switch report.cgroup {
        case .value(let limits):
            guard let cgroup = limits.memory else {
                lines.append(row("cgroup", "no memory controller for this process"))
                break
            }
            if let limit = cgroup.limitBytes, limit > 0 {
                let share = memory.residentBytes.map { Double($0) / Double(limit) }
                lines.append(
                    row(
                        "cgroup",
                        "RSS \(bytes(memory.residentBytes)) of \(QuantityText.bytes(limit)) limit (\(percent(share)))",
                        (share ?? 0) >= ResourceNotes.criticalShare ? .red : nil))
                let charged = cgroup.usageBytes.map {
                    "\(QuantityText.bytes($0)) (\(percent(Double($0) / Double(limit))))"
                }
                lines.append(
                    row(
                        "",
                        "charged \(charged ?? "?"), peak \(bytes(cgroup.peakBytes)); limit set on "
                            + "\(cgroup.limitCgroup ?? cgroup.cgroup) (v\(cgroup.version))"))
            } else {
                lines.append(
                    row(
                        "cgroup",
                        "no memory limit on \(cgroup.cgroup) or above (v\(cgroup.version)); charged "
                            + bytes(cgroup.usageBytes)))
            }
        case .unavailable(let reason):
            lines.append(row("cgroup", reason.text))
        }
        return lines
    }

    private static func io(_ report: ResourceReport) -> [Line] {
        switch report.io.counters {
        case .unavailable(let reason):
            return [row("Counters", reason.text)]
        case .value(let io):
            var lines: [Line] = []
            if let rates = report.io.rates {
                lines.append(
                    row(
                        "Storage",
                        "read \(QuantityText.byteRate(rates.storageRead)), write "
                            + "\(QuantityText.byteRate(rates.storageWrite)) over the window"))
                lines.append(
                    row(
                        "Syscalls",
                        "read \(QuantityText.byteRate(rates.readCharacters)) in \(rate(rates.readSyscalls)) calls, "
                            + "write \(QuantityText.byteRate(rates.writtenCharacters)) in "
                            + "\(rate(rates.writeSyscalls)) calls"))
            }
            lines.append(
                row(
                    "Totals",
                    "storage read \(QuantityText.bytes(io.storageReadBytes)), written "
                        + "\(QuantityText.bytes(io.storageWriteBytes)) (cancelled "
                        + "\(QuantityText.bytes(io.cancelledWriteBytes))); syscalls read "
                        + "\(QuantityText.bytes(io.readCharacters)), wrote \(QuantityText.bytes(io.writtenCharacters))"
                ))
            return lines
        }
    }

    static let shownSockets = 8

    private static func network(_ report: ResourceReport) -> [Line] {
        let sockets: ProcessSockets
        switch report.network {
        case .unavailable(let reason): return [row("Sockets", reason.text)]
        case .value(let value): sockets = value
        }
        let count = sockets.internet.count + sockets.unix.count + sockets.otherSockets
        guard count > 0 else { return [row("Sockets", "none")] }
        let states = sockets.tcpStates.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
            .map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        let udp = sockets.internet.filter { $0.transport == .udp }.count
        var lines = [
            row(
                "Sockets",
                "\(count): TCP \(states.isEmpty ? "0" : states); UDP \(udp); unix \(sockets.unix.count); "
                    + "other \(sockets.otherSockets)")
        ]
        func list(_ label: String, _ items: [String]) {
            for (index, item) in items.prefix(shownSockets).enumerated() {
                lines.append(row(index == 0 ? label : "", item))
            }
            if items.count > shownSockets {
                lines.append(row("", "… and \(items.count - shownSockets) more"))
            }
        }
        list(
            "Listening",
            sockets.listening.map { "\($0.protocolName) \($0.localAddress.endpoint(port: $0.localPort))" })
        list(
            "Peers",
            sockets.connections.map {
                "\($0.protocolName) \($0.localAddress.endpoint(port: $0.localPort)) → "
                    + "\($0.remoteAddress.endpoint(port: $0.remotePort)) \($0.stateName)"
            })
        let unixListening = sockets.unix.filter(\.isListening)
        list(
            "Unix",
            unixListening.map { "listening \($0.kind.rawValue) \($0.path?.terminalSafe ?? "(unbound)")" })
        if !sockets.unreadableTables.isEmpty {
            let tables = sockets.unreadableTables.sorted { $0.key < $1.key }.map {
                "\($0.key) \($0.value.rawValue)"
            }
            lines.append(row("Unread", tables.joined(separator: ", ")))
        }
        return lines
    }

    private static func files(_ report: ResourceReport) -> [Line] {
        switch report.files {
        case .unavailable(let reason):
            return [row("Open", reason.text)]
        case .value(let files):
            var open = "\(files.count)"
            if let row = report.limits.value?.first(where: { $0.limit.kind == .openFiles }) {
                open +=
                    " of soft \(limitText(row.limit.soft, unit: nil)) / hard \(limitText(row.limit.hard, unit: nil))"
                if let share = row.shareOfSoft { open += " (\(QuantityText.percent(share)))" }
            }
            var lines = [
                row(
                    "Open", open,
                    (report.limits.value?.first { $0.limit.kind == .openFiles }?.shareOfSoft ?? 0)
                        >= ResourceNotes.criticalShare ? .red : nil)
            ]
            var kinds = [
                QuantityText.count(files.regularFiles, "file"), QuantityText.count(files.sockets, "socket"),
                QuantityText.count(files.pipes, "pipe"), QuantityText.count(files.devices, "device"),
                QuantityText.count(files.anonymousInodes, "anon inode"), "\(files.other) other",
            ]
            if files.unreadable > 0 && files.unreadable == files.count {
                lines.append(row("Kinds", "unavailable (permission): the descriptors' links cannot be read"))
            } else {
                if files.unreadable > 0 { kinds.append("\(files.unreadable) unreadable (permission)") }
                lines.append(row("Kinds", kinds.joined(separator: ", ")))
            }
            if files.deletedFiles > 0 {
                lines.append(row("Deleted", "\(files.deletedFiles) still open (space held until closed)"))
            }
            if files.kindsTruncated { lines.append(row("", "kinds cover the first 65536 descriptors only")) }
            return lines
        }
    }

    private static func threads(_ report: ResourceReport) -> [Line] {
        let threads = report.threads
        var lines = [row("Threads", "\(threads.count)")]
        switch threads.switches {
        case .value(let switches):
            var text = "totals \(switches.voluntary) voluntary, \(switches.involuntary) involuntary"
            if let voluntary = threads.voluntaryPerSecond, let involuntary = threads.involuntaryPerSecond {
                text = "\(rate(voluntary)) voluntary, \(rate(involuntary)) involuntary; " + text
            }
            text += switches.partial ? " (first \(switches.threadsCounted) threads)" : " (all threads)"
            lines.append(row("Switches", text))
        case .unavailable(let reason):
            lines.append(row("Switches", reason.text))
        }
        return lines
    }

    static func limitText(_ value: ResourceLimit.Value, unit: String?) -> String {
        switch value {
        case .unlimited: return "unlimited"
        case .limited(let number): return unit == "bytes" ? QuantityText.bytes(number) : "\(number)"
        }
    }

    static func padded(_ text: String, _ width: Int) -> String {
        let columns = DisplayWidth.columns(text)
        return columns >= width ? text + " " : text + String(repeating: " ", count: width - columns)
    }

    private static func limits(_ report: ResourceReport) -> [Line] {
        var lines: [Line] = []
        let header =
            "  " + padded("RESOURCE", 20) + padded("USED", 16) + padded("SOFT", 12) + padded("HARD", 12)
        switch report.limits {
        case .unavailable(let reason):
            lines.append(row("rlimits", reason.text))
        case .value(let rows):
            lines.append(Line(header, .dim))
            for limitRow in rows {
                let limit = limitRow.limit
                let name = limit.kind.map { String($0.rawValue.map { $0 == "_" ? " " : $0 }) } ?? limit.name
                var used = limitRow.usageUnavailable.map { "? (\($0.rawValue))" } ?? "-"
                if let usage = limitRow.usage {
                    used = limit.unit == "bytes" ? QuantityText.bytes(usage) : "\(usage)"
                    if let share = limitRow.shareOfSoft { used += " (\(QuantityText.percent(share)))" }
                }
                var text =
                    "  " + padded(name, 20) + padded(used, 16)
                    + padded(limitText(limit.soft, unit: limit.unit), 12)
                    + padded(limitText(limit.hard, unit: limit.unit), 12)
                if let remark = limitRow.remark { text += remark }
                let share = limitRow.shareOfSoft ?? 0
                lines.append(
                    Line(
                        text,
                        share >= ResourceNotes.criticalShare
                            ? .red : share >= ResourceNotes.warningShare ? .yellow : nil))
            }
        }
        if let cgroup = report.cgroup.value {
            if let memory = cgroup.memory {
                let used = memory.usageBytes.map { usage -> String in
                    let share = memory.limitBytes.map {
                        " (\(QuantityText.percent(Double(usage) / Double($0))))"
                    }
                    return QuantityText.bytes(usage) + (share ?? "")
                }
                lines.append(
                    Line(
                        "  " + padded("cgroup memory", 20) + padded(used ?? "?", 16)
                            + padded(memory.limitBytes.map { QuantityText.bytes($0) } ?? "max", 12)
                            + padded("", 12) + "v\(memory.version) \(memory.limitCgroup ?? memory.cgroup)"))
            }
            if let tasks = cgroup.tasks {
                lines.append(
                    Line(
                        "  " + padded("cgroup tasks", 20) + padded(tasks.current.map(String.init) ?? "?", 16)
                            + padded(tasks.limit.map(String.init) ?? "max", 12) + padded("", 12)
                            + "v\(tasks.version) \(tasks.limitCgroup ?? tasks.cgroup)"))
            }
            if let cpu = cgroup.cpu {
                let used = report.cpu.windowShare.map { QuantityText.decimal($0, digits: 2) + " CPU" } ?? "?"
                lines.append(
                    Line(
                        "  " + padded("cgroup cpu", 20) + padded(used, 16)
                            + padded(
                                cpu.cpus.map { QuantityText.decimal($0, digits: 2) + " CPU" } ?? "max", 12)
                            + padded("", 12) + "v\(cpu.version) \(cpu.limitCgroup ?? cpu.cgroup)"))
            }
        } else if let reason = report.cgroup.unavailableReason {
            lines.append(row("cgroup", reason.text))
        }
        return lines
    }

    private static func peers(_ report: ResourceReport) -> [Line] {
        switch report.peers {
        case .unavailable(let reason):
            return [row("Executable", reason.text)]
        case .value(let peers):
            let path = UntrustedText(peers.executable).terminalSafe
            var lines: [Line] = []
            if peers.count == 0 {
                lines.append(Line("  no other process runs \(path)"))
            } else {
                var summary =
                    "\(QuantityText.count(peers.count, "other process", "other processes")) run \(path)"
                if let median = peers.medianResidentBytes {
                    summary +=
                        "; median RSS \(QuantityText.bytes(median)) (this one \(bytes(report.memory.residentBytes)))"
                }
                if let cpu = peers.medianCPUShare {
                    summary +=
                        ", median CPU \(QuantityText.percent(cpu)) (this one \(percent(report.cpu.windowShare)))"
                }
                lines.append(Line([Span("  " + summary)], hangingIndent: 4))
                lines.append(
                    Line(
                        "  " + padded("PID", 9) + padded("COMM", 17) + padded("RSS", 12) + padded("CPU", 8)
                            + padded("THREADS", 9) + "FDS", .dim))
                for peer in peers.shown {
                    lines.append(
                        Line(
                            "  " + padded("\(peer.pid)", 9) + padded(peer.comm.terminalSafe, 17)
                                + padded(bytes(peer.residentBytes), 12) + padded(percent(peer.cpuShare), 8)
                                + padded("\(peer.threads)", 9) + (peer.openFiles.map(String.init) ?? "?")))
                }
                if peers.count > peers.shown.count {
                    lines.append(Line("  … and \(peers.count - peers.shown.count) more"))
                }
            }
            if peers.unreadable > 0 {
                lines.append(
                    Line(
                        "  \(QuantityText.count(peers.unreadable, "process", "processes")) could not be checked (permission)"
                    ))
            }
            return lines
        }
    }

    private static func trends(_ report: ResourceReport) -> [Line] {
        var lines: [Line] = []
        for trend in report.trends {
            let tone: TerminalStyle.Tone? =
                trend.analysis.verdict == .likelyLeak
                ? .red : trend.analysis.verdict == .possibleLeak ? .yellow : nil
            lines.append(row(trend.label, trend.analysis.summary(unit: trend.unit), tone))
        }
        return lines
    }

    private static func notes(_ report: ResourceReport) -> [Line] {
        var lines: [Line] = []
        for note in report.notes {
            let (mark, tone): (String, TerminalStyle.Tone?) =
                switch note.severity {
                case .critical: ("🔴 ", .red)
                case .warning: ("🟡 ", .yellow)
                case .info: ("🔹 ", nil)
                }
            lines.append(Line([Span("  " + mark), Span(note.text, tone)], hangingIndent: 5))
        }
        return lines
    }
}
