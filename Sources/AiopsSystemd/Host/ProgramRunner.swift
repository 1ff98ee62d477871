import AiopsCore
import AiopsPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// Runs systemctl or journalctl — an argv, never a shell line, so a unit name is always one
/// argument — and streams its stdout line by line (a week of journal can be millions of lines:
/// nothing is held but the line being read). stderr is kept, capped, for error messages.
public struct ProgramRunner: Sendable {
    public struct Outcome: Sendable {
        /// The exit status, or 128 + the signal that killed it.
        public var status: Int32
        public var standardError: [UInt8]
        public var timedOut: Bool
        /// The line handler asked to stop: the child was killed on purpose (status 137).
        public var stoppedEarly = false

        /// stderr for a message: escaped (it is the tool's text, but may quote journal bytes).
        public var errorText: String {
            var bytes = standardError[...]
            while let last = bytes.last, last == 10 || last == 13 || last == 32 { bytes = bytes.dropLast() }
            return UntrustedText(bytes).terminalSafe
        }
    }

    public enum Failure: Error, CustomStringConvertible {
        case cannotStart(program: String, errno: Int32)

        public var description: String {
            switch self {
            case .cannotStart(let program, let number):
                return "\(program): \(ErrnoText.message(number))"
            }
        }
    }

    public static let standardErrorLimit = 64 * 1024

    public var timeoutSeconds: Double

    public init(timeoutSeconds: Double = 120) {
        self.timeoutSeconds = timeoutSeconds
    }

    /// Runs `argv` (argv[0] a path or a name looked up in PATH) with `environment` added to a
    /// minimal one; `line` gets every stdout line without its newline.
    public func run(
        _ argv: [String], environment: [String] = [], line: (ArraySlice<UInt8>) -> Void
    ) throws(Failure) -> Outcome {
        try runWhile(argv, environment: environment) { text in
            line(text)
            return true
        }
    }

    /// `run`, but `line` returns whether it wants more: on false the child is killed and no
    /// further line is handed over (reading a journal's first entry without reading the rest).
    public func runWhile(
        _ argv: [String], environment: [String] = [], line: (ArraySlice<UInt8>) -> Bool
    ) throws(Failure) -> Outcome {
        // No pager, no colour, no locale surprises: the output is parsed.
        let base = [
            "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8", "SYSTEMD_PAGER=", "SYSTEMD_COLORS=0",
            "SYSTEMD_LESS=", "TZ=UTC",
        ]
        var spawn = ProgramSpawn(argv, environment: base + environment)
        spawn.output = .capture(limit: 0)  // streamed to `line`, never held
        spawn.error = .capture(limit: Self.standardErrorLimit)
        var pending: [UInt8] = []
        let outcome: ProgramOutcome
        do {
            outcome = try spawn.run(timeoutSeconds: timeoutSeconds) { chunk in
                pending.append(contentsOf: chunk)
                var start = pending.startIndex
                var wantsMore = true
                while wantsMore, let newline = pending[start...].firstIndex(of: 10) {
                    wantsMore = line(pending[start..<newline])
                    start = newline + 1
                }
                pending.removeSubrange(pending.startIndex..<start)
                return wantsMore
            }
        } catch {
            throw .cannotStart(program: argv[0], errno: error.errno)
        }
        let timedOut = outcome.ending == .timedOut
        let stoppedEarly = outcome.ending == .stopped
        if !pending.isEmpty && !timedOut && !stoppedEarly { _ = line(pending[...]) }
        return Outcome(
            status: outcome.shellStatus ?? 0, standardError: outcome.standardError, timedOut: timedOut,
            stoppedEarly: stoppedEarly)
    }
}
