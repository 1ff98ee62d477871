import AiopsCore
import AiopsPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// The operator's alert command.
public enum AlertCommand: Sendable, Equatable {
    /// Run as is, no shell: `["/usr/local/bin/page-oncall", "--team", "ops"]`.
    case arguments([String])
    /// A command line the operator wrote in the configuration, run with `/bin/sh -c`. It is the
    /// operator's own and trusted like any line of their configuration. Alert contents are never
    /// put into it: they reach the command only through stdin and the environment, so a process
    /// named `$(reboot)` stays a string.
    case shell(String)

    var argv: [String] {
        switch self {
        case .arguments(let arguments): return arguments
        case .shell(let line): return ["/bin/sh", "-c", line]
        }
    }

    var isBlank: Bool {
        switch self {
        case .arguments(let arguments): return arguments.first?.isEmpty ?? true
        case .shell(let line): return line.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\n" }
        }
    }
}

extension QueuedSink {
    /// Runs `command` for each alert, on a thread of its own: the alert JSON on its stdin, and
    /// AIOPS_ALERT_KIND, _SEVERITY, _SUBJECT, _SUMMARY, _PID (empty when none), _UNIT (empty
    /// when none) and _REPEATS in its environment, control characters removed. A command still
    /// running after `timeout` is killed with its process group and counted; every child is
    /// reaped. Throws AlertSinkSetupError for an empty command.
    public static func command(
        _ command: AlertCommand, timeout: Duration = .seconds(10), queueCapacity: Int = 100,
        reporter: AlertProblemReporter = .standardError
    ) throws(AlertSinkSetupError) -> QueuedSink {
        guard !command.isBlank else { throw AlertSinkSetupError("the alert command is empty") }
        let argv = command.argv
        let transport = CommandTransport(
            argv: argv, timeout: timeout, baseEnvironment: inheritedEnvironment())
        return QueuedSink(transport: transport, capacity: queueCapacity, reporter: reporter)
    }

    /// The daemon's environment, read once (reading `environ` while another thread calls setenv
    /// is a race), minus any AIOPS_ALERT_ variables: the alert's own replace them.
    private static func inheritedEnvironment() -> [String] {
        var entries: [String] = []
        var index = 0
        while let entry = environ[index] {
            let text = String(cString: entry)
            if !text.hasPrefix("AIOPS_ALERT_") { entries.append(text) }
            index += 1
        }
        return entries
    }
}

struct CommandTransport: AlertTransport {
    let argv: [String]
    let timeout: Duration
    let baseEnvironment: [String]
    var name: String { "command" }
    var threadName: String { "aiops-alertcmd" }

    /// Runs the command with the alert's JSON on its stdin. It leads a process group of its own,
    /// so a timeout kills everything it started, and it is always reaped (no zombie). stdout goes
    /// to /dev/null; stderr is inherited, so the command's own errors land in the daemon's log;
    /// descriptors the daemon opened without O_CLOEXEC (BPF maps, the alert file…) are not passed.
    func send(_ alert: OutgoingAlert, control: SinkControl) -> TransportResult {
        var spawn = ProgramSpawn(argv, environment: baseEnvironment + Self.variables(for: alert))
        spawn.input = .bytes(alert.json)
        spawn.grouping = .ownProcessGroup
        spawn.closesOtherDescriptors = true
        let ending: ProgramOutcome.Ending
        do {
            ending = try spawn.run(timeoutSeconds: timeout.seconds, isCancelled: { control.isCancelled })
                .ending
        } catch {
            switch error {
            case .setup(let what, let number):
                return TransportResult(
                    status: .failed, detail: "cannot start: \(what): \(ErrnoText.message(number))")
            case .spawn(_, let number):
                return TransportResult(
                    status: .failed, detail: "cannot start: \(argv[0]): \(ErrnoText.message(number))")
            }
        }
        switch ending {
        case .exited(0):
            return TransportResult(status: .delivered, detail: "exit 0")
        case .exited(let code):
            return TransportResult(status: .failed, detail: "exit \(code)")
        case .signalled(let signal):
            return TransportResult(status: .failed, detail: "killed by \(SignalName.of(signal))")
        case .timedOut:
            return TransportResult(
                status: .timedOut,
                detail: "killed by SIGKILL after the \(DurationText.format(seconds: timeout.seconds)) timeout"
            )
        case .cancelled, .stopped:
            return TransportResult(status: .failed, detail: "killed by SIGKILL at shutdown")
        case .statusUnknown:
            return TransportResult(status: .delivered, detail: "exit status unknown (reaped elsewhere)")
        }
    }

    static func variables(for outgoing: OutgoingAlert) -> [String] {
        let alert = outgoing.alert
        return [
            "AIOPS_ALERT_KIND=" + alert.kind.rawValue,
            "AIOPS_ALERT_SEVERITY=" + alert.severity.rawValue,
            "AIOPS_ALERT_SUBJECT=" + withoutControlCharacters(alert.subject),
            "AIOPS_ALERT_SUMMARY=" + withoutControlCharacters(alert.summary),
            "AIOPS_ALERT_PID=" + (alert.pid.map { String($0) } ?? ""),
            "AIOPS_ALERT_UNIT=" + withoutControlCharacters(alert.unit ?? ""),
            "AIOPS_ALERT_REPEATS=" + String(outgoing.repeats),
        ]
    }

    /// Environment values end at a NUL, and a newline or an escape sequence in one would reach
    /// whatever the command prints or logs: C0, DEL and C1 controls are removed.
    static func withoutControlCharacters(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(
            contentsOf: text.unicodeScalars.filter { !($0.value < 0x20 || (0x7F...0x9F).contains($0.value)) })
        return String(scalars)
    }
}
