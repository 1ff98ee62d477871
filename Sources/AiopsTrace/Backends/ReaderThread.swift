import CAiopsLinux

#if canImport(Glibc)
    import Glibc
#endif

/// Starts a dedicated OS thread. Readers of kernel buffers (ring buffer, netlink) block in the
/// kernel; on the Swift concurrency pool (2 threads on these machines) that would starve every
/// task, so they get threads of their own.
func startBackgroundThread(named name: String, _ body: @escaping @Sendable () -> Void) {
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
            box.body()
            return nil
        }, box)
    precondition(result == 0, "pthread_create failed: \(result)")
    pthread_detach(thread)
}
