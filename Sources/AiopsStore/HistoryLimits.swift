/// How much history is kept, and how often the store checks.
public struct HistoryLimits: Hashable, Sendable {
    /// Rows older than this (by their own time) are deleted.
    public var maxAge: Duration
    /// The most the database may take on disk, its write-ahead log included. When the data
    /// outgrows it, the oldest rows (of every kind, by time) are deleted until it is back under
    /// `pruneTargetFraction` of the budget, and the freed pages are given back to the file system.
    /// Between two maintenance passes it can overshoot by what was recorded meanwhile; the file
    /// can never exceed twice this size (SQLite's page cap).
    public var maxBytes: Int64
    /// Maintenance (pruning by age and size) runs when the store opens, then after this many
    /// records or `maintenanceInterval`, whichever comes first, on the write that crosses it.
    public var maintenanceEveryRecords: Int
    public var maintenanceInterval: Duration

    public init(
        maxAge: Duration = .seconds(30 * 24 * 3600), maxBytes: Int64 = 64 << 20,
        maintenanceEveryRecords: Int = 500, maintenanceInterval: Duration = .seconds(60)
    ) {
        self.maxAge = maxAge
        self.maxBytes = maxBytes
        self.maintenanceEveryRecords = maintenanceEveryRecords
        self.maintenanceInterval = maintenanceInterval
    }

    /// Pruning by size goes this far below the budget, so it does not run again on the next
    /// few inserts.
    static let pruneTargetFraction = 0.8

    /// The share of `maxBytes` left to the write-ahead log: the log is checkpointed into the
    /// database at half of it and truncated back to half of it afterwards.
    var walBudgetBytes: Int64 { max(64 << 10, maxBytes / 8) }

    /// What the database pages themselves may take.
    var databaseBudgetBytes: Int64 { max(64 << 10, maxBytes - walBudgetBytes) }

    /// The database's page cap (PRAGMA max_page_count): a safety net far above the budget.
    var hardCapBytes: Int64 {
        max(1 << 20, maxBytes.multipliedReportingOverflow(by: 2).overflow ? .max : maxBytes * 2)
    }

    var maxAgeNanoseconds: Int64 { maxAge.nanoseconds }
    var maintenanceIntervalNanoseconds: Int64 { maintenanceInterval.nanoseconds }
}

extension Duration {
    /// Saturating: a limit of "forever" must not overflow.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (total, overflowAdding) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflowAdding ? (scaled < 0 ? .min : .max) : total
    }
}
