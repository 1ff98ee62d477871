import AiopsAlert
import AiopsCore
import AiopsMonitor
import AiopsProc
import AiopsTrace
import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// One `aiops monitor processes` run, in the foreground or as the daemon: opens the lifecycle
/// source, the history and the alert sinks, then feeds the engine until SIGTERM, SIGINT or the
/// end of --duration, and flushes everything on the way out.
final class MonitorDaemon {
    struct Options {
        var configPath: String?
        var overrides = MonitorOverrides()
        var backend: BackendChoice = .auto
        var json = false
        var durationNanoseconds: UInt64?
        var pidFile: String?
        /// Where to report readiness when started in the background by `Detach`.
        var readyDescriptor: Int32?
    }

    /// How long the stop may take before the process exits anyway. A stop normally takes well
    /// under a second; 8 s was overrun on a loaded machine (the history flush was then lost), so
    /// this only ends a wedged daemon, well inside systemd's 90 s TimeoutStopSec.
    static let stopDeadlineSeconds = 30

    private let options: Options
    private var settings: MonitorSettings
    private let clock = WallClock.measure()
    private var alertsRaised: UInt64 = 0

    init(options: Options) throws(AiopsError) {
        self.options = options
        self.settings = try Self.loadSettings(options)
    }

    static func loadSettings(_ options: Options) throws(AiopsError) -> MonitorSettings {
        var settings = MonitorSettings()
        if let path = options.configPath {
            do throws(MonitorConfigFile.Problem) {
                try MonitorConfigFile.load(path, into: &settings)
            } catch {
                throw AiopsError(.usage, "config file \(error)")
            }
        }
        options.overrides.apply(to: &settings)
        return settings
    }

    func run() async throws(AiopsError) {
        // First the signals (a SIGHUP or SIGTERM during start-up waits for the session instead
        // of killing the process), then the pid file (a second copy fails before touching the
        // kernel or the history).
        signal(SIGPIPE, SIG_IGN)  // a webhook or alert command that hangs up is an error, not death
        let stopper = SessionStopper(hangups: true) { cause in
            // Armed in the handler, not by the loop: a loop behind a backlog of events must not
            // delay the deadline.
            if case .signal = cause { Self.armStopDeadline() }
            printError("stopping: delivering what is queued")
        }
        let pidFile = try options.pidFile.map { path throws(AiopsError) in try PidFile(path: path) }
        // The history before the kernel: a path that is not aiops's to use ends the start here.
        let (history, historyAlerts, historyNote) = try HistoryWriter.open(
            path: settings.historyPath, limits: settings.historyLimits, clock: clock)
        let session = try openLifecycleSession(options.backend)
        let engine = MonitorEngine(rules: settings.rules, clock: clock)
        engine.begin()

        var dispatcher = try MonitorSinks.dispatcher(settings, json: options.json)

        announce(session, engine: engine, historyNote: historyNote)
        if let fd = options.readyDescriptor { Detach.report("ready", on: fd) }
        for alert in historyAlerts { raise(alert, dispatcher: dispatcher, history: history) }

        stopper.attach(session, stopAfterNanoseconds: options.durationNanoseconds)
        session.startTicking()
        let started = BootInstant.now()
        var seconds = 0

        // One stream: events and the clock's ticks in order, the engine's state on this task.
        for await delivery in session.deliveries() {
            switch delivery {
            case .events(let batch):
                for event in batch {
                    deliver(engine.observe(event), dispatcher: dispatcher, history: history)
                }
            case .notice(.tick):
                seconds += 1
                deliver(engine.tick(at: BootInstant.now()), dispatcher: dispatcher, history: history)
                flushHistory(history, dispatcher: dispatcher)
                dispatcher.tick()
                if seconds % Self.scanSeconds(settings.rules) == 0 {
                    deliver(engine.scan(at: BootInstant.now()), dispatcher: dispatcher, history: history)
                    // Records of processes whose exit was lost would otherwise stay until evicted.
                    session.table.prune(keeping: Set(ProcFS().pids()), at: BootInstant.now())
                }
            case .notice(.hangup):
                if let replaced = reload(engine: engine, dispatcher: dispatcher) { dispatcher = replaced }
            }
        }
        stopper.uninstall()
        flushHistory(history, dispatcher: dispatcher)
        let delivered = dispatcher.shutdown(timeout: .seconds(3))
        history.close()
        pidFile?.remove()
        let summary = MonitorSummary(
            seconds: BootInstant.now().seconds(since: started), backend: session.backend,
            source: session.statistics(), engine: engine.statistics, alerts: dispatcher.statistics(),
            alertsRaised: alertsRaised, alertsAllDelivered: delivered, historyStored: history.stored,
            historyDropped: history.dropped, tableEvictions: session.table.evictions)
        for line in summary.lines { printError(line) }
    }

    /// The /proc scan runs every --interval, in whole seconds of the one-second tick.
    private static func scanSeconds(_ rules: MonitorRules) -> Int {
        max(1, Int(rules.intervalNanoseconds / 1_000_000_000))
    }

    private func deliver(_ output: MonitorOutput, dispatcher: AlertDispatcher, history: HistoryWriter) {
        guard !output.isEmpty else { return }
        history.add(output)
        for alert in output.alerts {
            alertsRaised += 1
            dispatcher.dispatch(alert)
        }
    }

    private func raise(_ alert: Alert, dispatcher: AlertDispatcher, history: HistoryWriter) {
        var output = MonitorOutput()
        output.alerts = [alert]
        deliver(output, dispatcher: dispatcher, history: history)
    }

    private func flushHistory(_ history: HistoryWriter, dispatcher: AlertDispatcher) {
        let (alert, note) = history.flush(clock: clock)
        if let note { printError(note) }
        if let alert {
            alertsRaised += 1
            dispatcher.dispatch(alert)
        }
    }

    /// SIGHUP: the config file again, with the command line on top. A bad file changes nothing.
    /// Returns a new dispatcher when the alert sinks changed.
    private func reload(engine: MonitorEngine, dispatcher: AlertDispatcher)
        -> AlertDispatcher?
    {
        guard options.configPath != nil else {
            printError("reload: no --config file to read; settings unchanged")
            return nil
        }
        let fresh: MonitorSettings
        do throws(AiopsError) {
            fresh = try Self.loadSettings(options)
        } catch {
            printError("reload failed, settings unchanged: \(error.message)")
            return nil
        }
        if fresh.historyPath != settings.historyPath || fresh.historyLimits != settings.historyLimits {
            printError("reload: history settings take effect at the next start")
        }
        engine.reload(fresh.rules)
        var replacement: AlertDispatcher?
        if !fresh.sameSinks(as: settings) {
            do throws(AiopsError) {
                replacement = try MonitorSinks.dispatcher(fresh, json: options.json)
                _ = dispatcher.shutdown(timeout: .seconds(2))
            } catch {
                printError("reload: alert settings rejected, the old ones stay: \(error.message)")
            }
        }
        settings.rules = fresh.rules
        if replacement != nil {
            settings.alertFile = fresh.alertFile
            settings.webhook = fresh.webhook
            settings.alertCommand = fresh.alertCommand
            settings.throttle = fresh.throttle
        }
        printError("reloaded \(options.configPath ?? ""): \(describe(engine))")
        return replacement
    }

    private func announce(_ session: LifecycleSession, engine: MonitorEngine, historyNote: String?) {
        if let banner = session.fallbackBanner { printError(banner) }
        let interval = DurationText.format(seconds: Double(settings.rules.intervalNanoseconds) / 1e9)
        printError(
            "monitoring with \(session.backend.rawValue), sampling every \(interval); \(describe(engine))")
        if let historyNote { printError(historyNote) }
    }

    private func describe(_ engine: MonitorEngine) -> String {
        guard !settings.rules.critical.isEmpty else { return "no critical processes (--critical)" }
        var text = "\(engine.watchedCount) critical process(es) watched"
        let unmatched = engine.unmatchedTargets
        if !unmatched.isEmpty {
            text +=
                "; nothing matches \(unmatched.map { "'\($0)'" }.joined(separator: ", ")) yet (watching for it)"
        }
        return text
    }

    private static func armStopDeadline() {
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(stopDeadlineSeconds)) {
            printError("stopping took over \(stopDeadlineSeconds) s: exiting without the rest")
            _exit(70)
        }
    }
}
