/// The daemon's way into its history: look at what is at the path, refuse what is not aiops's,
/// set aside an aiops history proven damaged, create what is missing, configure the
/// connection, migrate. A file that merely cannot be opened (permission, I/O, no descriptors,
/// a lock) is never set aside: that is a fact about the host, not the file.
enum HistoryOpener {
    static func open(
        _ path: String, limits: HistoryLimits, now: Int64
    ) throws(HistoryStoreError) -> (SQLiteConnection, HistoryOpenReport.Outcome) {
        var damage: HistoryDamage?
        var existing = false
        switch try FileInspection.inspect(path) {
        case .missing: break
        case .refused(let found): throw refusal(path, found)
        case .damaged(let found): damage = found
        case .candidate(let claimed):
            switch DatabaseValidation.validate(path, integrityCheck: true) {
            case .history: existing = true
            case .empty: break
            case .damaged(let found):
                // A newer aiops's history is sound: this build must not downgrade or bury it.
                if case .newerSchema = found { throw refusal(path, found) }
                // Without aiops's application id in its header, the file was never ours.
                guard claimed else { throw refusal(path, found) }
                damage = found
            case .busy(let message):
                throw HistoryStoreError("the history \(path) is locked by another process: \(message)")
            case .cannotOpen(let error): throw error
            }
        }
        var recovery: HistoryRecovery?
        if let damage {
            let moved = try MoveAside.move(path, now: now)
            recovery = HistoryRecovery(
                damage: damage, movedTo: moved.movedTo, movedCompanions: moved.companions)
        }
        if try FileSystem.status(path) == nil {
            try FileSystem.createEmptyFile(path)
        }
        do {
            let connection = try configuredConnection(path, limits: limits, new: !existing)
            let before = try Migrator.migrate(connection)
            if let recovery { return (connection, .recovered(recovery)) }
            guard existing else { return (connection, .created) }
            return (connection, .opened(migratedFrom: before < Schema.currentVersion ? before : nil))
        } catch {
            throw HistoryStoreError("cannot open the history \(path): \(error)", sqliteCode: error.code)
        }
    }

    /// What is at `path` is not aiops's: nothing was changed, and the operator is told why.
    static func refusal(_ path: String, _ found: HistoryDamage) -> HistoryStoreError {
        var message = "refusing the history \(path): it \(found)"
        if case .orphanedCompanions = found {
            message += " (remove them if an aiops history was deleted without them)"
        }
        message +=
            "; aiops opens, upgrades or sets aside only a history it created (an empty file, or SQLite with"
            + " aiops's application id): name another path"
        return HistoryStoreError(message, kind: .refused)
    }

    /// The writer's connection settings.
    static func configuredConnection(
        _ path: String, limits: HistoryLimits, new: Bool
    ) throws(SQLiteError) -> SQLiteConnection {
        let connection = try SQLiteConnection(path: path, access: .readWrite)
        // Long enough to outlast a checkpoint by a reader, short enough that a second daemon on
        // the same file turns into dropped records instead of a stalled event loop.
        connection.setBusyTimeout(milliseconds: 2000)
        try connection.enableDefensiveMode()
        if new {
            // Only takes effect before the first table exists; see Pruner for why.
            try connection.execute("PRAGMA auto_vacuum = INCREMENTAL")
        }
        // WAL: readers (`aiops analyze`) never block the daemon, nor the daemon them; a commit
        // appends to the log instead of rewriting pages. synchronous=NORMAL in WAL mode syncs
        // at checkpoints, not at every commit: a crash of the daemon loses nothing, a power
        // cut may lose the last commits, never the file's consistency.
        _ = try connection.text("PRAGMA journal_mode = WAL")
        try connection.execute("PRAGMA synchronous = NORMAL")
        try connection.execute("PRAGMA foreign_keys = ON")
        // A crafted cell size must fail a query, not be trusted (SQLite's advice for files
        // that may come from an attacker).
        try connection.execute("PRAGMA cell_size_check = ON")
        let pageSize = try connection.integer("PRAGMA page_size") ?? 4096
        let walHalf = limits.walBudgetBytes / 2
        try connection.execute("PRAGMA journal_size_limit = \(walHalf)")
        try connection.execute("PRAGMA wal_autocheckpoint = \(max(16, walHalf / pageSize))")
        // A hard cap at twice the size limit: should pruning ever fall behind or fail, the file
        // still cannot fill the disk; inserts then fail as "full" (counted, reported once)
        // until the next maintenance makes room.
        try connection.execute("PRAGMA max_page_count = \(limits.hardCapBytes / pageSize)")
        return connection
    }
}
