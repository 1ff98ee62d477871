import AiopsCore
import Synchronization

/// The monitoring daemon's history: abnormal exits with their resource snapshot, restarts of
/// critical processes, alerts and fork storms, in an embedded SQLite database
/// (`defaultPath`, `/var/lib/aiops/history.sqlite`), bounded by age and size (`HistoryLimits`).
///
/// - Opening never trusts what is at the path: a corrupt, truncated, foreign or hostile file is
///   moved aside and reported once (`HistoryOpenReport`), and a new history starts.
/// - Writing never throws: a failed write (full disk, I/O error) drops the record, counts it,
///   and turns `health` to `.failing`; the first failure and the recovery are returned once
///   (`HistoryWriteResult`), and every later write tries again.
/// - Thread safety: every call takes an internal lock, so the store may be shared; the daemon is
///   expected to call it from one serial context, where the lock is never contended. Readers in
///   other processes use `HistoryReader`.
public final class HistoryStore: HistoryReading, Sendable {
    /// Where the daemon keeps its history unless configured otherwise.
    public static let defaultPath = "/var/lib/aiops/history.sqlite"

    public let path: String
    public let limits: HistoryLimits
    private let engine: Mutex<StoreEngine>

    private init(engine: sending StoreEngine) {
        path = engine.path
        limits = engine.limits
        self.engine = Mutex(engine)
    }

    /// Opens (or creates) the history at `path`, creating missing parent directories (0750),
    /// setting aside anything that cannot be trusted, and pruning what is past the limits.
    ///
    /// Throws only when no history can be kept at that path at all (the directory cannot be
    /// created, a damaged file cannot be moved aside, the new file cannot be written, another
    /// process holds the lock): the daemon then reports it and monitors without history.
    public static func open(
        at path: String = defaultPath, limits: HistoryLimits = HistoryLimits()
    ) throws(HistoryStoreError) -> (store: HistoryStore, report: HistoryOpenReport) {
        try open(at: path, limits: limits, now: StoreClock.wallNanoseconds)
    }

    /// `now`: the wall clock (ns since the epoch) used for ages; `monotonic`: the clock that
    /// times the maintenance interval. Tests move both instead of sleeping.
    static func open(
        at path: String, limits: HistoryLimits, now: @escaping @Sendable () -> Int64,
        monotonic: @escaping @Sendable () -> Int64 = StoreClock.monotonicNanoseconds
    ) throws(HistoryStoreError) -> (store: HistoryStore, report: HistoryOpenReport) {
        try FileSystem.createParentDirectories(of: path)
        let path = FileSystem.resolvingParentDirectory(of: path)
        let (connection, outcome) = try HistoryOpener.open(path, limits: limits, now: now())
        let engine = StoreEngine(
            connection: connection, path: path, limits: limits, now: now, monotonic: monotonic)
        // A failed first prune is not a reason to refuse the history: it is retried later and
        // shows in `statistics`.
        let pruned = (try? engine.maintain()) ?? HistoryPruneResult()
        let store = HistoryStore(engine: engine)
        return (store, HistoryOpenReport(path: path, outcome: outcome, pruned: pruned))
    }

    // MARK: Writing

    @discardableResult
    public func record(_ exit: ExitRecord) -> HistoryWriteResult { record([.exit(exit)]) }

    @discardableResult
    public func record(_ alert: Alert) -> HistoryWriteResult { record([.alert(alert)]) }

    @discardableResult
    public func record(_ restart: RestartRecord) -> HistoryWriteResult { record([.restart(restart)]) }

    @discardableResult
    public func record(_ storm: ForkStormRecord) -> HistoryWriteResult { record([.forkStorm(storm)]) }

    /// Several records in one transaction (all stored, or all dropped): much cheaper per record
    /// than one call each when the daemon has a batch.
    @discardableResult
    public func record(_ entries: [HistoryEntry]) -> HistoryWriteResult {
        engine.withLock { $0.record(entries) }
    }

    public var health: HistoryHealth { engine.withLock { $0.health } }

    /// Records dropped because writes failed, since the store was opened.
    public var droppedRecords: UInt64 { engine.withLock { $0.droppedRecords } }

    public var statistics: HistoryStatistics {
        engine.withLock { engine in
            HistoryStatistics(
                bytesOnDisk: FileSize.onDisk(engine.path), droppedRecords: engine.droppedRecords,
                maintenanceFailures: engine.maintenanceFailures,
                lastMaintenanceProblem: engine.lastMaintenanceProblem, lastPrune: engine.lastPrune)
        }
    }

    /// Runs maintenance now (it also runs by itself: see `HistoryLimits`).
    @discardableResult
    public func prune() throws(HistoryStoreError) -> HistoryPruneResult {
        try engine.withLock { engine throws(HistoryStoreError) in
            do throws(SQLiteError) {
                return try engine.maintain()
            } catch {
                throw HistoryStoreError(error)
            }
        }
    }

    /// Checkpoints the log into the database and closes it; later writes are dropped as
    /// `.closed`, later queries throw. Also done when the store is released.
    public func close() {
        engine.withLock { $0.close() }
    }

    // MARK: Reading

    public func exits(_ query: ExitQuery = ExitQuery()) throws(HistoryStoreError) -> [ExitRecord] {
        try engine.withLock { engine throws(HistoryStoreError) in
            try engine.read { connection throws(SQLiteError) in
                try HistoryQueries.exits(query, in: connection)
            }
        }
    }

    public func alerts(
        since: Int64 = .min, kind: Alert.Kind? = nil, limit: Int? = nil
    ) throws(HistoryStoreError) -> [Alert] {
        try engine.withLock { engine throws(HistoryStoreError) in
            try engine.read { connection throws(SQLiteError) in
                try HistoryQueries.alerts(since: since, kind: kind, limit: limit, in: connection)
            }
        }
    }

    public func restarts(
        since: Int64 = .min, target: String? = nil, limit: Int? = nil
    ) throws(HistoryStoreError) -> [RestartRecord] {
        try engine.withLock { engine throws(HistoryStoreError) in
            try engine.read { connection throws(SQLiteError) in
                try HistoryQueries.restarts(since: since, target: target, limit: limit, in: connection)
            }
        }
    }

    public func forkStorms(since: Int64 = .min, limit: Int? = nil) throws(HistoryStoreError)
        -> [ForkStormRecord]
    {
        try engine.withLock { engine throws(HistoryStoreError) in
            try engine.read { connection throws(SQLiteError) in
                try HistoryQueries.forkStorms(since: since, limit: limit, in: connection)
            }
        }
    }
}

/// The store's counters, for the daemon's own metrics.
public struct HistoryStatistics: Hashable, Sendable {
    /// The database file and its write-ahead log.
    public var bytesOnDisk: Int64
    public var droppedRecords: UInt64
    /// Maintenance passes that failed (they drop nothing; they are retried).
    public var maintenanceFailures: UInt64
    public var lastMaintenanceProblem: HistoryWriteProblem?
    public var lastPrune: HistoryPruneResult?
}
