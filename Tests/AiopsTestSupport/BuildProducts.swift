import Foundation

/// Paths of the binaries this package builds, found next to the running test bundle
/// (.build/<triple>/debug/), so tests run the very binaries `swift build` just produced.
public enum BuildProducts {
    public static let directory: URL = {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        // The test binary lives inside aiopsPackageTests.xctest on some layouts.
        while !FileManager.default.fileExists(
            atPath: directory.appendingPathComponent("aiops-testchild").path),
            directory.path != "/"
        {
            directory = directory.deletingLastPathComponent()
        }
        return directory
    }()

    /// The aiops binary under test.
    public static var aiops: String { directory.appendingPathComponent("aiops").path }

    /// A copy of the aiops binary that any user can execute: the build directory may sit under
    /// a directory other users cannot enter (a clone in /root), and the non-root tests must
    /// fail only for reasons of aiops's own.
    public static let aiopsForAnyUser: String = {
        let directory = "/tmp/aiops-anyuser-\(getpid())"
        mkdir(directory, 0o755)
        chmod(directory, 0o755)
        let copy = directory + "/aiops"
        try? FileManager.default.removeItem(atPath: copy)
        // Copied by cp, not in this process: a file open for writing here would be inherited by
        // children other tests fork meanwhile, and exec'ing the copy fails (ETXTBSY) until they
        // exec in turn.
        let cp = Process()
        cp.executableURL = URL(fileURLWithPath: "/bin/cp")
        cp.arguments = [aiops, copy]
        do {
            try cp.run()
            cp.waitUntilExit()
        } catch {
            fatalError("cannot run cp to copy \(aiops) for the non-root tests: \(error)")
        }
        guard cp.terminationStatus == 0 else { fatalError("cp \(aiops) \(copy) failed") }
        chmod(copy, 0o755)
        // Statics are never deinitialised: remove the copy when the test process exits.
        atexit {
            try? FileManager.default.removeItem(atPath: "/tmp/aiops-anyuser-\(getpid())")
        }
        return copy
    }()

    /// The release build of aiops (`make build`, which `make test` runs first), beside the debug
    /// directory: for tools that cannot run the debug build (valgrind).
    public static var releaseAiops: String {
        directory.deletingLastPathComponent().appendingPathComponent("release/aiops").path
    }

    /// Tests/TestChild: a process with exactly known behaviour (see its main.c).
    public static var testChild: String { directory.appendingPathComponent("aiops-testchild").path }
}

/// A fresh directory, removed at deinit. Children run in one so their core files land there.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init(prefix: String = "aiops-test") {
        let template = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix).XXXXXX").path
        var bytes = Array(template.utf8CString)
        path = bytes.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    public func file(_ name: String) -> String { path + "/" + name }
}
