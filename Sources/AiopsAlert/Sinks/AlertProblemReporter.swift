import AiopsCore

#if canImport(Glibc)
    import Glibc
#endif

/// Where sinks tell the operator about their own trouble — an unwritable alert file, a webhook
/// that stopped answering: once when it starts and once when it ends, never once per alert.
public struct AlertProblemReporter: Sendable {
    private let report: @Sendable (String) -> Void

    public init(_ report: @escaping @Sendable (String) -> Void) {
        self.report = report
    }

    /// "aiops: alerts: …" on stderr, escaped for a terminal (a message can quote a path or a
    /// command's output).
    public static let standardError = AlertProblemReporter { message in
        var line = Array("aiops: alerts: ".utf8)
        UntrustedText(message.utf8).appendTerminalSafe(to: &line)
        line.append(10)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress!, $0.count) }
    }

    public func callAsFunction(_ message: String) {
        report(message)
    }
}
