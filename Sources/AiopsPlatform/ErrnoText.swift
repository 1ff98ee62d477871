#if canImport(Glibc)
    import Glibc
#endif

/// An errno as words: the one place aiops turns an error number into text.
public enum ErrnoText {
    /// The C library's message: "No such file or directory".
    public static func message(_ number: Int32) -> String {
        // glibc's strerror returns its static table's text for every known number (thread-safe
        // since 2.32); only unknown numbers use a per-thread buffer, copied here at once.
        String(cString: strerror(number))
    }

    /// The symbolic name, for messages read by people who search for it: "EPERM", or
    /// "errno 42" for a number without one here.
    public static func name(_ number: Int32) -> String {
        names[number] ?? "errno \(number)"
    }

    private static let names: [Int32: String] = [
        EPERM: "EPERM", ENOENT: "ENOENT", ESRCH: "ESRCH", E2BIG: "E2BIG", ENOMEM: "ENOMEM", EACCES: "EACCES",
        EBUSY: "EBUSY", EINVAL: "EINVAL", EOPNOTSUPP: "EOPNOTSUPP",
        // The kernel-internal ENOTSUPP, which BPF syscalls leak to user space; no libc constant.
        524: "ENOTSUPP",
    ]
}
