import AiopsAlert
import AiopsCore
import AiopsPlatform
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The alert dispatcher the settings ask for: a line on stderr (or JSON lines on stdout with
/// --json), the JSON-lines file, the webhook and the command.
enum MonitorSinks {
    static func dispatcher(_ settings: MonitorSettings, json: Bool) throws(AiopsError) -> AlertDispatcher {
        var sinks: [any AlertSink] = [json ? JSONLinesOutputSink(fd: 1) : TerminalSink(fd: 2)]
        if let file = settings.alertFile {
            try checkAlertFile(file)
            sinks.append(QueuedSink.jsonLinesFile(path: file))
        }
        do throws(AlertSinkSetupError) {
            if let url = settings.webhook { sinks.append(try QueuedSink.webhook(url: url)) }
            if let command = settings.alertCommand { sinks.append(try QueuedSink.command(command)) }
        } catch {
            throw AiopsError(error)
        }
        return AlertDispatcher(
            sinks: sinks, configuration: AlertDispatcher.Configuration(throttle: settings.throttle))
    }

    /// The alert file is opened once before monitoring starts (as the first alert would open it,
    /// directories created), so a path that can never take an alert — a directory, one this user
    /// may not write — is said now, not at the first alert. Later failures (a full disk, a file
    /// rotated away) are the sink's, retried and counted.
    static func checkAlertFile(_ path: String) throws(AiopsError) {
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            throw AiopsError(
                .usage, "the alert file \(path) is a directory", hint: "name a file with --alert-file")
        }
        var current = ""
        for component in path.split(separator: "/").dropLast() {
            current += "/" + component
            mkdir(current, 0o750)
        }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0o640)
        guard fd >= 0 else {
            let error = errno
            throw AiopsError(
                error == EACCES || error == EPERM || error == EROFS ? .noPermission : .usage,
                "cannot open the alert file \(path): \(ErrnoText.message(error))")
        }
        close(fd)
    }
}

/// `--json`: every alert as one JSON line on stdout (the same object the file and the webhook get).
final class JSONLinesOutputSink: AlertSink, Sendable {
    private let fd: Int32
    private let counters = Mutex(SinkStatistics(sink: "stdout"))

    init(fd: Int32) {
        self.fd = fd
    }

    func deliver(_ alert: OutgoingAlert) {
        var line = alert.json
        line.append(10)
        var offset = 0
        var failure: String?
        while offset < line.count {
            let written = line.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                failure = ErrnoText.message(errno)
                break
            }
            offset += written
        }
        counters.withLock { statistics in
            statistics.accepted += 1
            if let failure {
                statistics.failed += 1
                statistics.lastError = failure
            } else {
                statistics.delivered += 1
            }
        }
    }

    func statistics() -> SinkStatistics { counters.withLock { $0 } }
    func beginShutdown() {}
    func waitUntilFinished(within timeout: Duration) -> Bool { true }
    func cancel() {}
}
