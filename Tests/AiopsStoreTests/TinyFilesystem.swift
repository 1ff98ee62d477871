import AiopsTestSupport
import Foundation

/// A tmpfs of a few hundred KiB mounted on a fresh directory: a disk that really fills up.
/// Needs root (the suite runs as root, like CI); unmounted by `unmount`, which the tests call
/// from a defer.
final class TinyFilesystem {
    let directory = TemporaryDirectory(prefix: "aiops-tinyfs")
    private var mounted = false

    init(bytes: Int) throws {
        try run("/bin/mount", "-t", "tmpfs", "-o", "size=\(bytes),mode=0700", "tmpfs", directory.path)
        mounted = true
    }

    func file(_ name: String) -> String { directory.file(name) }

    func unmount() {
        guard mounted else { return }
        mounted = false
        try? run("/bin/umount", directory.path)
    }

    deinit { unmount() }

    /// Writes a filler file until the file system refuses (ENOSPC); returns its path.
    @discardableResult
    func fill(name: String = "filler") -> String {
        let path = file(name)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        precondition(descriptor >= 0)
        defer { close(descriptor) }
        let chunk = [UInt8](repeating: 0x5A, count: 4096)
        while write(descriptor, chunk, chunk.count) > 0 {}
        // tmpfs has page granularity; a last byte-sized write takes any sub-page remainder.
        var byte: UInt8 = 0
        while write(descriptor, &byte, 1) > 0 {}
        return path
    }

    private func run(_ executable: String, _ arguments: String...) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(
                .fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "\(executable) \(arguments) failed"])
        }
    }
}
