import AiopsCore

/// ForkStormRecord <-> a row of `fork_storms`.
enum ForkStormRows {
    static let columns = "time_ns, parent_pid, parent_comm, unit, rate, baseline_rate, window_s"

    static func insert(_ record: ForkStormRecord, into connection: SQLiteConnection) throws(SQLiteError) {
        try connection.run("INSERT INTO fork_storms (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?)") {
            bind throws(SQLiteError) in
            try bind.integer(record.unixNanoseconds)
            try bind.integer(record.parentPID)
            try bind.blob(record.parentComm.bytes)
            try bind.text(record.unit)
            try bind.real(record.rate)
            try bind.real(record.baselineRate)
            try bind.real(record.windowSeconds)
        }
    }

    static func decode(_ row: inout SQLiteRow) -> ForkStormRecord? {
        guard let time = row.integer(), let parentPID = row.integer(as: Int32.self), let comm = row.blob()
        else {
            return nil
        }
        let unit = row.text()
        return ForkStormRecord(
            unixNanoseconds: time, parentPID: parentPID, parentComm: UntrustedText(bytes: comm), unit: unit,
            rate: row.realOrNaN(), baselineRate: row.realOrNaN(), windowSeconds: row.realOrNaN())
    }
}
