import CAiopsLinux

#if canImport(Glibc)
    import Glibc
#endif

/// Starts a detached OS thread for a sink. A sink blocks (in connect(), in waitpid loops, in a
/// write to a hung disk); on the Swift concurrency pool it would starve every task, so each slow
/// sink gets a thread of its own. SIGPIPE is blocked on it: a command that exits without reading
/// its stdin must turn our write into EPIPE, not kill the daemon.
func startSinkThread(named name: String, _ body: @escaping @Sendable () -> Void) {
    final class Box: @unchecked Sendable {
        let body: @Sendable () -> Void
        let name: String
        init(_ body: @escaping @Sendable () -> Void, _ name: String) {
            self.body = body
            self.name = name
        }
    }
    let box = Unmanaged.passRetained(Box(body, name)).toOpaque()
    var thread = pthread_t()
    let result = pthread_create(
        &thread, nil,
        { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            // Thread names are at most 15 bytes; they show in top -H and /proc/<pid>/task.
            aiops_set_thread_name(box.name)
            var pipeSignal = sigset_t()
            sigemptyset(&pipeSignal)
            sigaddset(&pipeSignal, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
            box.body()
            return nil
        }, box)
    precondition(result == 0, "pthread_create failed: \(result)")
    pthread_detach(thread)
}

/// Takes back a SIGPIPE a write on this thread raised while it was blocked, so it does not stay
/// pending forever. Does nothing if none is pending.
func consumePendingPipeSignal() {
    var pending = sigset_t()
    sigpending(&pending)
    guard sigismember(&pending, SIGPIPE) == 1 else { return }
    var pipeSignal = sigset_t()
    sigemptyset(&pipeSignal)
    sigaddset(&pipeSignal, SIGPIPE)
    var noWait = timespec()
    _ = sigtimedwait(&pipeSignal, nil, &noWait)
}
