/// Brings a database to `Schema.currentVersion`, in one transaction: a crash or a full disk
/// half way leaves the file at its old version, never between two.
enum Migrator {
    /// Returns the version the file had before (0 for a fresh file).
    @discardableResult
    static func migrate(_ connection: SQLiteConnection) throws(SQLiteError) -> Int {
        try connection.writeTransaction { () throws(SQLiteError) -> Int in
            let before = Int(try connection.integer("PRAGMA user_version") ?? 0)
            guard before < Schema.currentVersion else { return before }
            for version in before..<Schema.currentVersion {
                for statement in Schema.migrations[version] {
                    try connection.execute(statement)
                }
            }
            try connection.execute("PRAGMA application_id = \(Schema.applicationID)")
            try connection.execute("PRAGMA user_version = \(Schema.currentVersion)")
            return before
        }
    }
}
