/// A process's end as wait(2) reports it, decoded. Built from the raw wait status the kernel
/// keeps in task->exit_code / signal->group_exit_code and that the proc connector forwards.
public struct ExitStatus: Hashable, Sendable {
    /// The raw wait status: (code << 8) | (core dumped ? 0x80 : 0) | signal.
    public let waitStatus: UInt32

    public init(waitStatus: UInt32) {
        self.waitStatus = waitStatus
    }

    public static func exited(_ code: UInt8) -> ExitStatus { ExitStatus(waitStatus: UInt32(code) << 8) }

    public static func killed(by signal: Int32, coreDumped: Bool = false) -> ExitStatus {
        ExitStatus(waitStatus: UInt32(signal & 0x7F) | (coreDumped ? 0x80 : 0))
    }

    /// The signal that killed the process, or nil if it exited.
    public var signal: Int32? {
        let number = Int32(waitStatus & 0x7F)
        return number == 0 ? nil : number
    }

    /// The exit code passed to exit(), or nil if a signal killed the process.
    public var exitCode: Int32? {
        signal == nil ? Int32((waitStatus >> 8) & 0xFF) : nil
    }

    public var coreDumped: Bool { signal != nil && waitStatus & 0x80 != 0 }

    /// Anything but exit(0). A daemon's SIGTERM is judged by its supervisor, not here.
    public var isAbnormal: Bool { exitCode != 0 }

    /// "exited 3", "killed by SIGSEGV (core dumped)".
    public var summary: String {
        if let signal {
            return "killed by \(SignalName.of(signal))" + (coreDumped ? " (core dumped)" : "")
        }
        return "exited \(exitCode ?? 0)"
    }

    /// What an exit code conventionally means, when it has a well-known meaning.
    public var meaning: String? {
        guard let code = exitCode else { return nil }
        return ExitCodeMeaning.of(code)
    }
}

/// Conventional meanings of exit codes: shell, BSD sysexits, and systemd's own (systemd.exec(5)).
public enum ExitCodeMeaning {
    public static func of(_ code: Int32) -> String? {
        switch code {
        case 126: return "found but not executable"
        case 127: return "command not found"
        case 129...192: return "shell: child killed by \(SignalName.of(code - 128))"
        default: break
        }
        if let name = sysexits[code] { return name }
        if SystemdExitStatus.isSystemdStep(code), let name = SystemdExitStatus.name(code) {
            return "systemd: failed at step \(name)"
        }
        return nil
    }

    private static let sysexits: [Int32: String] = [
        64: "usage error (EX_USAGE)", 65: "data format error (EX_DATAERR)",
        66: "cannot open input (EX_NOINPUT)", 67: "unknown user (EX_NOUSER)",
        68: "unknown host (EX_NOHOST)", 69: "service unavailable (EX_UNAVAILABLE)",
        70: "internal software error (EX_SOFTWARE)", 71: "system error (EX_OSERR)",
        72: "critical OS file missing (EX_OSFILE)", 73: "cannot create output (EX_CANTCREAT)",
        74: "input/output error (EX_IOERR)", 75: "temporary failure (EX_TEMPFAIL)",
        76: "remote protocol error (EX_PROTOCOL)", 77: "permission denied (EX_NOPERM)",
        78: "configuration error (EX_CONFIG)",
    ]
}
