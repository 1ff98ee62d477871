import AiopsCore
import AiopsProc
import AiopsTestSupport
import Foundation
import Testing

@Suite("ProcCommandLine and capped reads")
struct ProcCommandLineTests {
    @Test(
        "NUL-separated arguments",
        arguments: [
            ([], []), ([0], [""]), (Array("ls\0".utf8), ["ls"]),
            (Array("ls\0-l\0/tmp\0".utf8), ["ls", "-l", "/tmp"]),
            (Array("a\0\0b\0".utf8), ["a", "", "b"]), (Array("a\0\0".utf8), ["a", ""]),
            // setproctitle() rewrites overwrite the NULs with spaces and may drop the final one.
            (Array("nginx: worker process".utf8), ["nginx: worker process"]),
            (Array("a\0b".utf8), ["a", "b"]),
        ] as [([UInt8], [UntrustedText])])
    func parse(bytes: [UInt8], arguments: [UntrustedText]) {
        #expect(ProcCommandLine.parse(bytes) == arguments)
    }

    @Test("argument bytes are kept as they are")
    func binaryArguments() {
        let bytes: [UInt8] = [0x1B, 0x5B, 0x32, 0x4A, 0, 0xFF, 0x0A, 0]
        #expect(
            ProcCommandLine.parse(bytes) == [
                UntrustedText(bytes: [0x1B, 0x5B, 0x32, 0x4A]), UntrustedText(bytes: [0xFF, 0x0A]),
            ])
    }

    @Test("a 1.5 MB cmdline read through ProcFS is capped at the limit and flagged truncated")
    func hugeCommandLine() throws {
        let root = TemporaryDirectory(prefix: "aiops-fakeproc")
        defer { withExtendedLifetime(root) {} }  // removed only after the last read
        try FileManager.default.createDirectory(atPath: root.file("4242"), withIntermediateDirectories: false)
        let argument = Array(repeating: UInt8(ascii: "x"), count: 999) + [0]
        let cmdline = Array(Array(repeating: argument, count: 1536).joined())
        #expect(cmdline.count == 1_536_000)
        try Data(cmdline).write(to: URL(fileURLWithPath: root.file("4242/cmdline")))

        let result = ProcFS(root: root.path).read("4242/cmdline", limit: 4096)
        guard case .bytes(let bytes, let truncated) = result else {
            Issue.record("read failed: \(result)")
            return
        }
        #expect(truncated)
        #expect(bytes.count == 4096)
        #expect(bytes == Array(cmdline.prefix(4096)))
        let arguments = ProcCommandLine.parse(bytes)
        #expect(arguments.count == 5)
        #expect(arguments.first?.bytes.count == 999)
        #expect(arguments.last?.bytes.count == 96)  // the cut argument

        let whole = ProcFS(root: root.path).read("4242/cmdline", limit: 2 << 20)
        #expect(whole == .bytes(cmdline, truncated: false))
    }

    @Test("a file of exactly the limit is not truncated, one byte more is")
    func limitBoundary() throws {
        let root = TemporaryDirectory(prefix: "aiops-fakeproc")
        defer { withExtendedLifetime(root) {} }  // removed only after the last read
        let exact = [UInt8](repeating: 65, count: 100)
        try Data(exact).write(to: URL(fileURLWithPath: root.file("exact")))
        try Data(exact + [66]).write(to: URL(fileURLWithPath: root.file("over")))
        try Data().write(to: URL(fileURLWithPath: root.file("empty")))
        let procfs = ProcFS(root: root.path)
        #expect(procfs.read("exact", limit: 100) == .bytes(exact, truncated: false))
        #expect(procfs.read("over", limit: 100) == .bytes(exact, truncated: true))
        #expect(procfs.read("empty", limit: 100) == .bytes([], truncated: false))
        #expect(procfs.read("over", limit: 0) == .bytes([], truncated: true))
    }

    @Test("the snapshot reader marks a long command line truncated, on a fake proc root")
    func snapshotOfFakeProcess() throws {
        let root = TemporaryDirectory(prefix: "aiops-fakeproc")
        defer { withExtendedLifetime(root) {} }  // removed only after the last read
        let manager = FileManager.default
        for directory in ["4242", "5000", "6000"] {
            try manager.createDirectory(atPath: root.file(directory), withIntermediateDirectories: false)
        }
        try Data(StatFixture.line(pid: "4242", comm: Array("a) b (c".utf8))).write(
            to: URL(fileURLWithPath: root.file("4242/stat")))
        try Data("Name:\tx\nUid:\t1000\t1000\t1000\t1000\n".utf8).write(
            to: URL(fileURLWithPath: root.file("4242/status")))
        try Data([UInt8](repeating: 0x61, count: 1_500_000) + [0]).write(
            to: URL(fileURLWithPath: root.file("4242/cmdline")))
        // 5000's stat is unparseable: skipped.
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: root.file("5000/stat")))
        // 6000 has no files at all: a process that vanished after readdir.

        let reader = ProcessSnapshotReader(procfs: ProcFS(root: root.path), argvLimit: 1000)
        let snapshot = try #require(reader.snapshot(pid: 4242))
        #expect(snapshot.stat.comm == "a) b (c")
        #expect(snapshot.uid == 1000)
        #expect(snapshot.argvTruncated)
        #expect(snapshot.argv == [UntrustedText(bytes: [UInt8](repeating: 0x61, count: 1000))])
        let withoutArgv = try #require(reader.snapshot(pid: 4242, includeArgv: false))
        #expect(withoutArgv.argv.isEmpty && !withoutArgv.argvTruncated)
        #expect(reader.snapshot(pid: 5000) == nil)
        #expect(reader.snapshot(pid: 6000) == nil)
        #expect(reader.all().map(\.pid) == [4242])
        #expect(reader.allStats().map(\.pid) == [4242])
    }
}
