import AiopsPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program the diagnosis needs (systemctl, journalctl, a service's own configuration
/// checker) without a shell, with a deadline and a cap on what it may print.
///
/// Arguments are passed as argv elements, so a unit name or a path is never interpreted. The
/// child leads a process group of its own: a checker that hangs (or forks a helper that does)
/// is killed whole at the deadline. Its output is kept as bytes: it is untrusted (a
/// configuration file can hold anything, and checkers quote it).
public struct BoundedCommand: Sendable {
    public enum Ending: Equatable, Sendable {
        case exited(Int32)
        case signalled(Int32)
        /// Killed (with its process group) at the deadline.
        case timedOut
    }

    public struct Result: Sendable {
        public var ending: Ending
        public var standardOutput: [UInt8]
        public var standardError: [UInt8]
        /// More than `outputLimit` bytes came on a stream; the rest was read and dropped.
        public var truncated: Bool

        public var succeeded: Bool { ending == .exited(0) }
    }

    public enum Failure: Error, Equatable, Sendable {
        /// No such program in the fixed search path.
        case notFound(String)
        case spawnFailed(String, errno: Int32)
    }

    /// Directories searched for a program named without a slash. Fixed, not $PATH: the operator's
    /// PATH may put anything first, and the diagnosis must run the system's own tools.
    public static let searchPath = [
        "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin",
    ]

    /// A plain, predictable environment: C locale messages (they are parsed), no pager, no colour.
    public static let environment = [
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8", "LC_ALL=C.UTF-8",
        "SYSTEMD_PAGER=", "SYSTEMD_COLORS=0", "SYSTEMD_LESS=", "TERM=dumb",
    ]

    public var argv: [String]
    public var timeoutSeconds: Double
    public var outputLimit: Int

    public init(_ argv: [String], timeoutSeconds: Double = 15, outputLimit: Int = 1 << 20) {
        precondition(!argv.isEmpty, "a command needs a program")
        self.argv = argv
        self.timeoutSeconds = timeoutSeconds
        self.outputLimit = outputLimit
    }

    /// The absolute path of `name`: itself when it has a slash, else the first executable match
    /// in `searchPath`.
    public static func locate(_ name: String) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        for directory in searchPath where access(directory + "/" + name, X_OK) == 0 {
            return directory + "/" + name
        }
        return nil
    }

    public func run() throws(Failure) -> Result {
        guard let path = Self.locate(argv[0]) else { throw .notFound(argv[0]) }
        var spawn = ProgramSpawn(argv, environment: Self.environment)
        spawn.executable = path
        spawn.output = .capture(limit: outputLimit)
        spawn.error = .capture(limit: outputLimit)
        // A process group of its own, so a timeout kills everything it started.
        spawn.grouping = .ownProcessGroup
        let outcome: ProgramOutcome
        do {
            outcome = try spawn.run(timeoutSeconds: timeoutSeconds)
        } catch {
            throw .spawnFailed(path, errno: error.errno)
        }
        let ending: Ending
        switch outcome.ending {
        case .exited(let code): ending = .exited(code)
        case .signalled(let signal): ending = .signalled(signal)
        case .timedOut, .cancelled, .stopped: ending = .timedOut
        case .statusUnknown: ending = .signalled(127)  // not ours to reap: reported as "signalled 127"
        }
        return Result(
            ending: ending, standardOutput: outcome.standardOutput, standardError: outcome.standardError,
            truncated: outcome.outputTruncated || outcome.errorTruncated)
    }
}
