import AiopsCore

/// One thing the daemon keeps: what `HistoryStore.record` accepts, alone or in batches.
public enum HistoryEntry: Hashable, Sendable {
    /// A process that ended (the daemon keeps the abnormal ones), with its resource snapshot.
    case exit(ExitRecord)
    case alert(Alert)
    case restart(RestartRecord)
    case forkStorm(ForkStormRecord)

    func insert(into connection: SQLiteConnection) throws(SQLiteError) {
        switch self {
        case .exit(let record): try ExitRows.insert(record, into: connection)
        case .alert(let alert): try AlertRows.insert(alert, into: connection)
        case .restart(let record): try RestartRows.insert(record, into: connection)
        case .forkStorm(let record): try ForkStormRows.insert(record, into: connection)
        }
    }
}
