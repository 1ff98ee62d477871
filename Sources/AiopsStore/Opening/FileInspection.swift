import AiopsPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// The checks made on the history path before SQLite is allowed near it: what is at the path
/// (lstat, never following a link), whether it can be read, and whether its first 100 bytes are
/// an SQLite header that agrees with the file's size and carries aiops's application id.
///
/// Whose file it is decides what may happen to it: aiops opens, upgrades or sets aside only a
/// file it can prove it created (an empty regular file, or an SQLite header with aiops's
/// application id). Anything else — a copy of /etc/passwd, /dev/null, a link, another
/// program's database — is refused and left exactly as it was.
enum FileInspection {
    enum Finding: Equatable {
        /// Nothing at the path, and no companions.
        case missing
        /// A regular file worth handing to SQLite: empty, or an SQLite header. `claimed`: the
        /// header carries aiops's application id, so damage SQLite finds may be set aside.
        case candidate(claimed: Bool)
        /// aiops's by its header, but damaged before SQLite is asked (cut short).
        case damaged(HistoryDamage)
        /// Not aiops's to touch.
        case refused(HistoryDamage)
    }

    /// The files SQLite keeps next to a database.
    static let companionSuffixes = ["-wal", "-shm", "-journal"]

    /// Throws only when the path cannot be examined or read at all (permission, I/O, no
    /// descriptors left): a fact about this host, never about the file.
    static func inspect(_ path: String) throws(HistoryStoreError) -> Finding {
        var companions: [(suffix: String, info: stat)] = []
        for suffix in companionSuffixes {
            if let info = try FileSystem.status(path + suffix) { companions.append((suffix, info)) }
        }
        guard let info = try FileSystem.status(path) else {
            return companions.isEmpty ? .missing : .refused(.orphanedCompanions)
        }
        guard FileSystem.isRegular(info) else {
            return .refused(.notRegularFile(kind: FileSystem.kindDescription(info, path: path)))
        }
        for companion in companions where !FileSystem.isRegular(companion.info) {
            return .refused(
                .companionNotRegularFile(
                    name: companion.suffix,
                    kind: FileSystem.kindDescription(companion.info, path: path + companion.suffix)))
        }
        let walBytes = companions.first { $0.suffix == "-wal" }.map { Int64($0.info.st_size) } ?? 0
        return try checkHeader(path, walBytes: walBytes)
    }

    private static let magic = Array("SQLite format 3\0".utf8)

    private static func checkHeader(_ path: String, walBytes: Int64) throws(HistoryStoreError) -> Finding {
        // O_NONBLOCK: should a FIFO be swapped in after the lstat, opening it cannot hang the
        // daemon; fstat then sees it for what it is.
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileSystem.cannotRead(path, errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw FileSystem.cannotRead(path, errno) }
        guard FileSystem.isRegular(info) else {
            return .refused(.notRegularFile(kind: FileSystem.kindDescription(info, path: path)))
        }
        var header = [UInt8](repeating: 0, count: 100)
        let count = pread(descriptor, &header, header.count, 0)
        guard count >= 0 else { throw FileSystem.cannotRead(path, errno) }
        // An empty file is what SQLite itself calls an empty database: the store initializes it.
        if count == 0 { return .candidate(claimed: false) }
        let size = Int64(info.st_size)
        if count < header.count {
            // Cut inside the 100-byte header: whose it was can no longer be told.
            let prefix = Array(header[0..<min(count, magic.count)])
            return prefix == Array(magic[0..<prefix.count])
                ? .refused(.truncated(expectedBytes: 512, actualBytes: size)) : .refused(.notSQLite)
        }
        guard Array(header[0..<magic.count]) == magic else { return .refused(.notSQLite) }
        let applicationID = Int32(bitPattern: bigEndian(header, 68))
        let claimed = applicationID == Schema.applicationID
        // Another program's database is refused here. An application id of 0 is an SQLite file
        // nobody claimed yet, e.g. one aiops created and was stopped before its schema was
        // written: SQLite decides whether it is empty (initialized) or holds data (refused).
        guard claimed || applicationID == 0 else {
            return .refused(
                .foreignDatabase(
                    "application id \(Schema.hex(applicationID)), not aiops's \(Schema.hex(Schema.applicationID))"
                ))
        }
        let rawPageSize = Int64(header[16]) << 8 | Int64(header[17])
        let pageSize = rawPageSize == 1 ? 65536 : rawPageSize
        guard pageSize >= 512, pageSize <= 65536, pageSize & (pageSize - 1) == 0 else {
            let damage = HistoryDamage.unusable("the header's page size (\(rawPageSize)) is invalid")
            return claimed ? .damaged(damage) : .refused(damage)
        }
        // The page count in the header counts only when the change counter (offset 24) equals
        // "version valid for" (offset 92), per the file format. A write-ahead log may hold pages
        // the main file does not have yet, so the comparison is only made when there is none.
        let pages = bigEndian(header, 28)
        if pages > 0, bigEndian(header, 24) == bigEndian(header, 92), walBytes == 0,
            size < Int64(pages) * pageSize
        {
            let damage = HistoryDamage.truncated(expectedBytes: Int64(pages) * pageSize, actualBytes: size)
            return claimed ? .damaged(damage) : .refused(damage)
        }
        return .candidate(claimed: claimed)
    }

    private static func bigEndian(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
