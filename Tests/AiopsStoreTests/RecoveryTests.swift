import AiopsCore
import AiopsTestSupport
import CSQLite
import Foundation
import Testing

@testable import AiopsStore

/// An aiops history proven damaged is moved aside with its bytes intact, reported once, and
/// replaced by a new history that works. Anything aiops cannot prove it created is refused and
/// left exactly as it was; a file that merely cannot be opened is never moved.
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

    /// Opens the store over what is at `name` and checks the promises of a refusal: the error
    /// says why and is of kind `.refused`, and nothing in the directory changed (no file moved,
    /// none created, the bytes and the inode of what was there as they were).
    @discardableResult
    func expectRefused(
        _ directory: TemporaryDirectory, name: String = "history.sqlite",
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> HistoryStoreError {
        let path = directory.file(name)
        let before = DirectoryState(directory.path)
        let error = #expect(throws: HistoryStoreError.self, sourceLocation: sourceLocation) {
            try HistoryStore.open(at: path, limits: HistoryLimits(), now: TestClock().function)
        }
        #expect(error?.kind == .refused, "\(String(describing: error))", sourceLocation: sourceLocation)
        #expect(error?.message.contains("refusing the history") == true, sourceLocation: sourceLocation)
        #expect(DirectoryState(directory.path) == before, sourceLocation: sourceLocation)
        return try #require(error, sourceLocation: sourceLocation)
    }

    @Test("random bytes are not aiops's: refused, untouched")
    func randomBytes() throws {
        let directory = TemporaryDirectory()
        var generator = SeededGenerator(seed: 7)
        let bytes = (0..<8192).map { _ in UInt8.random(in: 0...255, using: &generator) }
        writeFile(directory.file("history.sqlite"), bytes)
        let error = try expectRefused(directory)
        #expect(error.message.contains("is not an SQLite database"))
    }

    @Test("a copy of /etc/passwd given as the history is refused and left as it was")
    func passwdCopy() throws {
        let directory = TemporaryDirectory()
        let passwd = try #require(fileBytes("/etc/passwd"))
        writeFile(directory.file("passwd"), passwd)
        let error = try expectRefused(directory, name: "passwd")
        #expect(error.message.contains("not an SQLite database"))
        #expect(fileBytes(directory.file("passwd")) == passwd)
    }

    @Test("a device node (a /dev/null of the test's own) is refused; the node stays where it was")
    func deviceNode() throws {
        try #require(getuid() == 0, "mknod needs root (CI runs as root)")
        let directory = TemporaryDirectory()
        let path = directory.file("null")
        #expect(mknod(path, S_IFCHR | 0o666, deviceNumber(major: 1, minor: 3)) == 0, "mknod: \(errno)")
        let error = try expectRefused(directory, name: "null")
        #expect(error.message.contains("a character device"))
        var info = stat()
        #expect(
            lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFCHR
                && info.st_rdev == deviceNumber(major: 1, minor: 3))
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

    @Test("a history cut inside its header can no longer be told from another file: refused")
    func truncatedHeader() throws {
        let directory = TemporaryDirectory()
        let cut = Array(try storeBytes(records: 1).prefix(40))
        writeFile(directory.file("history.sqlite"), cut)
        let error = try expectRefused(directory)
        #expect(error.message.contains("is truncated: 40 bytes"))
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

    @Test("another application's SQLite database is refused and left byte-identical")
    func foreignDatabase() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("history.sqlite")
        try makeDatabase(
            path,
            [
                "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)",
                "INSERT INTO users VALUES (1, 'alice')",
            ])
        let error = try expectRefused(directory)
        #expect(error.message.contains("table users"), "\(error)")
    }

    @Test("an SQLite database with another application id is refused by its header")
    func otherApplicationID() throws {
        let directory = TemporaryDirectory()
        try makeDatabase(directory.file("history.sqlite"), ["PRAGMA application_id = 1234"])
        let error = try expectRefused(directory)
        #expect(error.message.contains("application id 0x000004d2"), "\(error)")
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

    @Test("a history from a newer aiops is refused: neither downgraded nor set aside")
    func newerSchema() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("history.sqlite")
        let (store, _) = try openStore(in: directory)
        store.close()
        try makeDatabase(path, ["PRAGMA user_version = 99"])
        var before = stat()
        lstat(path, &before)
        // SQLite's read-only look at a WAL-mode database makes its -wal and -shm, so only the
        // database itself is compared here.
        let error = #expect(throws: HistoryStoreError.self) {
            try HistoryStore.open(at: path, limits: HistoryLimits(), now: TestClock().function)
        }
        #expect(error?.kind == .refused)
        #expect(
            error?.message.contains("newer aiops (schema version 99") == true, "\(String(describing: error))")
        var after = stat()
        lstat(path, &after)
        #expect(after.st_ino == before.st_ino && after.st_size == before.st_size)
        #expect(
            after.st_mtim.tv_nsec == before.st_mtim.tv_nsec && after.st_mtim.tv_sec == before.st_mtim.tv_sec)
        #expect(DirectoryState(directory.path).names.allSatisfy { !$0.contains("corrupt") })
    }

    @Test("a symbolic link to /etc/passwd is refused, never followed; link and target untouched")
    func symlinkToPasswd() throws {
        let directory = TemporaryDirectory()
        let before = try #require(fileBytes("/etc/passwd"))
        var passwdBefore = stat()
        lstat("/etc/passwd", &passwdBefore)
        #expect(symlink("/etc/passwd", directory.file("history.sqlite")) == 0)
        let error = try expectRefused(directory)
        #expect(error.message.contains("a symbolic link to /etc/passwd"))
        #expect(readLink(directory.file("history.sqlite")) == "/etc/passwd")
        #expect(fileBytes("/etc/passwd") == before)
        var passwdAfter = stat()
        lstat("/etc/passwd", &passwdAfter)
        #expect(passwdAfter.st_mtim.tv_sec == passwdBefore.st_mtim.tv_sec)
        #expect(passwdAfter.st_mtim.tv_nsec == passwdBefore.st_mtim.tv_nsec)
    }

    @Test("a symbolic link to another (valid) history is refused; its target is untouched")
    func symlinkToHistory() throws {
        let directory = TemporaryDirectory()
        let (other, _) = try openStore(in: directory, name: "other.sqlite")
        other.record(Records.exit(at: 1))
        other.close()
        #expect(symlink(directory.file("other.sqlite"), directory.file("history.sqlite")) == 0)
        let error = try expectRefused(directory)
        #expect(error.message.contains("not a regular file"))
    }

    @Test("a dangling symbolic link is refused, and nothing is created where it points")
    func danglingSymlink() throws {
        let directory = TemporaryDirectory()
        #expect(symlink(directory.file("nowhere"), directory.file("history.sqlite")) == 0)
        try expectRefused(directory)
        #expect(!exists(directory.file("nowhere")))
    }

    @Test("a directory at the path is refused")
    func directoryAtPath() throws {
        let directory = TemporaryDirectory()
        #expect(mkdir(directory.file("history.sqlite"), 0o755) == 0)
        writeFile(directory.file("history.sqlite/keep"), [1, 2, 3])
        let error = try expectRefused(directory)
        #expect(error.message.contains("a directory"))
        #expect(fileBytes(directory.file("history.sqlite/keep")) == [1, 2, 3])
    }

    @Test("a FIFO at the path is refused without blocking")
    func fifoAtPath() throws {
        let directory = TemporaryDirectory()
        #expect(mkfifo(directory.file("history.sqlite"), 0o600) == 0)
        let error = try expectRefused(directory)
        #expect(error.message.contains("a FIFO"))
    }

    @Test("a -wal companion that is a symbolic link is refused, never written through")
    func walSymlink() throws {
        let directory = TemporaryDirectory()
        let (store, _) = try openStore(in: directory)
        store.record(Records.exit(at: 1))
        store.close()
        writeFile(directory.file("victim"), Array("precious".utf8))
        #expect(symlink(directory.file("victim"), directory.file("history.sqlite-wal")) == 0)
        let error = try expectRefused(directory)
        #expect(error.message.contains("companion -wal"))
        #expect(fileBytes(directory.file("victim")) == Array("precious".utf8))
    }

    @Test("a -wal left without its database is refused: SQLite would replay it into a new file")
    func orphanedWAL() throws {
        let directory = TemporaryDirectory()
        writeFile(directory.file("history.sqlite-wal"), [9, 9, 9])
        let error = try expectRefused(directory)
        #expect(error.message.contains("companions are there"))
    }

    @Test("a history a non-root file-system user cannot read is an error of permission, never moved")
    func unreadableFile() throws {
        let directory = TemporaryDirectory()
        chmod(directory.path, 0o777)
        let path = directory.file("history.sqlite")
        let bytes = try storeBytes(records: 10)
        writeFile(path, bytes)
        chmod(path, 0)
        let before = DirectoryState(directory.path)
        let clock = TestClock()
        let outcome = asFilesystemUser(65534) { () -> Result<HistoryOpenReport.Outcome, HistoryStoreError> in
            Result { () throws(HistoryStoreError) in
                let (store, report) = try HistoryStore.open(
                    at: path, limits: HistoryLimits(), now: clock.function)
                store.close()
                return report.outcome
            }
        }
        guard case .failure(let error) = outcome else {
            Issue.record("\(outcome)")
            return
        }
        #expect(error.kind == .permission, "\(error)")
        #expect(error.message.contains("Permission denied"))
        #expect(DirectoryState(directory.path) == before)
    }

    @Test("a history in a directory reached through a symbolic link is opened, not moved")
    func directoryThroughSymlink() throws {
        let directory = TemporaryDirectory()
        #expect(mkdir(directory.file("real"), 0o750) == 0)
        #expect(symlink(directory.file("real"), directory.file("linked")) == 0)
        let path = directory.file("linked/history.sqlite")
        let (store, first) = try HistoryStore.open(
            at: path, limits: HistoryLimits(), now: TestClock().function)
        #expect(first.outcome == .created)
        #expect(store.record(Records.exit(at: TestClock.start)) == .stored)
        store.close()
        let (reopened, second) = try HistoryStore.open(
            at: path, limits: HistoryLimits(), now: TestClock().function)
        #expect(second.outcome == .opened(migratedFrom: nil))
        #expect(try reopened.exits().count == 1)
        #expect(exists(directory.file("real/history.sqlite")))
        #expect(DirectoryState(directory.file("real")).names.allSatisfy { !$0.contains("corrupt") })
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

    /// SQLite's errors that say something about the host or the moment — cannot open (no
    /// descriptors left, a directory it may not enter), I/O, no memory, a full disk — are never
    /// damage: only "not a database" and "corrupt" are.
    @Test(
        "SQLite failing to open or read a file is not damage; only NOTADB and CORRUPT are",
        arguments: [
            (SQLITE_CANTOPEN, false), (SQLITE_IOERR, false), (SQLITE_IOERR | (1 << 8), false),
            (SQLITE_NOMEM, false),
            (SQLITE_FULL, false), (SQLITE_PERM, false), (SQLITE_NOTADB, true), (SQLITE_CORRUPT, true),
        ])
    func openFailuresAreNotDamage(code: Int32, damage: Bool) {
        let error = SQLiteError(code: code, message: "m", operation: "open")
        let verdict = DatabaseValidation.verdict(for: error, path: "/nonexistent/history.sqlite")
        switch verdict {
        case .damaged: #expect(damage, "\(verdict)")
        case .cannotOpen(let failure):
            #expect(!damage, "\(verdict)")
            #expect(failure.kind == (code == SQLITE_PERM ? .permission : .failed))
        default: Issue.record("\(verdict)")
        }
    }

    @Test("two recoveries in the same second get distinct names; nothing is overwritten")
    func sameSecond() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("history.sqlite")
        let real = try storeBytes(records: 2000)
        let firstDamage = Array(real.prefix(real.count / 2))
        writeFile(path, firstDamage)
        try expectRecovered(directory)
        // expectRecovered reopened the new history cleanly; damage it again.
        for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
        let secondDamage = Array(real.prefix(real.count / 3))
        writeFile(path, secondDamage)
        let (_, report) = try HistoryStore.open(at: path, limits: HistoryLimits(), now: TestClock().function)
        guard case .recovered(let second) = report.outcome else {
            Issue.record("\(report)")
            return
        }
        #expect(second.movedTo == path + ".corrupt-20261125T033327Z.1")
        #expect(fileBytes(path + ".corrupt-20261125T033327Z") == firstDamage)
        #expect(fileBytes(second.movedTo) == secondDamage)
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

/// What a directory holds, for "nothing changed": each name with its inode, type, size and
/// modification time.
struct DirectoryState: Equatable {
    struct Entry: Equatable {
        var name: String
        var inode: UInt
        var mode: UInt32
        var size: Int
        var modified: Int
    }
    var entries: [Entry]
    var names: [String] { entries.map(\.name) }

    init(_ path: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        entries = names.sorted().map { name in
            var info = stat()
            lstat(path + "/" + name, &info)
            return Entry(
                name: name, inode: UInt(info.st_ino), mode: info.st_mode, size: Int(info.st_size),
                modified: Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec))
        }
    }
}
