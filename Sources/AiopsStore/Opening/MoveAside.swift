#if canImport(Glibc)
    import Glibc
#endif

/// Renames what is at the history path, and its companions, to `<path>.corrupt-<UTC time>`
/// (with `-wal`, `-shm`, `-journal` appended for the companions, so SQLite still pairs them).
/// Renaming never deletes: every byte stays on disk for whoever wants to look.
enum MoveAside {
    static func move(_ path: String, now unixNanoseconds: Int64) throws(HistoryStoreError) -> (
        movedTo: String, companions: [String]
    ) {
        let base = try freeName(for: path, stamp: utcStamp(unixNanoseconds))
        // Companions first: should the daemon die between the renames, a -wal left behind
        // without its database would be replayed by SQLite into the next new file; a database
        // left without its -wal is merely checked again at the next open.
        var companions: [String] = []
        for suffix in FileInspection.companionSuffixes where try FileSystem.status(path + suffix) != nil {
            try FileSystem.rename(path + suffix, to: base + suffix)
            companions.append(base + suffix)
        }
        if try FileSystem.status(path) != nil {
            try FileSystem.rename(path, to: base)
        }
        FileSystem.syncDirectory(FileSystem.directory(of: path))
        return (base, companions)
    }

    /// `<path>.corrupt-<stamp>`, or with `.1`, `.2`… when a recovery in the same second already
    /// took it. rename(2) replaces an existing target, so taken names must be avoided first
    /// (renameat2's RENAME_NOREPLACE is not visible to Swift; only root writes in the history's
    /// directory, so nothing races this check).
    private static func freeName(for path: String, stamp: String) throws(HistoryStoreError) -> String {
        for attempt in 0..<1000 {
            let name = "\(path).corrupt-\(stamp)" + (attempt == 0 ? "" : ".\(attempt)")
            var taken = try FileSystem.status(name) != nil
            for suffix in FileInspection.companionSuffixes where !taken {
                taken = try FileSystem.status(name + suffix) != nil
            }
            if !taken { return name }
        }
        throw HistoryStoreError("cannot find a free name to move \(path) aside")
    }

    /// 20261125T033327Z: sorts by time, and has no character a shell or a file name chokes on.
    static func utcStamp(_ unixNanoseconds: Int64) -> String {
        var seconds = time_t(unixNanoseconds / 1_000_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z"
    }
}
