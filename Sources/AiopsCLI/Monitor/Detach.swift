import AiopsCore
import AiopsPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// `--daemon` outside systemd: the monitor runs as a new process in a session of its own, its
/// output in the log file, and the command the operator typed returns once the daemon is ready
/// — or fails with the daemon's own message and exit code if it could not start.
///
/// A new process (posix_spawn of our own executable), not fork(): forking a process that already
/// runs Swift's threads leaves locks held by threads that do not exist in the child.
enum Detach {
    static let readyDescriptorVariable = "AIOPS_MONITOR_READY_FD"
    /// The daemon's end of the readiness pipe.
    private static let readyDescriptor: Int32 = 3

    /// In the parent: starts the background daemon and waits for its word.
    static func startInBackground(logFile: String) throws(AiopsError) -> Never {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else {
            throw AiopsError(.software, "pipe: \(ErrnoText.message(errno))")
        }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        try prepareLog(logFile)

        let arguments = CommandLine.arguments
        var environment = ProcessEnvironment.current.filter { !$0.hasPrefix(readyDescriptorVariable + "=") }
        environment.append("\(readyDescriptorVariable)=\(readyDescriptor)")
        var spawn = ProgramSpawn(arguments, environment: environment)
        spawn.executable = "/proc/self/exe"
        spawn.output = .appendToFile(logFile, mode: 0o640)
        spawn.error = .sameAsOutput
        // Off the operator's terminal and process group.
        spawn.grouping = .newSession
        // The write end becomes descriptor 3, and nothing else is inherited: a descriptor the
        // daemon kept open by accident (a supervisor's socket, a test runner's pipe) would keep
        // whoever holds its other end waiting for an end that never comes.
        spawn.passedDescriptors = [(from: writeEnd, to: readyDescriptor)]
        spawn.closesOtherDescriptors = true
        let pid: pid_t
        do {
            pid = try spawn.start().pid
        } catch {
            close(writeEnd)
            close(readEnd)
            throw AiopsError(
                .software, "cannot start the background monitor: \(ErrnoText.message(error.errno))")
        }
        close(writeEnd)
        let word = readAll(readEnd)
        close(readEnd)
        if word.hasPrefix("ready") {
            printError("aiops monitor is running in the background, pid \(pid); its log: \(logFile)")
            exit(0)
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 70
        // The daemon's own words (its message, and its hint on the next line), said once.
        let message = word.isEmpty ? "the background monitor exited at start (see \(logFile))" : word
        printError(message)
        exit(code == 0 ? 70 : code)
    }

    /// Creates the log's directory (0750) and opens the log once, here, so that a path the user
    /// may not write is named with its reason and exit 77, not found later by the spawn as a
    /// bare errno.
    private static func prepareLog(_ logFile: String) throws(AiopsError) {
        func failure(_ what: String, _ error: Int32) -> AiopsError {
            AiopsError(
                error == EACCES || error == EPERM || error == EROFS ? .noPermission : .failure,
                "cannot \(what): \(ErrnoText.message(error))",
                hint: "run as root, or name a log this user may write with --log-file")
        }
        let directory = String(logFile[..<(logFile.lastIndex(of: "/") ?? logFile.startIndex)])
        if !directory.isEmpty, mkdir(directory, 0o750) != 0, errno != EEXIST {
            throw failure("create the log directory \(directory)", errno)
        }
        let fd = open(logFile, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw failure("open the daemon's log \(logFile)", errno) }
        close(fd)
    }

    private static func readAll(_ fd: Int32) -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += buffer.prefix(count)
        }
        return String(decoding: bytes, as: UTF8.self).trimmingSuffixNewline
    }

    /// In the background daemon: the descriptor to report readiness (or failure) on, if any.
    static func readinessDescriptor() -> Int32? {
        guard let value = getenv(readyDescriptorVariable).map({ String(cString: $0) }), let fd = Int32(value),
            fd > 2, fcntl(fd, F_GETFD) >= 0
        else { return nil }
        unsetenv(readyDescriptorVariable)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)  // never inherited by alert commands
        return fd
    }

    static func report(_ word: String, on fd: Int32) {
        let bytes = Array(word.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}

/// The process environment as "KEY=value" strings, read once.
enum ProcessEnvironment {
    static var current: [String] {
        var entries: [String] = []
        var index = 0
        while let entry = environ[index] {
            entries.append(String(cString: entry))
            index += 1
        }
        return entries
    }
}

extension String {
    fileprivate var trimmingSuffixNewline: String {
        var text = self
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
