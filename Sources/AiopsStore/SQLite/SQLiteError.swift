import CSQLite

/// A failed SQLite call: the extended result code, SQLite's message, and what we were doing.
struct SQLiteError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Extended result code (connections are opened with SQLITE_OPEN_EXRESCODE), e.g.
    /// SQLITE_IOERR_WRITE; `primaryCode` folds it back to SQLITE_IOERR.
    var code: Int32
    var message: String
    /// What was being done, for people: "insert exit", "PRAGMA quick_check".
    var operation: String

    init(code: Int32, message: String, operation: String) {
        self.code = code
        self.message = message
        self.operation = operation
    }

    /// The error of the last call on `connection` (sqlite3_errmsg is per connection).
    init(code: Int32, connection: OpaquePointer?, operation: String) {
        let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        self.init(
            code: code, message: message ?? String(cString: sqlite3_errstr(code)), operation: operation)
    }

    var primaryCode: Int32 { code & 0xFF }

    var description: String { "\(operation): \(message) (SQLite error \(code))" }
}
