import AiopsCore

/// RestartRecord <-> a row of `restarts`.
enum RestartRows {
    static let columns = "time_ns, target, old_pid, new_pid, downtime_s"

    static func insert(_ record: RestartRecord, into connection: SQLiteConnection) throws(SQLiteError) {
        try connection.run("INSERT INTO restarts (\(columns)) VALUES (?, ?, ?, ?, ?)") {
            bind throws(SQLiteError) in
            try bind.integer(record.unixNanoseconds)
            try bind.text(record.target)
            try bind.integer(record.oldPID)
            try bind.integer(record.newPID)
            try bind.real(record.downtimeSeconds)
        }
    }

    static func decode(_ row: inout SQLiteRow) -> RestartRecord? {
        guard let time = row.integer(), let target = row.text(), let oldPID = row.integer(as: Int32.self),
            let newPID = row.integer(as: Int32.self)
        else { return nil }
        return RestartRecord(
            unixNanoseconds: time, target: target, oldPID: oldPID, newPID: newPID,
            downtimeSeconds: row.realOrNaN())
    }
}
