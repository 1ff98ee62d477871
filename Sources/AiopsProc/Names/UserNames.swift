#if canImport(Glibc)
    import Glibc
#endif

/// uid -> user name, as ps shows them, cached: a snapshot asks for the same few uids thousands
/// of times. A uid without a name shows as its number, like ps.
public final class UserNames {
    private var names: [UInt32: String] = [:]

    public init() {}

    public func name(of uid: UInt32) -> String {
        if let known = names[uid] { return known }
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 1024)
        let found =
            getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0 && result != nil
            && entry.pw_name != nil
        let name = found ? String(cString: entry.pw_name) : String(uid)
        names[uid] = name
        return name
    }
}
