import AiopsProc
import AiopsTestSupport
import Foundation
import Testing

@Suite("ProcFS")
struct ProcFSTests {
    /// A pid above pid_max: no process can have it, now or during the test.
    static func impossiblePID() throws -> Int32 {
        let text = try String(contentsOfFile: "/proc/sys/kernel/pid_max", encoding: .utf8)
        return try #require(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))) + 1
    }

    @Test("a missing pid is gone, not an error")
    func missingPID() throws {
        let pid = try Self.impossiblePID()
        #expect(ProcFS().read("\(pid)/stat") == .gone)
        #expect(ProcFS().read("\(pid)/cmdline") == .gone)
        #expect(!ProcFS().exists(pid: pid))
        #expect(ProcFS().readLink("\(pid)/exe") == nil)
        #expect(ProcessSnapshotReader().snapshot(pid: pid) == nil)
        #expect(ProcessSnapshotReader().threadGroup(ofTask: pid) == nil)
    }

    @Test("a missing root is gone too, and lists no pids")
    func missingRoot() {
        let procfs = ProcFS(root: "/nonexistent-aiops-\(getpid())")
        #expect(procfs.read("1/stat") == .gone)
        #expect(procfs.pids().isEmpty)
    }

    @Test("reading a directory is a failure with its errno, not a crash")
    func directoryRead() {
        #expect(ProcFS().read("self") == .failed(errno: EISDIR))
        #expect(ProcFS().read("self").bytes == nil)
    }

    @Test("pids() lists us and our parent, each once, and no thread ids")
    func pidsOfRealProc() throws {
        // A thread of our own: reachable as /proc/<tid>, but not listed by readdir.
        let ready = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var tid: Int32 = 0
        Thread {
            // "/proc/thread-self" links to "<pid>/task/<tid>".
            let link = ProcFS().readLink("thread-self") ?? []
            tid = Int32(String(decoding: link, as: UTF8.self).split(separator: "/").last ?? "") ?? 0
            ready.signal()
            done.wait()
        }.start()
        ready.wait()
        defer { done.signal() }

        let pids = ProcFS().pids()
        #expect(pids.contains(getpid()))
        #expect(pids.contains(getppid()))
        #expect(Set(pids).count == pids.count)
        #expect(pids.allSatisfy { $0 > 0 })
        #expect(tid != getpid())
        #expect(!pids.contains(tid))
        #expect(ProcFS().exists(pid: tid))
        #expect(ProcessSnapshotReader().threadGroup(ofTask: tid) == getpid())
    }

    @Test("pids() takes only all-digit names that fit a pid")
    func pidsOfFakeRoot() throws {
        let root = TemporaryDirectory(prefix: "aiops-fakeproc")
        defer { withExtendedLifetime(root) {} }  // removed only after the last read
        for name in ["1", "42", "self", "12a", "4294967296", "99999999999999999999", "net"] {
            try FileManager.default.createDirectory(
                atPath: root.file(name), withIntermediateDirectories: false)
        }
        #expect(ProcFS(root: root.path).pids().sorted() == [1, 42])
    }

    @Test("readLink returns the target bytes")
    func readLink() throws {
        let link = try #require(ProcFS().readLink("self/exe"))
        let expected = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        #expect(String(decoding: link, as: UTF8.self) == expected)
    }
}
