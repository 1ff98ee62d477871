import AiopsCore

/// ExitRecord <-> a row of `exits`.
enum ExitRows {
    /// In the order `bind` writes them and `decode` reads them.
    static let columns = """
        time_ns, pid, ppid, uid, comm, argv, start_ns, unit, wait_status, abnormal, killer_pid, \
        killer_comm, snapshot_boot_ns, cpu_ns, resident_bytes, virtual_bytes, read_bytes, \
        write_bytes, threads, open_files, source
        """

    static let insertSQL =
        "INSERT INTO exits (\(columns), peak_resident_bytes) VALUES "
        + "(\(Array(repeating: "?", count: 22).joined(separator: ", ")))"

    /// What a SELECT reads, in `decode`'s order, from a file of `version`: a version-1 file (an
    /// older daemon's, opened read-only and so not migrated) has no peak column.
    static func selectColumns(version: Int) -> String {
        columns + (version >= 2 ? ", peak_resident_bytes" : ", NULL AS peak_resident_bytes")
    }

    static func insert(_ record: ExitRecord, into connection: SQLiteConnection) throws(SQLiteError) {
        try connection.run(insertSQL) { bind throws(SQLiteError) in
            try bind.integer(record.unixNanoseconds)
            try bind.integer(record.pid)
            try bind.integer(record.ppid)
            try bind.integer(record.uid)
            try bind.blob(record.comm.bytes)
            try bind.blob(ArgvCoding.encode(record.argv))
            try bind.integer(record.startUnixNanoseconds)
            try bind.text(record.unit)
            // The raw wait status, so a later build can decode what this one did not.
            try bind.integer(record.status?.waitStatus)
            // Kept as a column (not recomputed in SQL) so ExitStatus stays the one definition
            // of "abnormal"; an unknown status is not counted as abnormal.
            try bind.integer(record.status?.isAbnormal == true ? 1 : 0)
            try bind.integer(record.killerPID)
            try bind.blob(record.killerComm?.bytes)
            let snapshot = record.snapshot
            try bind.integer(snapshot?.time.nanoseconds)
            try bind.integer(snapshot?.cpuNanoseconds)
            try bind.integer(snapshot?.residentBytes)
            try bind.integer(snapshot?.virtualBytes)
            try bind.integer(snapshot?.readBytes)
            try bind.integer(snapshot?.writeBytes)
            try bind.integer(snapshot?.threads)
            try bind.integer(snapshot?.openFiles)
            try bind.text(record.source.rawValue)
            try bind.integer(record.peakResidentBytes)
        }
    }

    /// nil for a row no build of aiops wrote (values out of range, an unknown source, a
    /// malformed argv): such rows are skipped by queries rather than guessed at.
    static func decode(_ row: inout SQLiteRow) -> ExitRecord? {
        guard let time = row.integer(), let pid = row.integer(as: Int32.self) else { return nil }
        let ppid = row.integer(as: Int32.self)
        let uid = row.integer(as: UInt32.self)
        guard let comm = row.blob(), let argvBlob = row.blob(), let argv = ArgvCoding.decode(argvBlob) else {
            return nil
        }
        let start = row.integer()
        let unit = row.text()
        let status = row.integer(as: UInt32.self).map(ExitStatus.init(waitStatus:))
        _ = row.integer()  // abnormal: derived from the status
        let killerPID = row.integer(as: Int32.self)
        let killerComm = row.blob().map(UntrustedText.init(bytes:))
        let snapshotTime = row.unsigned()
        let cpu = row.unsigned()
        let resident = row.unsigned()
        let virtual = row.unsigned()
        let read = row.unsigned()
        let write = row.unsigned()
        let threads = row.integer(as: Int.self)
        let openFiles = row.integer(as: Int.self)
        guard let source = row.text().flatMap(EventSource.init(rawValue:)) else { return nil }
        let peak = row.unsigned()
        let snapshot = snapshotTime.map {
            ResourceSnapshot(
                time: BootInstant(nanoseconds: $0), cpuNanoseconds: cpu, residentBytes: resident,
                virtualBytes: virtual, readBytes: read, writeBytes: write, threads: threads,
                openFiles: openFiles)
        }
        return ExitRecord(
            unixNanoseconds: time, pid: pid, ppid: ppid, uid: uid, comm: UntrustedText(bytes: comm),
            argv: argv,
            startUnixNanoseconds: start, unit: unit, status: status, killerPID: killerPID,
            killerComm: killerComm, snapshot: snapshot, peakResidentBytes: peak, source: source)
    }
}
