import CSQLite

#if canImport(Glibc)
    import Glibc
#endif

/// The checks made through SQLite, on a read-only connection (so nothing is written into a file
/// that may be moved aside): is it an aiops history, of a version this build reads, with exactly
/// the schema aiops creates, and does `PRAGMA quick_check` find it sound.
enum DatabaseValidation {
    enum Verdict: Equatable {
        /// An aiops history of `version` (≤ the current one).
        case history(version: Int)
        /// A database with nothing in it (a new file whose schema was never committed).
        case empty
        case damaged(HistoryDamage)
        /// Another process holds a lock past the busy timeout: nothing is wrong with the file,
        /// and it must not be moved aside for it.
        case busy(String)
        /// SQLite could not open or read it (permission, an I/O error, no memory): a fact about
        /// this host or this moment, not about the file, which must not be moved aside for it.
        case cannotOpen(HistoryStoreError)
    }

    /// `integrityCheck`: quick_check reads every page (measured: about 0.1 s for 64 MiB); the
    /// daemon pays it once at start, `aiops analyze` (HistoryReader) skips it.
    static func validate(_ path: String, integrityCheck: Bool) -> Verdict {
        let connection: SQLiteConnection
        do {
            connection = try SQLiteConnection(path: path, access: .readOnly)
            connection.setBusyTimeout(milliseconds: busyTimeoutMilliseconds)
            try connection.enableDefensiveMode()
            return try validate(connection, integrityCheck: integrityCheck)
        } catch {
            return verdict(for: error, path: path)
        }
    }

    static let busyTimeoutMilliseconds: Int32 = 5000

    static func validate(_ connection: SQLiteConnection, integrityCheck: Bool) throws(SQLiteError) -> Verdict
    {
        let applicationID = Int32(truncatingIfNeeded: try connection.integer("PRAGMA application_id") ?? 0)
        let version = Int(try connection.integer("PRAGMA user_version") ?? 0)
        let objects = try SchemaObject.list(connection)
        if applicationID == 0, version == 0, objects.isEmpty { return .empty }
        guard applicationID == Schema.applicationID else {
            let names = objects.map { "\($0.type) \($0.name)" }.joined(separator: ", ")
            return .damaged(
                .foreignDatabase(
                    "application id \(Schema.hex(applicationID)), not aiops's \(Schema.hex(Schema.applicationID))"
                        + (names.isEmpty ? "" : "; holds \(names)")))
        }
        guard version <= Schema.currentVersion else { return .damaged(.newerSchema(version: version)) }
        guard version >= 1 else {
            return .damaged(.foreignDatabase("aiops application id but no schema version"))
        }
        let expected = try ReferenceSchema.objects(version: version)
        if let difference = describeDifference(found: objects, expected: expected) {
            return .damaged(.foreignDatabase(difference))
        }
        if integrityCheck {
            let findings = try connection.query("PRAGMA quick_check(5)") { row in row.text() ?? "" }
            guard findings == ["ok"] else {
                return .damaged(.failedIntegrityCheck(findings.prefix(3).joined(separator: "; ")))
            }
        }
        return .history(version: version)
    }

    /// The first way the schema differs from the one aiops creates at that version.
    private static func describeDifference(found: [SchemaObject], expected: [SchemaObject]) -> String? {
        let expectedByName = Dictionary(
            expected.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let foundNames = Set(found.map(\.name))
        for object in found {
            guard let reference = expectedByName[object.name] else {
                return "it has a \(object.type) \(object.name) that aiops does not create"
            }
            if reference != object { return "its \(object.type) \(object.name) is not the one aiops creates" }
        }
        if let missing = expected.first(where: { !foundNames.contains($0.name) }) {
            return "its \(missing.type) \(missing.name) is missing"
        }
        return nil
    }

    /// What an SQLite error at validation says about the file: only "not a database" and
    /// "corrupt" are about the file itself.
    static func verdict(for error: SQLiteError, path: String) -> Verdict {
        switch error.primaryCode {
        case SQLITE_BUSY, SQLITE_LOCKED: return .busy(error.description)
        case SQLITE_NOTADB: return .damaged(.notSQLite)
        case SQLITE_CORRUPT: return .damaged(.failedIntegrityCheck(error.message))
        default:
            let denied =
                error.primaryCode == SQLITE_PERM || error.primaryCode == SQLITE_AUTH
                || (access(path, R_OK) != 0 && errno == EACCES)
            return .cannotOpen(
                HistoryStoreError(
                    "cannot open \(path): \(error)", kind: denied ? .permission : .failed,
                    sqliteCode: error.code))
        }
    }
}
