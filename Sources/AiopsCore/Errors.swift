/// Exit codes of the aiops binary. Distinct, documented, and stable: scripts test them.
/// The non-zero values follow BSD sysexits where one fits.
public enum AiopsExitCode: Int32, Sendable {
    case success = 0
    /// A failure at run time that no other code describes.
    case failure = 1
    /// Bad command line: unknown option, malformed value, contradictory options.
    case usage = 2
    /// What the command was pointed at does not exist (a PID, a unit).
    case noSuchTarget = 66
    /// This host cannot do it: no BTF, kernel too old, not systemd, no backend available.
    case unavailable = 69
    /// A bug of ours (e.g. the verifier rejected our program).
    case software = 70
    /// The report could not be written: disk full, I/O error (a reader that closed the pipe is
    /// not an error).
    case ioError = 74
    /// Needs privileges the caller does not have.
    case noPermission = 77
}

/// An error the operator can act on: what went wrong, what to do about it, and the exit code.
/// It is the CLI's wording. Lower layers throw typed errors that only say what happened
/// (AiopsTrace's BPFLoadError/ProcConnectorError/LifecycleSourceError, AiopsAlert's
/// AlertSinkSetupError) and AiopsCLI/Errors turns them into this; AiopsSystemd and
/// AiopsDiagnose still throw it directly, which is yet to be converted.
public struct AiopsError: Error, Sendable, CustomStringConvertible {
    public var exitCode: AiopsExitCode
    public var message: String
    public var hint: String?

    public init(_ exitCode: AiopsExitCode, _ message: String, hint: String? = nil) {
        self.exitCode = exitCode
        self.message = message
        self.hint = hint
    }

    public var description: String {
        hint.map { "\(message)\n  hint: \($0)" } ?? message
    }
}
