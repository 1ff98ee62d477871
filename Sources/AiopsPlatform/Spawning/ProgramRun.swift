#if canImport(Glibc)
    import Glibc
#endif

/// How a program that ran to completion ended, and what it printed.
public struct ProgramOutcome: Sendable {
    public enum Ending: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        /// Killed (with its process group, if it had one) at the deadline.
        case timedOut
        /// Killed because `isCancelled` said so.
        case cancelled
        /// Killed because the output handler asked for no more.
        case stopped
        /// Reaped by someone else (a daemon with SIGCHLD ignored, or its own waitpid(-1)).
        case statusUnknown
    }

    public var ending: Ending
    /// The raw wait status when the child was reaped here (also after a kill), else nil.
    public var waitStatus: Int32?
    /// Captured standard output and error, up to their limits.
    public var standardOutput: [UInt8] = []
    public var standardError: [UInt8] = []
    /// More than the limit came on that stream; the rest was read and dropped.
    public var outputTruncated = false
    public var errorTruncated = false

    /// The shell's convention: the exit status, or 128 + the signal that ended it.
    public var shellStatus: Int32? {
        guard let status = waitStatus else { return nil }
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }
}

extension ProgramSpawn {
    /// Starts the program and waits for it: writes `input`'s bytes, reads captured output, kills
    /// it (its whole group or session when it has one of its own) after `timeoutSeconds` or when
    /// `isCancelled` turns true, and always reaps it: nothing is left behind.
    ///
    /// `onOutput` gets captured standard output as it arrives (all of it, also past the capture
    /// limit: stream with `.capture(limit: 0)`) and answers whether it wants more; on false the
    /// child is killed (ending `.stopped`). `isCancelled` is asked at least every 20 ms.
    public func run(
        timeoutSeconds: Double, onOutput: (ArraySlice<UInt8>) -> Bool = { _ in true },
        isCancelled: (() -> Bool)? = nil
    ) throws(ProgramSpawnError) -> ProgramOutcome {
        let child = try start()
        var session = RunSession(spawn: self, child: child)
        defer { session.closeAll() }
        return session.runToEnd(
            deadline: monotonicNanoseconds() + UInt64(max(timeoutSeconds, 0) * 1e9), isCancelled: isCancelled,
            onOutput: onOutput)
    }
}

/// The loop of one run: our pipe ends, what came on them, and the child.
private struct RunSession {
    let pid: pid_t
    let killsGroup: Bool
    var input: [UInt8] = []
    var written = 0
    var inputWriter: Int32
    var streams: [CapturedStream]

    init(spawn: ProgramSpawn, child: SpawnedProcess) {
        pid = child.pid
        killsGroup = spawn.grouping != .inherit
        inputWriter = child.inputWriter
        if case .bytes(let bytes) = spawn.input { input = bytes }
        if inputWriter >= 0 { _ = fcntl(inputWriter, F_SETFL, O_NONBLOCK) }
        streams = [
            CapturedStream(fd: child.outputReader, limit: spawn.output.captureLimit),
            CapturedStream(fd: child.errorReader, limit: spawn.error.captureLimit),
        ]
    }

    mutating func runToEnd(
        deadline: UInt64, isCancelled: (() -> Bool)?, onOutput: (ArraySlice<UInt8>) -> Bool
    ) -> ProgramOutcome {
        var stopped = false
        var nap: UInt64 = 1_000_000  // waiting for the exit only: 1 ms, growing to 20 ms
        while true {
            writeInput()
            if !streams.contains(where: \.open) {
                // Everything it printed is read: the exit is all that is left.
                var status: Int32 = 0
                let reaped = waitpid(pid, &status, WNOHANG)
                if reaped == pid { return outcome(stopped ? .stopped : Self.decode(status), status: status) }
                if reaped < 0 && errno != EINTR { return outcome(.statusUnknown, status: nil) }
            }
            let now = monotonicNanoseconds()
            let cancelled = isCancelled?() ?? false
            if cancelled || now >= deadline {
                killChild()
                return outcome(cancelled ? .cancelled : .timedOut, status: reapBlocking())
            }
            var polled = streams.map { pollfd(fd: $0.open ? $0.fd : -1, events: Int16(POLLIN), revents: 0) }
            polled.append(pollfd(fd: inputPending ? inputWriter : -1, events: Int16(POLLOUT), revents: 0))
            let waitingForExitOnly = !streams.contains(where: \.open)
            // Woken by output or the deadline; a cancellation is looked for every 20 ms.
            let cap: UInt64 = waitingForExitOnly ? nap : isCancelled == nil ? 1_000_000_000 : 20_000_000
            if waitingForExitOnly { nap = min(nap * 2, 20_000_000) }
            let wait = min(deadline - now, cap)
            let ready = poll(&polled, nfds_t(polled.count), Int32((wait + 999_999) / 1_000_000))
            if ready < 0 && errno != EINTR && !waitingForExitOnly { break }
            for index in streams.indices where streams[index].open && polled[index].revents != 0 {
                let chunk = streams[index].read()
                guard index == 0, !chunk.isEmpty, !stopped else { continue }
                if !onOutput(chunk) {
                    stopped = true
                    killChild()
                }
            }
        }
        // poll itself failed: do not spin; end the child and report what we have.
        killChild()
        return outcome(.statusUnknown, status: reapBlocking())
    }

    private var inputPending: Bool { inputWriter >= 0 && written < input.count }

    private mutating func writeInput() {
        guard inputWriter >= 0 else { return }
        if written < input.count {
            let count = input.withUnsafeBytes {
                write(inputWriter, $0.baseAddress! + written, $0.count - written)
            }
            if count > 0 {
                written += count
            } else if count < 0 && errno != EAGAIN && errno != EINTR {
                // EPIPE: it exited or closed stdin without reading it all. Its choice.
                PlatformThread.consumePendingPipeSignal()
                written = input.count
            }
        }
        if written >= input.count {
            close(inputWriter)  // end of file for the child
            inputWriter = -1
        }
    }

    private func killChild() {
        if killsGroup { kill(-pid, SIGKILL) }
        kill(pid, SIGKILL)  // also in case it left its group
    }

    private func reapBlocking() -> Int32? {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return nil }
        }
        return status
    }

    private func outcome(_ ending: ProgramOutcome.Ending, status: Int32?) -> ProgramOutcome {
        ProgramOutcome(
            ending: ending, waitStatus: status, standardOutput: streams[0].bytes,
            standardError: streams[1].bytes,
            outputTruncated: streams[0].truncated, errorTruncated: streams[1].truncated)
    }

    static func decode(_ status: Int32) -> ProgramOutcome.Ending {
        status & 0x7F == 0 ? .exited((status >> 8) & 0xFF) : .signalled(status & 0x7F)
    }

    mutating func closeAll() {
        if inputWriter >= 0 { close(inputWriter) }
        inputWriter = -1
        for index in streams.indices { streams[index].close() }
    }
}

/// One pipe from the child being read: what came, up to `limit` bytes.
private struct CapturedStream {
    let fd: Int32
    let limit: Int
    var open: Bool
    var bytes: [UInt8] = []
    var truncated = false
    private var chunk = [UInt8](repeating: 0, count: 65_536)

    init(fd: Int32, limit: Int) {
        self.fd = fd
        self.limit = limit
        open = fd >= 0
    }

    /// Reads what is there; returns it (also what was past the limit) for a streaming reader.
    mutating func read() -> ArraySlice<UInt8> {
        let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if count < 0 {
            if errno != EINTR && errno != EAGAIN { close() }
            return []
        }
        if count == 0 {
            close()
            return []
        }
        let room = max(limit - bytes.count, 0)
        if count > room { truncated = true }
        bytes.append(contentsOf: chunk[0..<min(count, room)])
        return chunk[0..<count]
    }

    mutating func close() {
        if open { Glibc.close(fd) }
        open = false
    }
}

extension ProgramSpawn.Output {
    fileprivate var captureLimit: Int {
        if case .capture(let limit) = self { return limit }
        return 0
    }
}

func monotonicNanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}
