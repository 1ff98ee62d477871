#if canImport(Glibc)
    import Glibc
#endif

/// Runs one command to completion with bytes on its stdin, a deadline, and nothing left behind:
/// the child leads a process group of its own, so a timeout kills everything it started, and
/// it is always reaped (no zombie), whatever happens.
enum ChildProcess {
    enum Outcome: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        /// Killed (its whole process group) after the timeout.
        case timedOut
        /// Killed at shutdown.
        case cancelled
        case spawnFailed(String)
        /// Reaped by someone else (a daemon with SIGCHLD ignored, or its own waitpid(-1)).
        case statusUnknown
    }

    /// `argv[0]` is looked up in PATH when it has no slash. `environment` is complete
    /// ("NAME=value"). stdout goes to /dev/null; stderr is inherited, so the command's own errors
    /// land in the daemon's log.
    static func run(
        _ argv: [String], environment: [String], input: [UInt8], timeout: Duration, control: SinkControl
    ) -> Outcome {
        var fds: [Int32] = [-1, -1]
        guard makePipe(&fds) == 0 else { return .spawnFailed("pipe: \(errorText())") }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        var writeOpen = true
        defer { if writeOpen { close(writeEnd) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, readEnd, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        // Descriptors the daemon opened without O_CLOEXEC (BPF maps, the alert file…) are not
        // the command's business.
        if let closeFrom = closeFromFunction { _ = closeFrom(&actions, 3) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Own process group (killable as one); default signal dispositions and an empty mask,
        // whatever the daemon ignores or blocks (SIGPIPE is blocked on this thread).
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
        let cEnvironment = environment.map { strdup($0) } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, argv[0], &actions, &attributes, cArguments, cEnvironment)
        close(readEnd)
        guard spawned == 0 else { return .spawnFailed("\(argv[0]): \(errorText(spawned))") }

        _ = fcntl(writeEnd, F_SETFL, O_NONBLOCK)
        var written = 0
        let deadline = MonotonicInstant.now() + timeout
        var nap: Int32 = 1  // milliseconds; grows to 20 so a quick command is reaped quickly
        while true {
            if writeOpen && written < input.count {
                let count = input.withUnsafeBytes {
                    write(writeEnd, $0.baseAddress! + written, $0.count - written)
                }
                if count > 0 {
                    written += count
                } else if count < 0 && errno != EAGAIN && errno != EINTR {
                    // EPIPE: the command exited or closed stdin without reading it all. Its choice.
                    consumePendingPipeSignal()
                    written = input.count
                }
            }
            if writeOpen && written >= input.count {
                close(writeEnd)  // end of file for the command
                writeOpen = false
            }
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { return decode(status) }
            if reaped < 0 && errno != EINTR { return .statusUnknown }
            if control.isCancelled || deadline.hasPassed {
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)  // in case it left its group
                reap(pid)
                return control.isCancelled ? .cancelled : .timedOut
            }
            var pending = pollfd(fd: writeOpen ? writeEnd : -1, events: Int16(POLLOUT), revents: 0)
            _ = poll(&pending, 1, nap)
            nap = min(nap * 2, 20)
        }
    }

    private static func reap(_ pid: pid_t) {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    private static func decode(_ status: Int32) -> Outcome {
        let signal = status & 0x7F
        if signal == 0 { return .exited((status >> 8) & 0xFF) }
        return .signalled(signal)
    }

    /// pipe2(O_CLOEXEC), which the Glibc module hides behind _GNU_SOURCE: pipe() then fcntl would
    /// let a fork on another thread inherit the write end, and the command would never see EOF.
    private static func makePipe(_ fds: inout [Int32]) -> Int32 {
        fds.withUnsafeMutableBufferPointer { pipe2Function($0.baseAddress!, O_CLOEXEC) }
    }

    private static let pipe2Function: @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32 = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pipe2") else {
            fatalError("glibc without pipe2")
        }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32).self)
    }()

    /// posix_spawn_file_actions_addclosefrom_np (glibc 2.34), when there.
    private static let closeFromFunction:
        (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
            guard
                let symbol = dlsym(
                    UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
            else { return nil }
            return unsafeBitCast(
                symbol,
                to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
        }()
}
