import AiopsPlatform
import AiopsRender
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Prints each alert as one human line (see `AlertLineFormatter`), synchronously: one write(2)
/// of a short line, which keeps lines whole when several threads print. Colour only when the
/// descriptor is a terminal and NO_COLOR is unset (TerminalStyle's rules).
public final class TerminalSink: AlertSink, Sendable {
    public let fd: Int32
    private let formatter: AlertLineFormatter
    private let counters = Mutex(SinkStatistics(sink: "terminal"))

    /// `colors`: nil decides from the descriptor and the environment.
    public init(fd: Int32 = 2, colors: Bool? = nil, zone: AlertLineFormatter.Zone = .local) {
        self.fd = fd
        let colors = colors ?? TerminalStyle.detect(for: OutputSink(fd: fd)).colors
        self.formatter = AlertLineFormatter(colors: colors, zone: zone)
    }

    public func deliver(_ alert: OutgoingAlert) {
        var line = Array(formatter.line(alert.alert, repeats: alert.repeats).utf8)
        line.append(10)
        let error = writeAll(line)
        counters.withLock { statistics in
            statistics.accepted += 1
            if let error {
                statistics.failed += 1
                statistics.lastError = error
            } else {
                statistics.delivered += 1
            }
        }
    }

    /// Nil, or why the line could not be written. A non-blocking descriptor that is full drops the
    /// line rather than spinning: the monitoring loop must not wait on a reader.
    private func writeAll(_ bytes: [UInt8]) -> String? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return ErrnoText.message(errno)
            }
            offset += written
        }
        return nil
    }

    public func statistics() -> SinkStatistics { counters.withLock { $0 } }
    public func beginShutdown() {}
    public func waitUntilFinished(within timeout: Duration) -> Bool { true }
    public func cancel() {}
}
