import AiopsCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Read-only access to the daemon's history from another process (`aiops analyze`). It never
/// moves, repairs, migrates or prunes anything: a file that is not a sound aiops history is an
/// error here, and the daemon sets it aside at its next start. It reads while the daemon
/// writes (WAL): every answer is one consistent snapshot.
public final class HistoryReader: HistoryReading, Sendable {
    public let path: String
    /// The file's schema version: the reader never migrates, so it reads what is there.
    let schemaVersion: Int
    private let connection: Mutex<SQLiteConnection>

    private init(path: String, schemaVersion: Int, connection: sending SQLiteConnection) {
        self.path = path
        self.schemaVersion = schemaVersion
        self.connection = Mutex(connection)
    }

    public static func open(at path: String = HistoryStore.defaultPath) throws(HistoryStoreError)
        -> HistoryReader
    {
        let path = FileSystem.resolvingParentDirectory(of: path)
        switch try FileInspection.inspect(path) {
        case .missing: throw HistoryStoreError("there is no history at \(path)")
        case .damaged(let damage): throw HistoryStoreError("the history \(path) \(damage)")
        case .refused(let damage): throw HistoryStoreError("the history \(path) \(damage)", kind: .refused)
        case .candidate: break
        }
        let connection: SQLiteConnection
        let verdict: DatabaseValidation.Verdict
        do {
            (connection, verdict) = try openValidated(path, access: .readOnly)
        } catch let first {
            // A WAL file in a directory we cannot write (a read-only mount, another user's
            // directory): SQLite cannot make its shared-memory index, so read it as immutable.
            guard first.code & 0xFF == 14, !directoryIsWritable(path) else {
                throw HistoryStoreError("cannot read the history \(path): \(first)", sqliteCode: first.code)
            }
            do {
                (connection, verdict) = try openValidated(path, access: .readOnlyImmutable)
            } catch {
                throw HistoryStoreError("cannot read the history \(path): \(error)", sqliteCode: error.code)
            }
        }
        switch verdict {
        case .history(let version):
            return HistoryReader(path: path, schemaVersion: version, connection: connection)
        case .empty: throw HistoryStoreError("the history \(path) has no data yet")
        case .damaged(let damage): throw HistoryStoreError("the history \(path) \(damage)")
        case .busy(let message): throw HistoryStoreError("the history \(path) is locked: \(message)")
        case .cannotOpen(let error): throw error
        }
    }

    private static func openValidated(_ path: String, access: SQLiteConnection.Access) throws(SQLiteError)
        -> (SQLiteConnection, DatabaseValidation.Verdict)
    {
        let connection = try SQLiteConnection(path: path, access: access)
        connection.setBusyTimeout(milliseconds: DatabaseValidation.busyTimeoutMilliseconds)
        try connection.enableDefensiveMode()
        try connection.execute("PRAGMA query_only = ON")
        return (connection, try DatabaseValidation.validate(connection, integrityCheck: false))
    }

    private static func directoryIsWritable(_ path: String) -> Bool {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        return access(directory.isEmpty ? "/" : directory, W_OK) == 0
    }

    public func exits(_ query: ExitQuery = ExitQuery()) throws(HistoryStoreError) -> [ExitRecord] {
        try connection.withLock { connection throws(HistoryStoreError) in
            try Self.mapError { () throws(SQLiteError) in
                try HistoryQueries.exits(query, version: schemaVersion, in: connection)
            }
        }
    }

    public func alerts(
        since: Int64 = .min, kind: Alert.Kind? = nil, limit: Int? = nil
    ) throws(HistoryStoreError) -> [Alert] {
        try connection.withLock { connection throws(HistoryStoreError) in
            try Self.mapError { () throws(SQLiteError) in
                try HistoryQueries.alerts(since: since, kind: kind, limit: limit, in: connection)
            }
        }
    }

    public func restarts(
        since: Int64 = .min, target: String? = nil, limit: Int? = nil
    ) throws(HistoryStoreError) -> [RestartRecord] {
        try connection.withLock { connection throws(HistoryStoreError) in
            try Self.mapError { () throws(SQLiteError) in
                try HistoryQueries.restarts(since: since, target: target, limit: limit, in: connection)
            }
        }
    }

    public func forkStorms(since: Int64 = .min, limit: Int? = nil) throws(HistoryStoreError)
        -> [ForkStormRecord]
    {
        try connection.withLock { connection throws(HistoryStoreError) in
            try Self.mapError { () throws(SQLiteError) in
                try HistoryQueries.forkStorms(since: since, limit: limit, in: connection)
            }
        }
    }

    /// Runs one query under the lock. The closure is built inside the lock's closure: the
    /// connection never leaves the region the Mutex guards.
    private static func mapError<T>(_ body: () throws(SQLiteError) -> T) throws(HistoryStoreError) -> T {
        do {
            return try body()
        } catch {
            throw HistoryStoreError(error)
        }
    }
}
