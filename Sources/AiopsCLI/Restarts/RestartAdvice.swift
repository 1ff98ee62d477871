import AiopsAnalyze
import AiopsCore

/// What to do about a restart history: concrete steps with the exact command, for the causes
/// that were seen. Nothing generic is said when nothing was seen.
enum RestartAdvice {
    static func advise(_ report: RestartsReport) -> [RestartsReport.Advice] {
        // Quoted for the shell: an escaped name ("foo\\x2dbar.service") must paste as itself.
        let unit = ShellWord.quote(report.unit)
        let dropIn = ShellWord.quote("/etc/systemd/system/\(report.unit).d")
        let episodes = report.episodes
        var advice: [RestartsReport.Advice] = []
        func seen(_ match: (RestartEpisode.Cause) -> Bool) -> Bool { episodes.contains { match($0.cause) } }

        if seen({ if case .oomKill = $0 { return true } else { return false } }) {
            if let max = report.memoryMax.number {
                let raised = (max / 2 * 3 + (1 << 20) - 1) / (1 << 20)
                advice.append(
                    .init(
                        text:
                            "Raise the memory limit (MemoryMax is \(QuantityText.bytes(max))) or find what grows",
                        command: "systemctl set-property \(unit) MemoryMax=\(raised)M"))
            } else {
                advice.append(
                    .init(
                        text: "The machine ran out of memory: watch the service's memory over time",
                        command: report.current.mainPID.map {
                            "aiops analyze process --pid \($0) --resources --duration 60s"
                        }))
            }
        }
        let crashes = episodes.filter { if case .crash = $0.cause { return true } else { return false } }
        if crashes.contains(where: { $0.exit?.coreDumped == false }) {
            advice.append(
                .init(
                    text:
                        "Keep core dumps of the crashing process (LimitCORE is not a set-property property: a drop-in)",
                    command:
                        "mkdir -p \(dropIn) && printf '[Service]\\nLimitCORE=infinity\\n' "
                        + "> \(dropIn)/50-core.conf && systemctl daemon-reload"))
        }
        if crashes.contains(where: { $0.coreDumpExecutable != nil }) {
            advice.append(
                .init(text: "Open the last core dump in a debugger", command: "coredumpctl debug \(unit)"))
        } else if crashes.contains(where: { $0.exit?.coreDumped == true }) {
            advice.append(
                .init(
                    text:
                        "Cores were written; where they land depends on the kernel's core pattern (a path, or "
                        + "a helper such as systemd-coredump)",
                    command: "cat /proc/sys/kernel/core_pattern"))
        }
        if seen({
            if case .exitCode(let status, _) = $0 {
                return (200...243).contains(status)
            } else {
                return false
            }
        }) {
            advice.append(
                .init(
                    text:
                        "systemd could not set up or exec the command (status 200–243): check ExecStart, User=, "
                        + "paths and directories in the unit",
                    command: "systemctl cat \(unit)"))
        } else if seen({ if case .exitCode = $0 { return true } else { return false } }) {
            advice.append(
                .init(
                    text: "Read what the service said before it exited",
                    command: "journalctl -u \(unit) -n 50 --no-pager"))
        }
        if seen({ $0 == .watchdog }) {
            advice.append(
                .init(
                    text:
                        "The service stopped pinging the watchdog: find the stall, or give it more time (drop-in)",
                    command: "systemctl edit \(unit)   # [Service] WatchdogSec=…"))
        }
        if episodes.contains(where: \.startLimitHit) {
            advice.append(
                .init(
                    text:
                        "The start limit left the service down: fix the cause, then clear the failure and start it",
                    command: "systemctl reset-failed \(unit) && systemctl start \(unit)"))
        }
        if seen({ $0 == .dependencyFailed }) {
            advice.append(
                .init(
                    text: "A required unit failed: see which",
                    command: "systemctl list-dependencies \(unit) && systemctl --failed"))
        }
        if seen({ $0 == .manualRestart || $0 == .manualStop }) {
            advice.append(
                .init(
                    text: "The journal never records who ran systemctl: look for it in sudo's log",
                    command:
                        "journalctl _COMM=sudo --since '\(UnixTimeText.local(report.since))' --no-pager | grep -F -- \(unit)"
                ))
        }
        if report.statistics.rateIsHigh {
            advice.append(
                .init(
                    text:
                        "Restarts are frequent: trace the unit to catch the next death with its killer and signal",
                    command: "aiops trace --unit \(unit) --failed"))
        }
        return advice
    }
}
