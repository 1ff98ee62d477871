import AiopsCore
import AiopsMonitor
import AiopsTrace
import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `aiops monitor`: long-running watches.
struct MonitorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor", abstract: "Watch processes and raise alerts.",
        subcommands: [MonitorProcessesCommand.self])
}

/// `aiops monitor processes`: liveness of critical processes from the lifecycle stream, resource
/// anomalies, zombies and fork storms, alerts, and the history later analyses read.
struct MonitorProcessesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "processes",
        abstract:
            "Watch critical processes; alert on exits, restarts, resource anomalies, zombies, fork storms.",
        discussion: """
            An exit of a critical process is seen the moment it happens (BPF, else the proc
            connector, else /proc polling), with its status and who sent the signal. Every
            --interval the monitor samples resources and judges each process against its own
            recent baseline. Alerts go to stderr (stdout with --json), and to the file, webhook
            and command configured; abnormal exits, restarts, fork storms and alerts are kept in
            the history (SQLite). --daemon runs in the background with a pid file (in the
            foreground under systemd). SIGTERM flushes and exits; SIGHUP reloads --config.
            The config file's keys are documented in the README.
            """)

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Critical processes: PIDs, process names, unit names (comma-separated or repeated).",
            valueName: "list"))
    var critical: [String] = []

    @Option(
        help: ArgumentHelp(
            "Resource sampling period, in seconds or with a unit (default 10).", valueName: "interval"))
    var interval: String?

    @Option(
        help: ArgumentHelp(
            "Settings file (key = value lines, see the README); re-read on SIGHUP.", valueName: "path"))
    var config: String?

    @OptionGroup var historyPath: HistoryPathOption
    var history: String? { historyPath.history }

    @Flag(help: "Keep no history.")
    var noHistory = false

    @Option(help: ArgumentHelp("Append alerts as JSON lines to this file.", valueName: "path"))
    var alertFile: String?

    @Option(help: ArgumentHelp("POST each alert's JSON to this http(s) URL.", valueName: "url"))
    var webhook: String?

    @Option(
        help: ArgumentHelp(
            "Run this command (via /bin/sh -c) for each alert, its JSON on stdin.", valueName: "command"))
    var alertCommand: String?

    @Flag(help: "Run as the daemon: in the background with a pid file, or in the foreground under systemd.")
    var daemon = false

    @Flag(help: "With --daemon: stay in the foreground (as systemd runs it).")
    var foreground = false

    @Option(help: ArgumentHelp("The daemon's pid file (default /run/aiops/monitor.pid).", valueName: "path"))
    var pidFile: String?

    @Option(
        help: ArgumentHelp(
            "The background daemon's log (default /var/log/aiops/monitor.log).", valueName: "path"))
    var logFile: String?

    @Option(
        help: ArgumentHelp("Stop after this long (default: until SIGTERM or Ctrl-C).", valueName: "duration"))
    var duration: String?

    @OptionGroup var lifecycle: BackendOption

    @Flag(help: "Alerts as JSON lines on stdout.")
    var json = false

    @Flag(help: "Judge only the critical processes: no crash alerts or resource spikes for others.")
    var onlyCritical = false

    func validate() throws {
        _ = try options()
    }

    func run() async throws {
        var options = try options()
        options.readyDescriptor = Detach.readinessDescriptor()
        // Under systemd (INVOCATION_ID is set for every unit) or when asked: no detaching.
        let underSystemd = getenv("INVOCATION_ID") != nil
        if daemon && !foreground && !underSystemd && options.readyDescriptor == nil {
            try Detach.startInBackground(logFile: logFile ?? "/var/log/aiops/monitor.log")
        }
        try await Self.monitor(options)
    }

    /// A failure at start reaches the operator who typed `--daemon` through the readiness pipe.
    private static func monitor(_ options: MonitorDaemon.Options) async throws(AiopsError) {
        do throws(AiopsError) {
            let monitor = try MonitorDaemon(options: options)
            try await monitor.run()
        } catch {
            // The message and its hint: the parent prints them as its own.
            if let fd = options.readyDescriptor {
                Detach.report(error.message + (error.hint.map { "\n  hint: \($0)" } ?? ""), on: fd)
            }
            throw error
        }
    }

    func options() throws -> MonitorDaemon.Options {
        var options = MonitorDaemon.Options()
        // Resolved now: a daemon reloading on SIGHUP must find the same file whatever its cwd.
        options.configPath = config.map {
            $0.hasPrefix("/") ? $0 : FileManager.default.currentDirectoryPath + "/" + $0
        }
        for entry in critical {
            let targets: [CriticalTarget]
            do { targets = try CriticalTarget.parseList(entry) } catch {
                throw ValidationError("--critical: \(error)")
            }
            // `--critical ''` (an unset variable in a script) would watch nothing, silently.
            guard !targets.isEmpty else {
                throw ValidationError("--critical: '\(entry)' names no process, pid or unit")
            }
            options.overrides.critical += targets
        }
        if let interval {
            let text = interval.allSatisfy(\.isNumber) ? interval + "s" : interval
            let nanoseconds = try parseDuration(text, option: "--interval")
            guard nanoseconds >= 1_000_000_000 else { throw ValidationError("--interval: at least 1s") }
            options.overrides.intervalNanoseconds = nanoseconds
        }
        if let history {
            guard history.hasPrefix("/") else { throw ValidationError("--history: an absolute path") }
            options.overrides.historyPath = history
        }
        guard !(noHistory && history != nil) else {
            throw ValidationError("--history and --no-history conflict")
        }
        options.overrides.noHistory = noHistory
        if let alertFile {
            guard !alertFile.isEmpty else {
                throw ValidationError("--alert-file: an empty path names no file")
            }
        }
        options.overrides.alertFile = alertFile
        options.overrides.webhook = webhook
        options.overrides.alertCommand = alertCommand
        options.overrides.onlyCritical = onlyCritical
        if let duration { options.durationNanoseconds = try parseDuration(duration, option: "--duration") }
        options.backend = lifecycle.backend
        options.json = json
        guard !foreground || daemon else { throw ValidationError("--foreground goes with --daemon") }
        options.pidFile = pidFile ?? (daemon ? "/run/aiops/monitor.pid" : nil)
        return options
    }
}
