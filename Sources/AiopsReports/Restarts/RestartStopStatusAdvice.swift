import AiopsAnalyze
import AiopsCore

/// A service that answers the stop signal by exiting 128 + that signal (143 on SIGTERM, as a JVM
/// does; 130 on SIGINT, 129 on SIGHUP) makes systemd mark every manual stop and restart as a
/// failure (Result=exit-code). Said only when the data shows it: an operator's stop or restart
/// whose main process exited so, in a run systemd marked failed.
enum RestartStopStatusAdvice {
    /// 128 + SIGHUP, SIGINT, SIGTERM: the signals systemd's KillSignal= is set to in practice.
    static let signalStatuses: Set<Int32> = [129, 130, 143]

    static func advise(_ report: RestartsReport) -> [RestartAdvice.Item] {
        let statuses = Set(
            report.episodes.compactMap { episode -> Int32? in
                guard episode.cause == .manualRestart || episode.cause == .manualStop,
                    let exit = episode.exit, exit.code == .exited, signalStatuses.contains(exit.status),
                    episode.result == "exit-code"
                else { return nil }
                return exit.status
            }
        ).sorted()
        guard !statuses.isEmpty else { return [] }
        let list = statuses.map(String.init).joined(separator: " ")
        let dropIn = RestartAdvice.dropIn(report)
        return [
            .init(
                text:
                    "On a stop the main process exits \(statuses.map(String.init).joined(separator: "/")) "
                    + "(128 + the stop signal) and systemd marks the run failed: declare that status a clean exit",
                command:
                    "mkdir -p \(dropIn) && printf '[Service]\\nSuccessExitStatus=\(list)\\n' "
                    + "> \(dropIn)/50-success-exit-status.conf && systemctl daemon-reload")
        ]
    }
}
