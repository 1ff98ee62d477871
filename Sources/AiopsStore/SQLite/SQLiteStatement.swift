import CSQLite

/// A prepared statement. Values are bound in order through `bind`, rows read in order through
/// `SQLiteRow`: the column lists live next to the SQL text that names them, so an index can
/// never drift away from its column.
///
/// Statements are reset after every use (see `SQLiteConnection.run`/`query`): a statement left
/// mid-iteration would hold a read snapshot open, which stops WAL checkpoints and hides newer
/// rows from this connection.
final class SQLiteStatement {
    let handle: OpaquePointer
    let sql: String

    init(handle: OpaquePointer, sql: String) {
        self.handle = handle
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Clears earlier bindings, lets `build` bind parameters from 1 on, and checks that every
    /// parameter got a value (a forgotten one would silently be NULL).
    func bind(_ build: (inout SQLiteBindings) throws(SQLiteError) -> Void) throws(SQLiteError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        var bindings = SQLiteBindings(statement: self)
        try build(&bindings)
        let expected = sqlite3_bind_parameter_count(handle)
        guard bindings.next - 1 == expected else {
            throw SQLiteError(
                code: SQLITE_RANGE,
                message: "bound \(bindings.next - 1) values for \(expected) parameters",
                operation: sql)
        }
    }

    /// Advances to the next row: true when there is one, false when the statement is done.
    func step() throws(SQLiteError) -> Bool {
        let result = sqlite3_step(handle)
        switch result {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            throw SQLiteError(code: result, connection: sqlite3_db_handle(handle), operation: sql)
        }
    }

    func reset() {
        sqlite3_reset(handle)
    }
}

/// Binds parameters 1, 2, 3… in the order the calls are made.
struct SQLiteBindings {
    fileprivate let statement: SQLiteStatement
    fileprivate var next: Int32 = 1

    fileprivate init(statement: SQLiteStatement) {
        self.statement = statement
    }

    /// Any integer, as SQLite's signed 64 bits. A UInt64 above Int64.max keeps its bit pattern
    /// (read it back with `SQLiteRow.unsigned`), so every value round-trips exactly.
    mutating func integer<I: BinaryInteger>(_ value: I?) throws(SQLiteError) {
        guard let value else { return try null() }
        try check(sqlite3_bind_int64(statement.handle, next, Int64(truncatingIfNeeded: value)))
    }

    /// NaN is stored as NULL: SQLite has no NaN. `SQLiteRow.realOrNaN` reads it back.
    mutating func real(_ value: Double?) throws(SQLiteError) {
        guard let value, !value.isNaN else { return try null() }
        try check(sqlite3_bind_double(statement.handle, next, value))
    }

    mutating func text(_ value: String?) throws(SQLiteError) {
        guard let value else { return try null() }
        var utf8 = value
        let result = utf8.withUTF8 { buffer in
            // An explicit length: a NUL inside the string is kept, not taken as its end.
            sqlite3_bind_text(
                statement.handle, next,
                UnsafeRawPointer(buffer.baseAddress ?? emptyText.utf8Start)
                    .assumingMemoryBound(to: CChar.self), Int32(buffer.count), csqlite_transient())
        }
        try check(result)
    }

    /// Bytes exactly as given. An empty array is an empty BLOB, not NULL: sqlite3_bind_blob
    /// with a NULL pointer would bind NULL, so the empty case goes through zeroblob.
    mutating func blob(_ value: [UInt8]?) throws(SQLiteError) {
        guard let value else { return try null() }
        let result =
            value.isEmpty
            ? sqlite3_bind_zeroblob(statement.handle, next, 0)
            : value.withUnsafeBytes { buffer in
                sqlite3_bind_blob(
                    statement.handle, next, buffer.baseAddress, Int32(buffer.count), csqlite_transient())
            }
        try check(result)
    }

    mutating func null() throws(SQLiteError) {
        try check(sqlite3_bind_null(statement.handle, next))
    }

    private mutating func check(_ result: Int32) throws(SQLiteError) {
        guard result == SQLITE_OK else {
            throw SQLiteError(
                code: result, connection: sqlite3_db_handle(statement.handle),
                operation: "bind parameter \(next) of \(statement.sql)")
        }
        next += 1
    }
}

/// A non-NULL pointer for empty strings: SQLite binds a NULL text pointer as SQL NULL.
private let emptyText: StaticString = ""

/// The current row of a statement, read column 0, 1, 2… in the order of the calls.
struct SQLiteRow {
    private let handle: OpaquePointer
    private var next: Int32 = 0

    init(_ statement: SQLiteStatement) {
        handle = statement.handle
    }

    private mutating func advance() -> (index: Int32, isNull: Bool) {
        defer { next += 1 }
        return (next, sqlite3_column_type(handle, next) == SQLITE_NULL)
    }

    mutating func integer() -> Int64? {
        let column = advance()
        return column.isNull ? nil : sqlite3_column_int64(handle, column.index)
    }

    /// An integer that must fit `I`; nil when NULL or out of range (a crafted file).
    mutating func integer<I: FixedWidthInteger>(as type: I.Type) -> I? {
        integer().flatMap { I(exactly: $0) }
    }

    /// The bit pattern written by `SQLiteBindings.integer` for a UInt64.
    mutating func unsigned() -> UInt64? {
        integer().map { UInt64(bitPattern: $0) }
    }

    mutating func real() -> Double? {
        let column = advance()
        return column.isNull ? nil : sqlite3_column_double(handle, column.index)
    }

    /// A REAL column whose NULL stands for NaN (see `SQLiteBindings.real`).
    mutating func realOrNaN() -> Double {
        real() ?? .nan
    }

    mutating func text() -> String? {
        let column = advance()
        guard !column.isNull, let pointer = sqlite3_column_text(handle, column.index) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column.index))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    mutating func blob() -> [UInt8]? {
        let column = advance()
        guard !column.isNull else { return nil }
        // Ask for the pointer first, then the size: the documented order that avoids a type
        // conversion between the two calls.
        let pointer = sqlite3_column_blob(handle, column.index)
        let count = Int(sqlite3_column_bytes(handle, column.index))
        guard let pointer, count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}
