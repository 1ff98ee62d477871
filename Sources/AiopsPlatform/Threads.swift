#if canImport(Glibc)
    import Glibc
#endif

/// The one way aiops starts an OS thread of its own.
public enum PlatformThread {
    /// Starts a detached thread named `name` (at most 15 bytes are kept; the name shows in
    /// `top -H` and /proc/<pid>/task/<tid>/comm) that runs `body`.
    ///
    /// Why not the Swift concurrency pool: the work that gets a thread blocks in the kernel (a ring
    /// buffer poll, a netlink recv, connect(), waitpid, a write to a hung disk); on a pool of two
    /// threads that would starve every task.
    ///
    /// `blockingPipeSignal`: SIGPIPE is blocked on the thread, so a write to a pipe whose reader is
    /// gone returns EPIPE instead of killing the process (then call `consumePendingPipeSignal`).
    public static func start(
        named name: String, blockingPipeSignal: Bool = false, _ body: @escaping @Sendable () -> Void
    ) {
        let start = Unmanaged.passRetained(
            Start(name: name, blockingPipeSignal: blockingPipeSignal, body: body))
        var thread = pthread_t()
        let result = pthread_create(
            &thread, nil,
            { raw in
                let start = Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue()
                start.run()
                return nil
            }, start.toOpaque())
        precondition(result == 0, "pthread_create failed: \(ErrnoText.message(result))")
        pthread_detach(thread)
    }

    /// Takes back a SIGPIPE that a write on this thread raised while it was blocked, so it does
    /// not stay pending forever. Does nothing if none is pending.
    public static func consumePendingPipeSignal() {
        var pending = sigset_t()
        sigpending(&pending)
        guard sigismember(&pending, SIGPIPE) == 1 else { return }
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        var noWait = timespec()
        _ = sigtimedwait(&pipeSignal, nil, &noWait)
    }

    /// What the new thread needs, handed over through pthread_create's one pointer.
    private final class Start: @unchecked Sendable {
        let name: String
        let blockingPipeSignal: Bool
        let body: @Sendable () -> Void

        init(name: String, blockingPipeSignal: Bool, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.blockingPipeSignal = blockingPipeSignal
            self.body = body
        }

        func run() {
            // The kernel keeps 15 bytes and pthread_setname_np refuses longer names: cut here.
            var bytes = Array(name.utf8.prefix(15))
            bytes.append(0)
            bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) {
                    _ = setThreadName(pthread_self(), $0.baseAddress!)
                }
            }
            if blockingPipeSignal {
                var pipeSignal = sigset_t()
                sigemptyset(&pipeSignal)
                sigaddset(&pipeSignal, SIGPIPE)
                pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
            }
            body()
        }
    }
}

/// glibc's pthread_setname_np, which the Glibc module hides behind _GNU_SOURCE.
private let setThreadName: @convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32 = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_setname_np") else {
        return { _, _ in ENOSYS }
    }
    return unsafeBitCast(symbol, to: (@convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32).self)
}()
