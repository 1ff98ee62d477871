#if canImport(Glibc)
    import Glibc
#endif

/// The identity a service runs as: User=, Group=, SupplementaryGroups= resolved through the
/// user database (NSS), as systemd resolves them when it starts the service.
public enum ServiceAccount {
    public enum Problem: Error, Equatable, Sendable {
        case unknownUser(String)
        case unknownGroup(String)
    }

    public struct Resolved: Equatable, Sendable {
        public var account: PathAccess.Account
        /// "nobody (65534)", "root (0)".
        public var userText: String
    }

    /// An empty `user` means root. Numeric names are taken as ids.
    public static func resolve(user: String?, group: String?, supplementary: [String]) throws(Problem)
        -> Resolved
    {
        var uid: UInt32 = 0
        var gid: UInt32 = 0
        var name = "root"
        var groups: [UInt32] = []
        if let user, !user.isEmpty {
            guard let entry = passwd(named: user) else { throw .unknownUser(user) }
            (uid, gid, name) = entry
            groups = groupList(name: name, gid: gid)
        }
        if let group, !group.isEmpty {
            guard let id = groupID(group) else { throw .unknownGroup(group) }
            gid = id
        }
        for extra in supplementary {
            guard let id = groupID(extra) else { throw .unknownGroup(extra) }
            groups.append(id)
        }
        return Resolved(
            account: PathAccess.Account(uid: uid, gid: gid, groups: groups), userText: "\(name) (\(uid))")
    }

    static func passwd(named name: String) -> (UInt32, UInt32, String)? {
        var entry = Glibc.passwd()
        var result: UnsafeMutablePointer<Glibc.passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        if getpwnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil {
            return (entry.pw_uid, entry.pw_gid, name)
        }
        if let id = UInt32(name) {
            if getpwuid_r(id, &entry, &buffer, buffer.count, &result) == 0, result != nil {
                return (entry.pw_uid, entry.pw_gid, String(cString: entry.pw_name))
            }
            // systemd accepts a numeric uid without an entry; its group is then the same number.
            return (id, id, name)
        }
        return nil
    }

    static func groupID(_ name: String) -> UInt32? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        if getgrnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil {
            return entry.gr_gid
        }
        return UInt32(name)
    }

    /// The user's groups from the group database (what initgroups(3) gives the process).
    static func groupList(name: String, gid: UInt32) -> [UInt32] {
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(name, gid, &groups, &count) < 0 {
            groups = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(name, gid, &groups, &count) >= 0 else { return [] }
        }
        return Array(groups.prefix(Int(count)))
    }
}
