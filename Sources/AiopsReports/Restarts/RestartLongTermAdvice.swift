import AiopsAnalyze
import AiopsCore

/// The long-term half of the suggestions: find why (the memory that grows, the crash in the
/// core) and catch the next death with what the journal cannot say — who sent the signal, and
/// the process's resources when it died.
enum RestartLongTermAdvice {
    static func advise(_ report: RestartsReport) -> [RestartAdvice.Item] {
        let unit = ShellWord.quote(report.unit)
        var advice: [RestartAdvice.Item] = []
        if RestartAdvice.seen(report, RestartAdvice.isOOM) {
            // A leak shows as steady growth over a long enough window; the running process's pid,
            // or systemd's answer at the time the command is run (the service may have restarted).
            let pid =
                report.current.mainPID.map { "\($0)" } ?? "\"$(systemctl show -p MainPID --value \(unit))\""
            advice.append(
                .init(
                    text:
                        "Find what grows: sample the service's memory for half an hour; a steady rise is a leak",
                    command: "aiops analyze process --pid \(pid) --resources --duration 30m --interval 10s"))
        }
        let crashes = RestartAdvice.crashes(report)
        if crashes.contains(where: { $0.coreDumpExecutable != nil }) {
            advice.append(
                .init(
                    text: "Find the crash's cause: open the last core dump in a debugger",
                    command: "coredumpctl debug \(unit)"))
        } else if crashes.contains(where: { $0.exit?.coreDumped == true }) {
            advice.append(
                .init(
                    text:
                        "Find the crash's cause in its core: where cores land depends on the kernel's core pattern "
                        + "(a path, or a helper such as systemd-coredump)",
                    command: "cat /proc/sys/kernel/core_pattern"))
        }
        if failuresSeen(report) && report.monitorHistory.deaths.isEmpty {
            advice.append(
                .init(
                    text:
                        "Watch the unit with the monitoring daemon: it alerts on each exit and restart, and "
                        + "records the next death with who sent the signal and the resources at death "
                        + "(this report then joins them in)",
                    command: "aiops monitor processes --daemon --critical \(unit)"))
        }
        return advice
    }

    /// Deaths the service did not ask for: not an operator's stop or restart, not another unit's
    /// failure. Only for those is the killer worth catching.
    static func failuresSeen(_ report: RestartsReport) -> Bool {
        report.episodes.contains { episode in
            switch episode.cause {
            case .manualRestart, .manualStop, .dependencyFailed: return false
            default: return true
            }
        }
    }
}
