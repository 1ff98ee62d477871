import AiopsCore

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
                return "\(program): \(String(cString: strerror(number)))"
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
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        guard makePipe(&outPipe) else { throw .cannotStart(program: argv[0], errno: errno) }
        guard makePipe(&errPipe) else {
            close(outPipe[0])
            close(outPipe[1])
            throw .cannotStart(program: argv[0], errno: errno)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigfillset(&defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        // No pager, no colour, no locale surprises: the output is parsed.
        let base = [
            "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8", "SYSTEMD_PAGER=", "SYSTEMD_COLORS=0",
            "SYSTEMD_LESS=", "TZ=UTC",
        ]
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = (base + environment).map { strdup($0) } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, argv[0], &actions, &attributes, cArguments, cEnvironment)
        close(outPipe[1])
        close(errPipe[1])
        guard spawned == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw .cannotStart(program: argv[0], errno: spawned)
        }
        let (errorBytes, timedOut, stoppedEarly) = drain(
            output: outPipe[0], error: errPipe[0], pid: pid, line: line)
        close(outPipe[0])
        close(errPipe[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Outcome(
            status: code, standardError: errorBytes, timedOut: timedOut, stoppedEarly: stoppedEarly)
    }

    /// Reads both pipes until both close (poll, so a chatty stderr cannot block the child), or
    /// kills the child at the deadline.
    private func drain(
        output: Int32, error: Int32, pid: pid_t, line: (ArraySlice<UInt8>) -> Bool
    ) -> ([UInt8], Bool, Bool) {
        var pending: [UInt8] = []
        var errorBytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var open = [output, error]
        let deadline = monotonicSeconds() + timeoutSeconds
        var timedOut = false
        var stopped = false
        while !open.isEmpty {
            let remaining = deadline - monotonicSeconds()
            if remaining <= 0 {
                kill(pid, SIGKILL)
                timedOut = true
                break
            }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(remaining, 1) * 1000))
            if ready < 0 && errno != EINTR { break }
            for entry in fds where entry.revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress!, $0.count) }
                if count <= 0 {
                    if count == 0 || (errno != EINTR && errno != EAGAIN) { open.removeAll { $0 == entry.fd } }
                    continue
                }
                if entry.fd == error {
                    let room = Self.standardErrorLimit - errorBytes.count
                    if room > 0 { errorBytes.append(contentsOf: buffer[0..<min(count, room)]) }
                    continue
                }
                if stopped { continue }  // drained until the killed child's pipes close
                pending.append(contentsOf: buffer[0..<count])
                var start = pending.startIndex
                while !stopped, let newline = pending[start...].firstIndex(of: 10) {
                    if !line(pending[start..<newline]) {
                        stopped = true
                        kill(pid, SIGKILL)
                    }
                    start = newline + 1
                }
                pending.removeSubrange(pending.startIndex..<start)
            }
        }
        if !pending.isEmpty && !timedOut && !stopped { _ = line(pending[...]) }
        return (errorBytes, timedOut, stopped)
    }
}

/// A pipe whose ends are not inherited by other children (close-on-exec; the dup2'd copies in
/// the child are). pipe2 is hidden by the Glibc module, and aiops spawns from one thread.
private func makePipe(_ fds: inout [Int32]) -> Bool {
    guard pipe(&fds) == 0 else { return false }
    for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    return true
}

func monotonicSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}
