import CSQLite

/// One SQLite connection, used from one thread at a time (opened SQLITE_OPEN_NOMUTEX: the store
/// serializes every call itself, so SQLite's own mutexes would be paid for nothing).
final class SQLiteConnection {
    enum Access {
        /// Reads only: validating a file before trusting it, and `aiops analyze`.
        case readOnly
        /// Reads a file nobody can be writing: one in a directory this process cannot write
        /// (a read-only mount, a copy), where SQLite cannot create the WAL index it needs for
        /// `readOnly`. SQLite's `immutable`: no locks, and the -wal file is not read.
        case readOnlyImmutable
        /// Reads and writes an existing file; never creates one (the store creates the file
        /// itself, with the permissions it wants).
        case readWrite
        /// A private in-memory database (the reference schema).
        case memory
    }

    let handle: OpaquePointer

    /// A path as the path part of a `file:` URI: %, ? and # escaped, so they stay part of it.
    static func uriPath(_ path: String) -> String {
        var escaped = ""
        for character in path {
            switch character {
            case "%": escaped += "%25"
            case "?": escaped += "%3F"
            case "#": escaped += "%23"
            default: escaped.append(character)
            }
        }
        return escaped
    }
    private var cache: [String: SQLiteStatement] = [:]

    init(path: String, access: Access) throws(SQLiteError) {
        // NOFOLLOW: SQLite refuses a symbolic link at the path, closing the window between the
        // store's lstat check and this open. EXRESCODE: extended codes tell a full disk
        // (SQLITE_FULL) from a failed write (SQLITE_IOERR_WRITE) from a full -shm.
        var flags = SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_NOMUTEX
        switch access {
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        case .readOnlyImmutable: flags |= SQLITE_OPEN_READONLY | SQLITE_OPEN_URI
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .memory: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY
        }
        var connection: OpaquePointer?
        let name: String
        switch access {
        case .memory: name = ":memory:"
        case .readOnlyImmutable: name = "file:" + Self.uriPath(path) + "?immutable=1"
        case .readOnly, .readWrite: name = path
        }
        let result = sqlite3_open_v2(name, &connection, flags, nil)
        guard result == SQLITE_OK, let connection else {
            let error = SQLiteError(code: result, connection: connection, operation: "open \(path)")
            // sqlite3_open_v2 hands back a handle even on failure; it must still be closed.
            sqlite3_close_v2(connection)
            throw error
        }
        handle = connection
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs statements that return no rows (schema scripts, PRAGMAs that set something).
    func execute(_ sql: String) throws(SQLiteError) {
        let result = sqlite3_exec(handle, sql, nil, nil, nil)
        guard result == SQLITE_OK else {
            throw SQLiteError(code: result, connection: handle, operation: sql)
        }
    }

    /// A prepared statement, kept for reuse: the store runs the same few statements all day.
    func cached(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        if let statement = cache[sql] { return statement }
        let statement = try prepare(sql)
        cache[sql] = statement
        return statement
    }

    private func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let result = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard result == SQLITE_OK, let statement else {
            throw SQLiteError(code: result, connection: handle, operation: "prepare \(sql)")
        }
        return SQLiteStatement(handle: statement, sql: sql)
    }

    /// Runs a statement that returns no rows, with its parameters.
    func run(
        _ sql: String, _ bind: (inout SQLiteBindings) throws(SQLiteError) -> Void = { _ in }
    ) throws(SQLiteError) {
        let statement = try cached(sql)
        defer { statement.reset() }
        try statement.bind(bind)
        while try statement.step() {}
    }

    /// Runs a query and maps every row.
    func query<T>(
        _ sql: String, _ bind: (inout SQLiteBindings) throws(SQLiteError) -> Void = { _ in },
        row: (inout SQLiteRow) -> T
    ) throws(SQLiteError) -> [T] {
        let statement = try cached(sql)
        defer { statement.reset() }
        try statement.bind(bind)
        var rows: [T] = []
        while try statement.step() {
            var cursor = SQLiteRow(statement)
            rows.append(row(&cursor))
        }
        return rows
    }

    /// The first column of the first row, as an integer (PRAGMA page_count, COUNT(*)…).
    func integer(_ sql: String) throws(SQLiteError) -> Int64? {
        try query(sql) { row in row.integer() }.first ?? nil
    }

    func text(_ sql: String) throws(SQLiteError) -> String? {
        try query(sql) { row in row.text() }.first ?? nil
    }

    /// Runs `body` in a write transaction, committed if it returns and rolled back if it throws.
    /// IMMEDIATE takes the write lock up front, so a busy database fails here (after the busy
    /// timeout) rather than half way through.
    func writeTransaction<T>(_ body: () throws(SQLiteError) -> T) throws(SQLiteError) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            rollbackIfNeeded()
            throw error
        }
    }

    /// Runs `body` in a read transaction: every query inside sees the same snapshot, even while
    /// another connection writes and prunes.
    func readTransaction<T>(_ body: () throws(SQLiteError) -> T) throws(SQLiteError) -> T {
        try execute("BEGIN DEFERRED")
        defer { rollbackIfNeeded() }
        return try body()
    }

    /// After an error SQLite may already have rolled the transaction back (SQLITE_FULL and
    /// SQLITE_IOERR can do that): roll back only when one is still open.
    func rollbackIfNeeded() {
        guard sqlite3_get_autocommit(handle) == 0 else { return }
        sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
    }

    /// Rows changed by the last INSERT/UPDATE/DELETE.
    var changes: Int { Int(sqlite3_changes64(handle)) }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    func setBusyTimeout(milliseconds: Int32) {
        sqlite3_busy_timeout(handle, milliseconds)
    }

    /// Hardening for a file that may have been crafted: see csqlite_enable_defensive.
    func enableDefensiveMode() throws(SQLiteError) {
        let result = csqlite_enable_defensive(handle)
        guard result == SQLITE_OK else {
            throw SQLiteError(code: result, connection: handle, operation: "SQLITE_DBCONFIG_DEFENSIVE")
        }
        // Never run SQL functions named by the file's own schema (views, triggers, defaults).
        try execute("PRAGMA trusted_schema = OFF")
    }
}
