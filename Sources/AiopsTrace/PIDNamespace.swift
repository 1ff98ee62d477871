#if canImport(Glibc)
    import Glibc
#endif

/// Whether aiops runs in the host's PID namespace. BPF reports the kernel's own (host) pids, and
/// the proc connector sends nothing to a nested namespace; /proc there shows the namespace's pids.
/// In a container, either kernel source would name processes that /proc calls something else (or
/// nothing at all), so only /proc polling can be trusted there.
enum PIDNamespace {
    /// The init PID namespace's inode number is fixed by the kernel (PROC_PID_INIT_INO).
    static let initialInode: UInt64 = 0xEFFF_FFFC

    /// nil when it cannot be told (no /proc/self/ns/pid): then nothing is assumed.
    static func isHost(nsPath: String = "/proc/self/ns/pid") -> Bool? {
        var info = stat()
        guard stat(nsPath, &info) == 0 else { return nil }
        return UInt64(info.st_ino) == initialInode
    }

    static let nestedMessage =
        "aiops runs in a PID namespace other than the host's (a container): kernel events carry host "
        + "pids that /proc here does not show"
}
