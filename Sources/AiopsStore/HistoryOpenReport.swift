import AiopsCore

/// What `HistoryStore.open` found at the path and did about it. Returned once: a recovery is
/// reported by the daemon as one alert (`alert(at:)`), never again for the same file.
public struct HistoryOpenReport: Hashable, Sendable, CustomStringConvertible {
    public enum Outcome: Hashable, Sendable {
        /// There was nothing (or an empty file) at the path: a new history was created.
        case created
        /// An aiops history was opened; `migratedFrom` is its schema version before this build
        /// upgraded it, nil when it was current.
        case opened(migratedFrom: Int?)
        /// What was at the path could not be trusted: it was moved aside (never deleted) and a
        /// new history created.
        case recovered(HistoryRecovery)
    }

    public var path: String
    public var outcome: Outcome
    /// Rows deleted by the maintenance that runs at open.
    public var pruned: HistoryPruneResult

    public var description: String {
        switch outcome {
        case .created: return "history \(path): created"
        case .opened(let from):
            return "history \(path): opened" + (from.map { " (schema upgraded from version \($0))" } ?? "")
        case .recovered(let recovery): return "history \(path) \(recovery)"
        }
    }

    /// The alert to raise for this open: only a recovery deserves one.
    public func alert(at unixNanoseconds: Int64) -> Alert? {
        guard case .recovered(let recovery) = outcome else { return nil }
        return Alert(
            kind: .monitorProblem, severity: .warning, unixNanoseconds: unixNanoseconds,
            subject: "history \(path)",
            summary:
                "history file \(recovery.damage); moved aside to \(recovery.movedTo), a new history was started",
            facts: [
                Alert.Fact("damage", .text(recovery.damage.code)),
                Alert.Fact("moved_to", .text(recovery.movedTo)),
            ])
    }
}

/// A file set aside.
public struct HistoryRecovery: Hashable, Sendable, CustomStringConvertible {
    public var damage: HistoryDamage
    /// The new name of what was at the path: `<path>.corrupt-<UTC time>`.
    public var movedTo: String
    /// Its -wal, -shm and -journal companions, moved next to it under the same new name (so
    /// `sqlite3 <movedTo>` still sees the write-ahead log and any data it holds).
    public var movedCompanions: [String]

    public var description: String {
        "\(damage): moved aside to \(movedTo)"
            + (movedCompanions.isEmpty ? "" : " (with \(movedCompanions.joined(separator: ", ")))")
    }
}

/// Why a file at the history path was not used.
public enum HistoryDamage: Hashable, Sendable, CustomStringConvertible {
    /// Not an SQLite database at all (random bytes, another kind of file).
    case notSQLite
    /// An SQLite header whose page count says the file should be longer than it is (or a file
    /// cut inside its header, when `expectedBytes` is the smallest possible database, 512).
    case truncated(expectedBytes: Int64, actualBytes: Int64)
    /// SQLite could not read it as a database (its own words).
    case unusable(String)
    /// `PRAGMA quick_check` found damage (its first finding).
    case failedIntegrityCheck(String)
    /// A valid SQLite database, but not an aiops history: another application id, or tables,
    /// views or triggers that aiops does not create.
    case foreignDatabase(String)
    /// An aiops history written by a newer build (schema version), which this one cannot read.
    case newerSchema(version: Int)
    /// A symbolic link, a directory, a FIFO, a socket or a device at the path (never followed
    /// or opened); `kind` says which.
    case notRegularFile(kind: String)
    /// A -wal, -shm or -journal companion that is not a regular file (a link could make SQLite
    /// write through it).
    case companionNotRegularFile(name: String, kind: String)
    /// Companion files with no database: SQLite would replay a stray -wal into a new file.
    case orphanedCompanions
    /// The file could not be opened or read (errno text).
    case unreadable(String)

    /// Stable, for JSON and alert facts.
    public var code: String {
        switch self {
        case .notSQLite: return "not_sqlite"
        case .truncated: return "truncated"
        case .unusable: return "unusable"
        case .failedIntegrityCheck: return "failed_integrity_check"
        case .foreignDatabase: return "foreign_database"
        case .newerSchema: return "newer_schema"
        case .notRegularFile: return "not_regular_file"
        case .companionNotRegularFile: return "companion_not_regular_file"
        case .orphanedCompanions: return "orphaned_companions"
        case .unreadable: return "unreadable"
        }
    }

    public var description: String {
        switch self {
        case .notSQLite: return "is not an SQLite database"
        case .truncated(let expected, let actual):
            return "is truncated: \(actual) bytes where its header needs \(expected)"
        case .unusable(let message): return "cannot be read by SQLite: \(message)"
        case .failedIntegrityCheck(let finding): return "failed the integrity check: \(finding)"
        case .foreignDatabase(let detail): return "is not an aiops history: \(detail)"
        case .newerSchema(let version):
            return
                "was written by a newer aiops (schema version \(version), this build reads up to \(Schema.currentVersion))"
        case .notRegularFile(let kind): return "is not a regular file but \(kind)"
        case .companionNotRegularFile(let name, let kind): return "has a companion \(name) that is \(kind)"
        case .orphanedCompanions: return "is missing but its -wal/-shm/-journal companions are there"
        case .unreadable(let reason): return "cannot be read: \(reason)"
        }
    }
}

/// The store cannot be used. `kind` says whether anything is wrong with the file at all:
/// a refusal means what is at the path is not aiops's to touch (nothing was changed); the
/// other kinds leave the file as it was too, and are about this host or this moment.
public struct HistoryStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// What is at the path is not an aiops history (another file, a device, a link, a
        /// database of another program or of a newer aiops): aiops will not open, migrate or
        /// move it. The operator names another path.
        case refused
        /// The file (or its directory) cannot be opened for lack of permission.
        case permission
        /// Anything else: an I/O error, too many open files, a lock held too long, SQLite's
        /// own failure. Transient or environmental, never a reason to set the file aside.
        case failed
    }

    public var kind: Kind
    public var message: String
    /// SQLite's extended result code, when SQLite reported it.
    public var sqliteCode: Int32?

    public init(_ message: String, kind: Kind = .failed, sqliteCode: Int32? = nil) {
        self.kind = kind
        self.message = message
        self.sqliteCode = sqliteCode
    }

    init(_ error: SQLiteError) {
        self.init(error.description, sqliteCode: error.code)
    }

    public var description: String { message }
}
