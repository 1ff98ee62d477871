import AiopsTestSupport
import XCTest

@testable import AiopsDiagnose

/// Access computed for another user from real files' modes and owners (the test runs as root,
/// for which the kernel itself would allow nearly everything).
final class PathAccessTests: XCTestCase {
    let nobody = PathAccess.Account(uid: 65534, gid: 65534)

    private func makeTree() -> TemporaryDirectory {
        let directory = TemporaryDirectory(prefix: "aiops-access")
        chmod(directory.path, 0o755)
        mkdir(directory.file("closed"), 0o700)
        chmod(directory.file("closed"), 0o700)
        FileManager.default.createFile(atPath: directory.file("closed/file"), contents: Data("x".utf8))
        mkdir(directory.file("open"), 0o755)
        chmod(directory.file("open"), 0o755)
        FileManager.default.createFile(atPath: directory.file("open/readable"), contents: Data("x".utf8))
        chmod(directory.file("open/readable"), 0o644)
        FileManager.default.createFile(
            atPath: directory.file("open/script"), contents: Data("#!/bin/sh\n".utf8))
        chmod(directory.file("open/script"), 0o644)
        return directory
    }

    func testADirectoryOnTheWayDenies() {
        let tree = makeTree()
        guard
            case .denied(let path, let facts, let lacking) = PathAccess().check(
                tree.file("closed/file"), need: .read, account: nobody)
        else { return XCTFail("nobody cannot enter a 0700 root directory") }
        XCTAssertEqual(path, tree.file("closed"))
        XCTAssertEqual(lacking, .execute)
        XCTAssertEqual(facts.modeText, "drwx------ 700")
    }

    func testOtherBitsAndWrite() {
        let tree = makeTree()
        guard case .allowed = PathAccess().check(tree.file("open/readable"), need: .read, account: nobody)
        else {
            return XCTFail("0644 is readable by others")
        }
        guard
            case .denied(_, _, let lacking) = PathAccess().check(
                tree.file("open"), need: [.write, .execute], account: nobody)
        else { return XCTFail("0755 root directory is not writable by others") }
        XCTAssertEqual(lacking, .write)
    }

    func testOwnerAndGroupClasses() {
        let tree = makeTree()
        chown(tree.file("closed"), 65534, 0)
        guard case .allowed = PathAccess().check(tree.file("closed/file"), need: .read, account: nobody)
        else {
            return XCTFail("the owner may enter its 0700 directory")
        }
        chown(tree.file("closed"), 0, 4242)
        chmod(tree.file("closed"), 0o750)
        let member = PathAccess.Account(uid: 1000, gid: 1000, groups: [4242])
        guard case .allowed = PathAccess().check(tree.file("closed/file"), need: .read, account: member)
        else {
            return XCTFail("a supplementary group grants the group class")
        }
        // The owner class applies even when it grants less than the group class would.
        chown(tree.file("closed"), 1000, 4242)
        chmod(tree.file("closed"), 0o070)
        guard case .denied = PathAccess().check(tree.file("closed/file"), need: .read, account: member) else {
            return XCTFail("the owner class wins over the group class")
        }
    }

    func testRootNeedsAnExecuteBitToRun() {
        let tree = makeTree()
        let root = PathAccess.Account(uid: 0, gid: 0)
        guard
            case .denied(_, _, let lacking) = PathAccess().check(
                tree.file("open/script"), need: .execute, account: root)
        else { return XCTFail("even root cannot execute a file with no x bit") }
        XCTAssertEqual(lacking, .execute)
        guard
            case .allowed = PathAccess().check(
                tree.file("closed/file"), need: [.read, .write], account: root)
        else {
            return XCTFail("root reads and writes through 0700 directories")
        }
    }

    func testMissingComponent() {
        let tree = makeTree()
        XCTAssertEqual(
            PathAccess().check(tree.file("open/nothing/deeper"), need: .read, account: nobody),
            .missing(tree.file("open/nothing")))
    }

    func testServiceAccounts() throws {
        let root = try ServiceAccount.resolve(user: nil, group: nil, supplementary: [])
        XCTAssertEqual(root.account.uid, 0)
        XCTAssertEqual(root.userText, "root (0)")
        let nobody = try ServiceAccount.resolve(user: "nobody", group: nil, supplementary: [])
        XCTAssertEqual(nobody.account.uid, 65534)
        XCTAssertEqual(
            try ServiceAccount.resolve(user: "4321", group: nil, supplementary: []).account.gid, 4321)
        XCTAssertThrowsError(
            try ServiceAccount.resolve(user: "no-such-user-aiops", group: nil, supplementary: []))
    }

    func testExecutableCheckNamesTheInterpreter() throws {
        let tree = makeTree()
        try "#!/nonexistent/interpreter -u\necho\n".write(
            toFile: tree.file("open/tool"), atomically: true, encoding: .utf8)
        chmod(tree.file("open/tool"), 0o755)
        let account = try ServiceAccount.resolve(user: "nobody", group: nil, supplementary: [])
        let result = ExecutableCheck().run(
            commands: [
                ("ExecStart", ExecCommand(path: tree.file("open/tool"), words: [tree.file("open/tool")]))
            ],
            account: account)
        XCTAssertEqual(result.outcome, .failed)
        XCTAssertTrue(result.summary.contains("/nonexistent/interpreter"), result.summary)
        let missing = ExecutableCheck().run(
            commands: [("ExecStart", ExecCommand(path: "/nonexistent/bin/daemon", words: []))],
            account: account)
        XCTAssertEqual(missing.outcome, .failed)
        XCTAssertEqual(missing.summary, "/nonexistent/bin/daemon: does not exist (/nonexistent is missing)")
    }

    func testPermissionCheckUsesTheServiceUser() throws {
        let tree = makeTree()
        let account = try ServiceAccount.resolve(user: "nobody", group: nil, supplementary: [])
        let mention = ErrorPaths.find(in: [
            "nginx: [emerg] open() \"\(tree.file("closed/file"))\" failed (13: Permission denied)"
        ])
        XCTAssertEqual(mention.map(\.path), [tree.file("closed/file")])
        let result = PermissionCheck().run(
            .init(
                workingDirectory: tree.file("open"), declaredDirectories: [tree.file("declared-but-missing")],
                conventionalDirectories: [], pidFile: nil, errorMentions: mention),
            account: account)
        XCTAssertEqual(result.outcome, .failed)
        XCTAssertTrue(result.summary.hasPrefix(tree.file("closed/file")), result.summary)
        XCTAssertTrue(result.evidence.contains { $0.contains("WorkingDirectory") && $0.contains("allowed") })
    }

    func testErrorPaths() {
        let found = ErrorPaths.find(in: [
            "PermissionError: [Errno 13] Permission denied: '/srv/data/x.db'",
            "Failed to set up mount namespacing: /run/foo: No such file or directory",
            "open(\"/var/lib/app/state\", O_RDWR): Read-only file system",
            "Started app.service.",
        ])
        XCTAssertEqual(found.map(\.path), ["/srv/data/x.db", "/run/foo", "/var/lib/app/state"])
        XCTAssertEqual(found.map(\.problem), [.permissionDenied, .missing, .readOnly])
    }
}
