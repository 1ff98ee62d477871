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
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        guard makePipe(&outPipe) == 0 else { throw .spawnFailed(path, errno: errno) }
        guard makePipe(&errPipe) == 0 else {
            let saved = errno
            close(outPipe[0])
            close(outPipe[1])
            throw .spawnFailed(path, errno: saved)
        }
        let pid: pid_t
        do {
            pid = try spawn(path, stdout: outPipe[1], stderr: errPipe[1])
        } catch {
            for fd in outPipe + errPipe { close(fd) }
            throw error
        }
        close(outPipe[1])
        close(errPipe[1])
        defer {
            close(outPipe[0])
            close(errPipe[0])
        }
        let deadline = monotonicNanoseconds() + UInt64(max(timeoutSeconds, 0) * 1e9)
        var streams = [Stream(fd: outPipe[0]), Stream(fd: errPipe[0])]
        var timedOut = false
        // Read both pipes until both reach end of file (every holder of the write ends is gone) or
        // the deadline passes.
        while streams.contains(where: { $0.open }) {
            let now = monotonicNanoseconds()
            guard now < deadline else {
                timedOut = true
                break
            }
            var polled = streams.map { pollfd(fd: $0.open ? $0.fd : -1, events: Int16(POLLIN), revents: 0) }
            let wait = Int32(min((deadline - now) / 1_000_000 + 1, 1000))
            let ready = poll(&polled, nfds_t(polled.count), wait)
            if ready < 0 && errno != EINTR { break }
            for index in streams.indices where streams[index].open && polled[index].revents != 0 {
                streams[index].drain(limit: outputLimit)
            }
        }
        if timedOut {
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
        }
        let status = reap(pid)
        let ending: Ending
        if timedOut {
            ending = .timedOut
        } else if status & 0x7F == 0 {
            ending = .exited((status >> 8) & 0xFF)
        } else {
            ending = .signalled(status & 0x7F)
        }
        return Result(
            ending: ending, standardOutput: streams[0].bytes, standardError: streams[1].bytes,
            truncated: streams[0].truncated || streams[1].truncated)
    }

    private func spawn(_ path: String, stdout: Int32, stderr: Int32) throws(Failure) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Default dispositions (aiops ignores SIGPIPE; a checker must not inherit that), an empty
        // mask, and a process group of its own so a timeout kills everything it started.
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = Self.environment.map { strdup($0) } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid = pid_t()
        let result = posix_spawn(&pid, path, &actions, &attributes, cArguments, cEnvironment)
        guard result == 0 else { throw .spawnFailed(path, errno: result) }
        return pid
    }

    private func reap(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return 0x7F }  // not ours to reap: report it as "signalled 127"
        }
        return status
    }
}

/// One output pipe being read.
private struct Stream {
    let fd: Int32
    var open = true
    var bytes: [UInt8] = []
    var truncated = false

    init(fd: Int32) {
        self.fd = fd
    }

    mutating func drain(limit: Int) {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 {
            if errno != EINTR && errno != EAGAIN { open = false }
            return
        }
        if count == 0 {
            open = false
            return
        }
        let room = max(limit - bytes.count, 0)
        if count > room { truncated = true }
        bytes.append(contentsOf: chunk[0..<min(count, room)])
    }
}

private func monotonicNanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

/// pipe2(O_CLOEXEC), which the Glibc module hides behind _GNU_SOURCE: without it a command
/// spawned on another thread could inherit a write end and this one would never see EOF.
private func makePipe(_ fds: inout [Int32]) -> Int32 {
    fds.withUnsafeMutableBufferPointer { pipe2Function($0.baseAddress!, O_CLOEXEC) }
}

private let pipe2Function: @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32 = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pipe2") else {
        fatalError("glibc without pipe2")
    }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32).self)
}()
