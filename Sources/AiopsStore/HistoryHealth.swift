import AiopsCore

/// Whether records reach the disk.
public enum HistoryHealth: Hashable, Sendable {
    case healthy
    /// Writes fail since `since` (wall clock, ns since the epoch); records are dropped and
    /// counted (`HistoryStore.droppedRecords`), and every later write tries again.
    case failing(reason: HistoryWriteProblem, since: Int64)
}

/// Why a write failed.
public struct HistoryWriteProblem: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// The file system is full (ENOSPC), or the database reached its page limit.
        case diskFull = "disk_full"
        /// A read or write of the file failed (EIO, the -shm could not grow…).
        case ioError = "io_error"
        /// The file or its directory became read-only.
        case readOnly = "read_only"
        /// Another process held the write lock longer than the busy timeout.
        case busy
        /// SQLite found the file damaged while writing to it. Writes will keep failing: close
        /// the store and open it again, which sets the file aside and starts a new one.
        case corrupt
        /// The store was closed.
        case closed
        case other
    }

    public var kind: Kind
    /// SQLite's extended result code (0 when SQLite was not involved).
    public var code: Int32
    public var message: String

    public init(kind: Kind, code: Int32, message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    public var description: String {
        code == 0 ? message : "\(message) (SQLite error \(code))"
    }

    /// The one alert to raise when a healthy store starts failing.
    public func alert(path: String, at unixNanoseconds: Int64) -> Alert {
        Alert(
            kind: .monitorProblem, severity: .critical, unixNanoseconds: unixNanoseconds,
            subject: "history \(path)",
            summary:
                "cannot write the history: \(message); records are dropped (and counted) until writes succeed",
            facts: [
                Alert.Fact("problem", .text(kind.rawValue)), Alert.Fact("sqlite_code", .integer(Int64(code))),
            ])
    }
}

/// What became of a `record` call. Only transitions need telling anyone: `startedFailing`
/// once when writes start failing, `recovered` once when they work again.
public enum HistoryWriteResult: Hashable, Sendable {
    case stored
    /// Not stored, and the store was already failing: counted, nothing new to report.
    case dropped
    /// Not stored, and this is the first failure after a healthy period: report it.
    case startedFailing(HistoryWriteProblem)
    /// Stored, ending a failing period during which `droppedWhileFailing` records were lost.
    case recovered(droppedWhileFailing: UInt64)

    public var wasStored: Bool {
        switch self {
        case .stored, .recovered: return true
        case .dropped, .startedFailing: return false
        }
    }
}
