import AiopsAnalyze
import AiopsCore

/// What to do about a restart history, as the specification's sample splits it: short-term steps
/// that get the service back and keep the evidence (raise a limit, clear the start limit, keep
/// cores, read the log), and long-term ones that find the cause (the leak, the crash) and catch
/// the next death. Each comes with the exact command, and only for the causes that were seen:
/// nothing generic is said when nothing was seen.
enum RestartAdvice {
    static func advise(_ report: RestartsReport) -> [RestartsReport.Advice] {
        let short = shortTerm(report) + RestartStopStatusAdvice.advise(report)
        return short.map { .init(term: .short, text: $0.text, command: $0.command) }
            + RestartLongTermAdvice.advise(report).map {
                .init(term: .long, text: $0.text, command: $0.command)
            }
    }

    /// A suggestion before its term is set.
    struct Item {
        var text: String
        var command: String?
    }

    static func seen(_ report: RestartsReport, _ match: (RestartEpisode.Cause) -> Bool) -> Bool {
        report.episodes.contains { match($0.cause) }
    }

    static func isOOM(_ cause: RestartEpisode.Cause) -> Bool {
        if case .oomKill = cause { return true } else { return false }
    }

    static func crashes(_ report: RestartsReport) -> [RestartEpisode] {
        report.episodes.filter { if case .crash = $0.cause { return true } else { return false } }
    }

    /// The unit's drop-in directory, quoted for the shell.
    static func dropIn(_ report: RestartsReport) -> String {
        ShellWord.quote("/etc/systemd/system/\(report.unit).d")
    }

    private static func shortTerm(_ report: RestartsReport) -> [Item] {
        // Quoted for the shell: an escaped name ("foo\\x2dbar.service") must paste as itself.
        let unit = ShellWord.quote(report.unit)
        var advice: [Item] = []
        if seen(report, isOOM) { advice.append(memory(report)) }
        if crashes(report).contains(where: { $0.exit?.coreDumped == false }) {
            let dropIn = dropIn(report)
            advice.append(
                .init(
                    text:
                        "Keep core dumps of the crashing process (LimitCORE is not a set-property property: a drop-in)",
                    command:
                        "mkdir -p \(dropIn) && printf '[Service]\\nLimitCORE=infinity\\n' "
                        + "> \(dropIn)/50-core.conf && systemctl daemon-reload"))
        }
        if seen(
            report,
            {
                if case .exitCode(let status, _) = $0 {
                    return (200...243).contains(status)
                } else {
                    return false
                }
            })
        {
            advice.append(
                .init(
                    text:
                        "systemd could not set up or exec the command (status 200–243): check ExecStart, User=, "
                        + "paths and directories in the unit",
                    command: "systemctl cat \(unit)"))
        } else if seen(report, { if case .exitCode = $0 { return true } else { return false } }) {
            advice.append(
                .init(
                    text: "Read what the service said before it exited",
                    command: "journalctl -u \(unit) -n 50 --no-pager"))
        }
        if seen(report, { $0 == .watchdog }) {
            advice.append(
                .init(
                    text:
                        "The service stopped pinging the watchdog: find the stall, or give it more time (drop-in)",
                    command: "systemctl edit \(unit)   # [Service] WatchdogSec=…"))
        }
        if report.episodes.contains(where: \.startLimitHit) {
            advice.append(
                .init(
                    text:
                        "The start limit left the service down: fix the cause, then clear the failure and start it",
                    command: "systemctl reset-failed \(unit) && systemctl start \(unit)"))
        }
        if seen(report, { $0 == .dependencyFailed }) {
            advice.append(
                .init(
                    text: "A required unit failed: see which",
                    command: "systemctl list-dependencies \(unit) && systemctl --failed"))
        }
        if seen(report, { $0 == .manualRestart || $0 == .manualStop }) {
            advice.append(
                .init(
                    text: "The journal never records who ran systemctl: look for it in sudo's log",
                    command:
                        "journalctl _COMM=sudo --since '\(UnixTimeText.local(report.since))' --no-pager | grep -F -- \(unit)"
                ))
        }
        return advice
    }

    /// An OOM kill at the unit's limit: raise it. At the machine's end (or a limit systemd does
    /// not show as MemoryMax): read what the kernel reported about every process at the kill.
    private static func memory(_ report: RestartsReport) -> Item {
        if let max = report.memoryMax.number {
            let raised = (max / 2 * 3 + (1 << 20) - 1) / (1 << 20)
            return .init(
                text:
                    "Raise the memory limit (MemoryMax is \(QuantityText.bytes(max))) to keep it up meanwhile",
                command: "systemctl set-property \(ShellWord.quote(report.unit)) MemoryMax=\(raised)M")
        }
        return .init(
            text:
                "Read the kernel's report of each OOM kill: the memory of every process at that moment, "
                + "to see what else held it",
            command:
                "journalctl _TRANSPORT=kernel --since '\(UnixTimeText.local(report.since))' --no-pager "
                + "| grep -F -A 60 'invoked oom-killer'")
    }
}
