/// One object of a database's schema, as `sqlite_schema` lists it.
struct SchemaObject: Hashable, Sendable, Comparable {
    var type: String
    var name: String
    var table: String
    /// The CREATE statement as written (NULL for automatic indexes).
    var sql: String?

    static func < (lhs: SchemaObject, rhs: SchemaObject) -> Bool {
        (lhs.type, lhs.name) < (rhs.type, rhs.name)
    }

    /// Every object of a connection's main database, sorted. The statistics tables ANALYZE
    /// creates are left out: SQLite may add them and they change no data.
    static func list(_ connection: SQLiteConnection) throws(SQLiteError) -> [SchemaObject] {
        try connection.query(
            "SELECT type, name, tbl_name, sql FROM main.sqlite_schema WHERE name NOT LIKE 'sqlite\\_stat%' ESCAPE '\\'"
        ) { row in
            SchemaObject(
                type: row.text() ?? "", name: row.text() ?? "", table: row.text() ?? "", sql: row.text())
        }.sorted()
    }
}

/// What a file of each schema version must contain, exactly: built by running the migrations in
/// a private in-memory database, so it can never disagree with what the store creates.
/// A file with anything more (a trigger, a view, another table) or anything different (a
/// column changed) is not one the store wrote, and is not trusted.
enum ReferenceSchema {
    static func objects(version: Int) throws(SQLiteError) -> [SchemaObject] {
        let memory = try SQLiteConnection(path: ":memory:", access: .memory)
        for step in 0..<version {
            for statement in Schema.migrations[step] {
                try memory.execute(statement)
            }
        }
        return try SchemaObject.list(memory)
    }
}
