import CSQLite

/// The writer's state behind `HistoryStore`'s lock: the connection, the health bookkeeping and
/// the maintenance schedule. Not thread-safe by itself; the store never shares it unlocked.
final class StoreEngine {
    private var connection: SQLiteConnection?
    let path: String
    let limits: HistoryLimits
    private let now: @Sendable () -> Int64
    private let monotonic: @Sendable () -> Int64

    private(set) var health: HistoryHealth = .healthy
    private(set) var droppedRecords: UInt64 = 0
    private var droppedWhileFailing: UInt64 = 0

    private var recordsSinceMaintenance = 0
    private var lastMaintenance: Int64
    private(set) var maintenanceFailures: UInt64 = 0
    private(set) var lastMaintenanceProblem: HistoryWriteProblem?
    private(set) var lastPrune: HistoryPruneResult?

    init(
        connection: SQLiteConnection, path: String, limits: HistoryLimits,
        now: @escaping @Sendable () -> Int64, monotonic: @escaping @Sendable () -> Int64
    ) {
        self.connection = connection
        self.path = path
        self.limits = limits
        self.now = now
        self.monotonic = monotonic
        lastMaintenance = monotonic()
    }

    /// All of `entries` in one transaction, or none of them.
    func record(_ entries: [HistoryEntry]) -> HistoryWriteResult {
        guard !entries.isEmpty else { return .stored }
        guard let connection else {
            return noteFailure(
                HistoryWriteProblem(kind: .closed, code: 0, message: "the history is closed"), entries.count)
        }
        let result: HistoryWriteResult
        do {
            try connection.writeTransaction { () throws(SQLiteError) in
                for entry in entries { try entry.insert(into: connection) }
            }
            result = noteSuccess()
        } catch {
            result = noteFailure(Self.problem(error), entries.count)
        }
        // Failed records count towards the schedule too: when the cause is the page cap (see
        // HistoryOpener), pruning is what makes room again.
        recordsSinceMaintenance += entries.count
        maintainIfDue()
        return result
    }

    private func noteSuccess() -> HistoryWriteResult {
        guard case .failing = health else { return .stored }
        health = .healthy
        defer { droppedWhileFailing = 0 }
        return .recovered(droppedWhileFailing: droppedWhileFailing)
    }

    private func noteFailure(_ problem: HistoryWriteProblem, _ count: Int) -> HistoryWriteResult {
        droppedRecords += UInt64(count)
        droppedWhileFailing += UInt64(count)
        guard case .healthy = health else { return .dropped }
        health = .failing(reason: problem, since: now())
        return .startedFailing(problem)
    }

    private func maintainIfDue() {
        let elapsed = monotonic() - lastMaintenance
        guard
            recordsSinceMaintenance >= limits.maintenanceEveryRecords
                || elapsed >= limits.maintenanceIntervalNanoseconds
        else { return }
        _ = try? maintain()
    }

    /// Pruning by age and size. A failure here drops nothing, so it leaves `health` alone: it is
    /// counted, kept in `lastMaintenanceProblem`, and tried again at the next due time.
    func maintain() throws(SQLiteError) -> HistoryPruneResult {
        recordsSinceMaintenance = 0
        lastMaintenance = monotonic()
        guard let connection else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "the history is closed", operation: "prune")
        }
        do {
            let result = try Pruner.prune(connection, limits: limits, now: now())
            lastPrune = result
            return result
        } catch {
            maintenanceFailures += 1
            lastMaintenanceProblem = Self.problem(error)
            throw error
        }
    }

    func read<T>(_ body: (SQLiteConnection) throws(SQLiteError) -> T) throws(HistoryStoreError) -> T {
        guard let connection else { throw HistoryStoreError("the history \(path) is closed") }
        do {
            return try body(connection)
        } catch {
            throw HistoryStoreError(error)
        }
    }

    /// Closing the last connection checkpoints the log into the database and removes it.
    func close() {
        connection = nil
    }

    static func problem(_ error: SQLiteError) -> HistoryWriteProblem {
        let kind: HistoryWriteProblem.Kind
        switch error.primaryCode {
        case SQLITE_FULL: kind = .diskFull
        case SQLITE_IOERR, SQLITE_CANTOPEN: kind = .ioError
        case SQLITE_READONLY: kind = .readOnly
        case SQLITE_BUSY, SQLITE_LOCKED: kind = .busy
        case SQLITE_CORRUPT, SQLITE_NOTADB: kind = .corrupt
        default: kind = .other
        }
        return HistoryWriteProblem(kind: kind, code: error.code, message: error.message)
    }
}
