import AiopsCore
import AiopsTestSupport
import Testing

@testable import AiopsStore

/// A history written by a build of schema version 1 (no peak RSS column): the reader reads it as
/// it is, the store upgrades it in place, and no record is lost either way.
@Suite("History schema upgrade from version 1")
struct SchemaUpgradeTests {
    /// Builds the file exactly as a version-1 build did, with one exit in it.
    private func makeVersion1History(at path: String, with record: ExitRecord) throws {
        try FileSystem.createEmptyFile(path)
        let connection = try SQLiteConnection(path: path, access: .readWrite)
        for statement in Schema.migrations[0] { try connection.execute(statement) }
        try connection.execute("PRAGMA application_id = \(Schema.applicationID)")
        try connection.execute("PRAGMA user_version = 1")
        let placeholders = Array(repeating: "?", count: 21).joined(separator: ", ")
        try connection.run("INSERT INTO exits (\(ExitRows.columns)) VALUES (\(placeholders))") {
            bind throws(SQLiteError) in
            try bind.integer(record.unixNanoseconds)
            try bind.integer(record.pid)
            try bind.integer(record.ppid)
            try bind.integer(record.uid)
            try bind.blob(record.comm.bytes)
            try bind.blob(ArgvCoding.encode(record.argv))
            try bind.integer(record.startUnixNanoseconds)
            try bind.text(record.unit)
            try bind.integer(record.status?.waitStatus)
            try bind.integer(1)
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
        }
    }

    private var oldRecord: ExitRecord {
        var record = Records.exit(at: TestClock.start)
        record.peakResidentBytes = nil
        return record
    }

    @Test("the reader reads a version-1 file without migrating it: the peak is unknown, the rest intact")
    func readerReadsVersion1() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("history.sqlite")
        try makeVersion1History(at: path, with: oldRecord)
        let reader = try HistoryReader.open(at: path)
        #expect(reader.schemaVersion == 1)
        #expect(try reader.exits() == [oldRecord])
        let connection = try SQLiteConnection(path: path, access: .readOnly)
        #expect(try connection.integer("PRAGMA user_version") == 1)
    }

    @Test("the store upgrades a version-1 file in place and keeps its records; new ones carry the peak")
    func storeUpgradesVersion1() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("history.sqlite")
        try makeVersion1History(at: path, with: oldRecord)
        let (store, report) = try openStore(in: directory)
        #expect(report.outcome == .opened(migratedFrom: 1))
        let newer = Records.exit(at: TestClock.start + 1, pid: 4343)
        #expect(newer.peakResidentBytes != nil)
        #expect(store.record(newer) == .stored)
        #expect(try store.exits() == [newer, oldRecord])
        store.close()
        let reader = try HistoryReader.open(at: path)
        #expect(reader.schemaVersion == Schema.currentVersion)
        #expect(try reader.exits() == [newer, oldRecord])
    }
}
