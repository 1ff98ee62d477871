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
