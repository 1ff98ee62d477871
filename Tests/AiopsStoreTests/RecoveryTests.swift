import AiopsCore
import AiopsTestSupport
import Foundation
import Testing

@testable import AiopsStore

/// Every file the store must not trust is moved aside with its bytes intact, reported once, and
/// replaced by a new history that works.
@Suite("History recovery at open")
struct RecoveryTests {
    /// Opens the store over whatever the test left at `history.sqlite` and checks the common
    /// promises: recovered, the original at `<path>.corrupt-<stamp>`, a working new history.
    @discardableResult
    func expectRecovered(
        _ directory: TemporaryDirectory, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> HistoryRecovery {
        let path = directory.file("history.sqlite")
        let clock = TestClock()
        let (store, report) = try HistoryStore.open(at: path, limits: HistoryLimits(), now: clock.function)
        guard case .recovered(let recovery) = report.outcome else {
            Issue.record("not recovered: \(report)", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        #expect(recovery.movedTo == path + ".corrupt-20261125T033327Z", sourceLocation: sourceLocation)
        let alert = try #require(report.alert(at: clock.now), sourceLocation: sourceLocation)
        #expect(alert.kind == .monitorProblem, sourceLocation: sourceLocation)
        #expect(alert.summary.contains(recovery.movedTo), sourceLocation: sourceLocation)
        // The new history works.
        let exit = Records.exit(at: clock.now)
        #expect(store.record(exit) == .stored, sourceLocation: sourceLocation)
        #expect(try store.exits() == [exit], sourceLocation: sourceLocation)
        store.close()
        // And it is trusted at the next open: reported once, not again.
        let (_, again) = try HistoryStore.open(at: path, limits: HistoryLimits(), now: clock.function)
        #expect(again.outcome == .opened(migratedFrom: nil), sourceLocation: sourceLocation)
        return recovery
    }

    @Test("random bytes: not SQLite")
    func randomBytes() throws {
        let directory = TemporaryDirectory()
        var generator = SeededGenerator(seed: 7)
        let bytes = (0..<8192).map { _ in UInt8.random(in: 0...255, using: &generator) }
        writeFile(directory.file("history.sqlite"), bytes)
        let recovery = try expectRecovered(directory)
        #expect(recovery.damage == .notSQLite)
        #expect(fileBytes(recovery.movedTo) == bytes)
    }

    @Test("an SQLite header followed by garbage fails the integrity check")
    func headerThenGarbage() throws {
        let directory = TemporaryDirectory()
        let real = try storeBytes(records: 300)
        var generator = SeededGenerator(seed: 8)
        var bytes = Array(real.prefix(100))
        bytes += (100..<real.count).map { _ in UInt8.random(in: 0...255, using: &generator) }
        writeFile(directory.file("history.sqlite"), bytes)
        let recovery = try expectRecovered(directory)
        #expect(fileBytes(recovery.movedTo) == bytes)
        #expect(recovery.damage.code == "failed_integrity_check", "\(recovery.damage)")
    }

    @Test("a real history cut to half its size: truncated")
    func truncatedHalf() throws {
        let directory = TemporaryDirectory()
        let real = try storeBytes(records: 2000)
        let half = Array(real.prefix(real.count / 2))
        writeFile(directory.file("history.sqlite"), half)
        let recovery = try expectRecovered(directory)
        #expect(
            recovery.damage == .truncated(expectedBytes: Int64(real.count), actualBytes: Int64(half.count)))
        #expect(fileBytes(recovery.movedTo) == half)
    }

    @Test("a history cut inside its header: truncated")
    func truncatedHeader() throws {
        let directory = TemporaryDirectory()
        let cut = Array(try storeBytes(records: 1).prefix(40))
        writeFile(directory.file("history.sqlite"), cut)
        let recovery = try expectRecovered(directory)
        #expect(recovery.damage == .truncated(expectedBytes: 512, actualBytes: 40))
        #expect(fileBytes(recovery.movedTo) == cut)
    }

    @Test("damaged pages inside a well-formed file fail the integrity check")
    func damagedPages() throws {
        let directory = TemporaryDirectory()
        var bytes = try storeBytes(records: 2000)
        // Overwrite pages 4 to 9 with a pattern: b-tree pages of the tables and indexes.
        for index in 4 * 4096..<10 * 4096 { bytes[index] = 0x55 }
        writeFile(directory.file("history.sqlite"), bytes)
        let recovery = try expectRecovered(directory)
        #expect(recovery.damage.code == "failed_integrity_check", "\(recovery.damage)")
        #expect(fileBytes(recovery.movedTo) == bytes)
    }

    @Test("another application's SQLite database is foreign, and left byte-identical")
    func foreignDatabase() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("history.sqlite")
        try makeDatabase(
            path,
            [
                "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)",
                "INSERT INTO users VALUES (1, 'alice')",
            ])
        let before = try #require(fileBytes(path))
        let recovery = try expectRecovered(directory)
        guard case .foreignDatabase(let detail) = recovery.damage else {
            Issue.record("\(recovery.damage)")
            return
        }
        #expect(detail.contains("table users"))
        #expect(fileBytes(recovery.movedTo) == before)
    }

    @Test("an aiops history with a trigger aiops does not create is not trusted")
    func extraTrigger() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("history.sqlite")
        let (store, _) = try openStore(in: directory)
        store.close()
        try makeDatabase(
            path,
            [
                "CREATE TRIGGER spy AFTER INSERT ON exits BEGIN DELETE FROM alerts; END"
            ])
        let recovery = try expectRecovered(directory)
        #expect(recovery.damage == .foreignDatabase("it has a trigger spy that aiops does not create"))
    }

    @Test("a history from a newer aiops is set aside, not downgraded")
    func newerSchema() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("history.sqlite")
        let (store, _) = try openStore(in: directory)
        store.close()
        try makeDatabase(path, ["PRAGMA user_version = 99"])
        let recovery = try expectRecovered(directory)
        #expect(recovery.damage == .newerSchema(version: 99))
    }

    @Test("a symbolic link to /etc/passwd is moved aside itself, never followed")
    func symlinkToPasswd() throws {
        let directory = TemporaryDirectory()
        let before = try #require(fileBytes("/etc/passwd"))
        var passwdBefore = stat()
        lstat("/etc/passwd", &passwdBefore)
        #expect(symlink("/etc/passwd", directory.file("history.sqlite")) == 0)
        let recovery = try expectRecovered(directory)
        #expect(recovery.damage == .notRegularFile(kind: "a symbolic link to /etc/passwd"))
        #expect(readLink(recovery.movedTo) == "/etc/passwd")
        #expect(fileBytes("/etc/passwd") == before)
        var passwdAfter = stat()
        lstat("/etc/passwd", &passwdAfter)
        #expect(passwdAfter.st_mtim.tv_sec == passwdBefore.st_mtim.tv_sec)
        #expect(passwdAfter.st_mtim.tv_nsec == passwdBefore.st_mtim.tv_nsec)
    }

    @Test("a symbolic link to another (valid) history is moved aside too; its target is untouched")
    func symlinkToHistory() throws {
        let directory = TemporaryDirectory()
        let (other, _) = try openStore(in: directory, name: "other.sqlite")
        other.record(Records.exit(at: 1))
        other.close()
        let before = try #require(fileBytes(directory.file("other.sqlite")))
        #expect(symlink(directory.file("other.sqlite"), directory.file("history.sqlite")) == 0)
        let recovery = try expectRecovered(directory)
        #expect(recovery.damage.code == "not_regular_file")
        #expect(fileBytes(directory.file("other.sqlite")) == before)
        #expect(readLink(recovery.movedTo) == directory.file("other.sqlite"))
    }

    @Test("a dangling symbolic link is moved aside")
    func danglingSymlink() throws {
        let directory = TemporaryDirectory()
        #expect(symlink(directory.file("nowhere"), directory.file("history.sqlite")) == 0)
        try expectRecovered(directory)
        #expect(!exists(directory.file("nowhere")))
    }

    @Test("a directory at the path is moved aside with its contents")
    func directoryAtPath() throws {
        let directory = TemporaryDirectory()
        #expect(mkdir(directory.file("history.sqlite"), 0o755) == 0)
        writeFile(directory.file("history.sqlite/keep"), [1, 2, 3])
        let recovery = try expectRecovered(directory)
        #expect(recovery.damage == .notRegularFile(kind: "a directory"))
        #expect(fileBytes(recovery.movedTo + "/keep") == [1, 2, 3])
    }

    @Test("a FIFO at the path is moved aside without blocking")
    func fifoAtPath() throws {
        let directory = TemporaryDirectory()
        #expect(mkfifo(directory.file("history.sqlite"), 0o600) == 0)
        let recovery = try expectRecovered(directory)
        #expect(recovery.damage == .notRegularFile(kind: "a FIFO"))
        var info = stat()
        #expect(lstat(recovery.movedTo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
    }

    @Test("a -wal companion that is a symbolic link is never written through")
    func walSymlink() throws {
        let directory = TemporaryDirectory()
        let (store, _) = try openStore(in: directory)
        store.record(Records.exit(at: 1))
        store.close()
        let database = try #require(fileBytes(directory.file("history.sqlite")))
        writeFile(directory.file("victim"), Array("precious".utf8))
        #expect(symlink(directory.file("victim"), directory.file("history.sqlite-wal")) == 0)
        let recovery = try expectRecovered(directory)
        #expect(recovery.damage.code == "companion_not_regular_file")
        #expect(fileBytes(directory.file("victim")) == Array("precious".utf8))
        #expect(fileBytes(recovery.movedTo) == database)
        #expect(readLink(recovery.movedTo + "-wal") == directory.file("victim"))
        #expect(recovery.movedCompanions == [recovery.movedTo + "-wal"])
    }

    @Test("a -wal left without its database is moved aside before a new file is created")
    func orphanedWAL() throws {
        let directory = TemporaryDirectory()
        writeFile(directory.file("history.sqlite-wal"), [9, 9, 9])
        let recovery = try expectRecovered(directory)
        #expect(recovery.damage == .orphanedCompanions)
        #expect(fileBytes(recovery.movedTo + "-wal") == [9, 9, 9])
        #expect(!exists(recovery.movedTo))
    }

    @Test("a mode-000 file is unreadable to a non-root file-system user: moved aside, bytes intact")
    func unreadableFile() throws {
        let directory = TemporaryDirectory()
        chmod(directory.path, 0o777)
        let path = directory.file("history.sqlite")
        let bytes = try storeBytes(records: 10)
        writeFile(path, bytes)
        chmod(path, 0)
        let clock = TestClock()
        let outcome = asFilesystemUser(65534) { () -> Result<HistoryOpenReport.Outcome, HistoryStoreError> in
            Result { () throws(HistoryStoreError) in
                let (store, report) = try HistoryStore.open(
                    at: path, limits: HistoryLimits(), now: clock.function)
                store.close()
                return report.outcome
            }
        }
        guard case .success(.recovered(let recovery)) = outcome else {
            Issue.record("\(outcome)")
            return
        }
        #expect(recovery.damage == .unreadable("Permission denied"))
        #expect(fileBytes(recovery.movedTo) == bytes)
    }

    @Test("as root, a mode-000 history is readable (CAP_DAC_OVERRIDE): it is opened, not moved")
    func modeZeroAsRoot() throws {
        try #require(getuid() == 0, "needs root")
        let directory = TemporaryDirectory()
        let (store, _) = try openStore(in: directory)
        store.record(Records.exit(at: TestClock.start))
        store.close()
        chmod(directory.file("history.sqlite"), 0)
        let (reopened, report) = try openStore(in: directory)
        #expect(report.outcome == .opened(migratedFrom: nil))
        #expect(try reopened.exits().count == 1)
    }

    @Test("an empty file is initialized in place, not reported")
    func emptyFile() throws {
        let directory = TemporaryDirectory()
        writeFile(directory.file("history.sqlite"), [])
        let (store, report) = try openStore(in: directory)
        #expect(report.outcome == .created)
        #expect(store.record(Records.exit(at: 1)) == .stored)
    }

    @Test("a history whose data is still in its -wal (the daemon was killed) is opened with all its data")
    func hotWriteAheadLog() throws {
        let directory = TemporaryDirectory()
        let (store, _) = try openStore(in: directory, name: "live.sqlite")
        let records = (0..<200).map { Records.exit(at: TestClock.start + Int64($0), pid: Int32($0)) }
        store.record(records.map(HistoryEntry.exit))
        // A copy taken while the store is open: what a SIGKILL leaves behind.
        #expect(exists(directory.file("live.sqlite-wal")))
        for suffix in ["", "-wal"] {
            let bytes = try #require(fileBytes(directory.file("live.sqlite" + suffix)))
            writeFile(directory.file("history.sqlite" + suffix), bytes)
        }
        store.close()
        let (copy, report) = try openStore(in: directory)
        #expect(report.outcome == .opened(migratedFrom: nil))
        #expect(try copy.exits() == records.reversed())
    }

    @Test("two recoveries in the same second get distinct names; nothing is overwritten")
    func sameSecond() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("history.sqlite")
        writeFile(path, [1])
        let first = try expectRecovered(directory)
        _ = first
        // expectRecovered reopened the new history cleanly; damage it again.
        for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
        writeFile(path, [2])
        let (_, report) = try HistoryStore.open(at: path, limits: HistoryLimits(), now: TestClock().function)
        guard case .recovered(let second) = report.outcome else {
            Issue.record("\(report)")
            return
        }
        #expect(second.movedTo == path + ".corrupt-20261125T033327Z.1")
        #expect(fileBytes(path + ".corrupt-20261125T033327Z") == [1])
        #expect(fileBytes(second.movedTo) == [2])
    }

    @Test("the reader refuses a damaged file and leaves it exactly as it was")
    func readerDoesNotTouch() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("history.sqlite")
        writeFile(path, Array("not a database at all".utf8))
        #expect(throws: HistoryStoreError.self) { try HistoryReader.open(at: path) }
        #expect(fileBytes(path) == Array("not a database at all".utf8))
        #expect(throws: HistoryStoreError.self) {
            try HistoryReader.open(at: directory.file("missing.sqlite"))
        }
        #expect(!exists(directory.file("missing.sqlite")))
    }

    // MARK: Helpers

    /// The bytes of a closed history holding `records` exits.
    func storeBytes(records: Int) throws -> [UInt8] {
        let directory = TemporaryDirectory()
        let (store, _) = try openStore(in: directory)
        store.record((0..<records).map { .exit(Records.exit(at: Int64($0), pid: Int32($0))) })
        store.close()
        return try #require(fileBytes(directory.file("history.sqlite")))
    }

    /// Runs SQL on a database file (created if missing), outside the store.
    func makeDatabase(_ path: String, _ statements: [String]) throws {
        if !exists(path) { try FileSystem.createEmptyFile(path) }
        let connection = try SQLiteConnection(path: path, access: .readWrite)
        for statement in statements { try connection.execute(statement) }
    }

    func readLink(_ path: String) -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let length = readlink(path, &buffer, buffer.count)
        return length < 0 ? nil : String(decoding: buffer[0..<length], as: UTF8.self)
    }
}
