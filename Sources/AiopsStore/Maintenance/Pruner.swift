/// Keeps the history inside its limits: rows past the age limit go first, then, while the
/// pages in use exceed the size budget, the oldest rows of every kind (one cutoff time across
/// all tables, so an old alert never outlives a newer exit), then the freed pages are handed
/// back to the file system.
///
/// Why incremental vacuum and not VACUUM: VACUUM rewrites the whole file (64 MiB, and as much
/// free space again, which a nearly full disk does not have); auto_vacuum=INCREMENTAL, set when
/// the file is created, lets `PRAGMA incremental_vacuum` move only the pages at the end of the
/// file into the freed slots and truncate, at a cost proportional to what was freed.
enum Pruner {
    static func prune(
        _ connection: SQLiteConnection, limits: HistoryLimits, now: Int64
    ) throws(SQLiteError) -> HistoryPruneResult {
        let started = StoreClock.monotonicNanoseconds()
        var result = HistoryPruneResult()
        result.deletedByAge = try pruneByAge(
            connection, cutoff: now.subtractingSaturating(limits.maxAgeNanoseconds))
        result.deletedBySize = try pruneBySize(connection, budget: limits.databaseBudgetBytes)
        let free = try connection.integer("PRAGMA freelist_count") ?? 0
        let pages = try connection.integer("PRAGMA page_count") ?? 0
        // Free pages are reused by later inserts anyway; giving them back only matters when
        // there are many (after a size prune, or a day's worth aging out at once).
        if result.deletedBySize > 0 || free >= max(64, pages / 8) {
            try connection.execute("PRAGMA incremental_vacuum")
            let pageSize = try connection.integer("PRAGMA page_size") ?? 4096
            result.reclaimedBytes =
                (pages - (try connection.integer("PRAGMA page_count") ?? pages)) * pageSize
            // In WAL mode the file only shrinks when the log is checkpointed into it. PASSIVE
            // never waits for a reader (`aiops analyze`); what it cannot copy now is copied by
            // the next automatic checkpoint.
            try connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        }
        result.durationNanoseconds = StoreClock.monotonicNanoseconds() - started
        return result
    }

    /// One transaction, one DELETE per table through its time index.
    private static func pruneByAge(_ connection: SQLiteConnection, cutoff: Int64) throws(SQLiteError) -> Int {
        try connection.writeTransaction { () throws(SQLiteError) -> Int in
            var deleted = 0
            for table in Schema.prunedTables {
                try connection.run("DELETE FROM \(table) WHERE time_ns < ?") { bind throws(SQLiteError) in
                    try bind.integer(cutoff)
                }
                deleted += connection.changes
            }
            return deleted
        }
    }

    /// Deletes the oldest rows until the pages in use fit `pruneTargetFraction` of the budget.
    /// Rows differ in size (an exit with its argv against a restart), so each round estimates
    /// how many rows to delete from the average, deletes them, and measures again.
    private static func pruneBySize(_ connection: SQLiteConnection, budget: Int64) throws(SQLiteError) -> Int
    {
        var used = try usedBytes(connection)
        guard used > budget else { return 0 }
        let target = Int64(Double(budget) * HistoryLimits.pruneTargetFraction)
        var deleted = 0
        for _ in 0..<8 where used > target {
            let rows = try rowCount(connection)
            guard rows > 0 else { break }
            let share = Double(used - target) / Double(used)
            let victims = max(1, min(rows, Int((Double(rows) * share).rounded(.up))))
            deleted += try connection.writeTransaction { () throws(SQLiteError) -> Int in
                guard let cutoff = try oldestTimes(connection, offset: victims - 1) else { return 0 }
                var count = 0
                for table in Schema.prunedTables {
                    try connection.run("DELETE FROM \(table) WHERE time_ns <= ?") {
                        bind throws(SQLiteError) in
                        try bind.integer(cutoff)
                    }
                    count += connection.changes
                }
                return count
            }
            used = try usedBytes(connection)
        }
        return deleted
    }

    /// Pages holding data (not on the free list), in bytes.
    static func usedBytes(_ connection: SQLiteConnection) throws(SQLiteError) -> Int64 {
        let pages = try connection.integer("PRAGMA page_count") ?? 0
        let free = try connection.integer("PRAGMA freelist_count") ?? 0
        let pageSize = try connection.integer("PRAGMA page_size") ?? 4096
        return (pages - free) * pageSize
    }

    private static func rowCount(_ connection: SQLiteConnection) throws(SQLiteError) -> Int {
        var total: Int64 = 0
        for table in Schema.prunedTables {
            total += try connection.integer("SELECT COUNT(*) FROM \(table)") ?? 0
        }
        return Int(total)
    }

    /// The time of the (offset + 1)-th oldest record across all tables.
    private static func oldestTimes(_ connection: SQLiteConnection, offset: Int) throws(SQLiteError) -> Int64?
    {
        let union = Schema.prunedTables.map { "SELECT time_ns FROM \($0)" }.joined(separator: " UNION ALL ")
        return try connection.query("\(union) ORDER BY time_ns LIMIT 1 OFFSET ?") {
            bind throws(SQLiteError) in
            try bind.integer(offset)
        } row: { row in
            row.integer()
        }.first ?? nil
    }
}

extension Int64 {
    func subtractingSaturating(_ other: Int64) -> Int64 {
        let (value, overflow) = subtractingReportingOverflow(other)
        return overflow ? (other > 0 ? .min : .max) : value
    }
}
