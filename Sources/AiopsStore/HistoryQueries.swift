import AiopsCore

/// The SQL behind `HistoryReading`, shared by the store and the reader. Filters are fixed SQL
/// fragments with bound values; nothing from a query is ever spliced into SQL text.
enum HistoryQueries {
    /// `version`: the file's schema version (the store's is always current; a reader may hold
    /// an older daemon's file).
    static func exits(
        _ query: ExitQuery, version: Int = Schema.currentVersion, in connection: SQLiteConnection
    ) throws(SQLiteError) -> [ExitRecord] {
        var conditions: [String] = []
        if query.since != nil { conditions.append("time_ns >= ?") }
        if query.onlyAbnormal { conditions.append("abnormal = 1") }
        if query.pid != nil { conditions.append("pid = ?") }
        if query.comm != nil { conditions.append("comm = ?") }
        if query.unit != nil { conditions.append("unit = ?") }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let sql =
            "SELECT \(ExitRows.selectColumns(version: version)) FROM exits\(filter) ORDER BY time_ns DESC, id DESC LIMIT ?"
        return try connection.readTransaction { () throws(SQLiteError) in
            try connection.query(sql) { bind throws(SQLiteError) in
                if let since = query.since { try bind.integer(since) }
                if let pid = query.pid { try bind.integer(pid) }
                if let comm = query.comm { try bind.blob(comm.bytes) }
                if let unit = query.unit { try bind.text(unit) }
                try bind.integer(sqlLimit(query.limit))
            } row: { row in
                ExitRows.decode(&row)
            }.compactMap { $0 }
        }
    }

    static func alerts(
        since: Int64, kind: Alert.Kind?, limit: Int?, in connection: SQLiteConnection
    ) throws(SQLiteError) -> [Alert] {
        let filter = kind == nil ? "" : " AND kind = ?"
        let sql = """
            SELECT id, \(AlertRows.columns) FROM alerts WHERE time_ns >= ?\(filter) \
            ORDER BY time_ns DESC, id DESC LIMIT ?
            """
        return try connection.readTransaction { () throws(SQLiteError) -> [Alert] in
            let rows = try connection.query(sql) { bind throws(SQLiteError) in
                try bind.integer(since)
                if let kind { try bind.text(kind.rawValue) }
                try bind.integer(sqlLimit(limit))
            } row: { row -> (Int64, Alert)? in
                guard let id = row.integer(), let alert = AlertRows.decode(&row) else { return nil }
                return (id, alert)
            }
            var alerts: [Alert] = []
            for case let (id, alert)? in rows {
                guard let facts = try AlertRows.facts(of: id, in: connection) else { continue }
                var complete = alert
                complete.facts = facts
                alerts.append(complete)
            }
            return alerts
        }
    }

    static func restarts(
        since: Int64, target: String?, limit: Int?, in connection: SQLiteConnection
    ) throws(SQLiteError) -> [RestartRecord] {
        let filter = target == nil ? "" : " AND target = ?"
        let sql = """
            SELECT \(RestartRows.columns) FROM restarts WHERE time_ns >= ?\(filter) \
            ORDER BY time_ns DESC, id DESC LIMIT ?
            """
        return try connection.readTransaction { () throws(SQLiteError) in
            try connection.query(sql) { bind throws(SQLiteError) in
                try bind.integer(since)
                if let target { try bind.text(target) }
                try bind.integer(sqlLimit(limit))
            } row: { row in
                RestartRows.decode(&row)
            }.compactMap { $0 }
        }
    }

    static func forkStorms(
        since: Int64, limit: Int?, in connection: SQLiteConnection
    ) throws(SQLiteError) -> [ForkStormRecord] {
        let sql = """
            SELECT \(ForkStormRows.columns) FROM fork_storms WHERE time_ns >= ? \
            ORDER BY time_ns DESC, id DESC LIMIT ?
            """
        return try connection.readTransaction { () throws(SQLiteError) in
            try connection.query(sql) { bind throws(SQLiteError) in
                try bind.integer(since)
                try bind.integer(sqlLimit(limit))
            } row: { row in
                ForkStormRows.decode(&row)
            }.compactMap { $0 }
        }
    }

    /// LIMIT -1 is SQLite's "no limit".
    private static func sqlLimit(_ limit: Int?) -> Int {
        guard let limit else { return -1 }
        return max(0, limit)
    }
}
