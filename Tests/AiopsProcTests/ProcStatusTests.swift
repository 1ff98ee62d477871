import AiopsProc
import Foundation
import Testing

@Suite("ProcStatus.parse")
struct ProcStatusTests {
    static let container = Array(
        """
        Name:\tnginx
        Umask:\t0022
        State:\tS (sleeping)
        Tgid:\t4242
        Ngid:\t0
        Pid:\t4243
        PPid:\t4100
        TracerPid:\t0
        Uid:\t33\t34\t35\t36
        Gid:\t33\t33\t33\t33
        Groups:\t
        NSpid:\t4243\t17\t1
        Threads:\t9
        VmRSS:\t   12345 kB

        """.utf8)

    @Test("Tgid, PPid, all four uids, Threads and the namespace pids")
    func fields() {
        let status = ProcStatus.parse(Self.container)
        #expect(status.tgid == 4242)
        #expect(status.ppid == 4100)
        #expect(status.uids == [33, 34, 35, 36])
        #expect(status.realUID == 33)
        #expect(status.threads == 9)
        #expect(status.namespacePIDs == [4243, 17, 1])
    }

    @Test("a name with a colon, a tab or garbage lines do not confuse it")
    func hostileName() {
        let text = Array(
            "Name:\tTgid: 1\\nPPid:\t2\nTgid:\t77\ngarbage line\n:\nUid:\tx\t5\nThreads:\t\n".utf8)
        let status = ProcStatus.parse(text)
        #expect(status.tgid == 77)
        #expect(status.ppid == nil)
        #expect(status.uids == [5])
        #expect(status.threads == nil)
    }

    @Test("empty input gives an empty status")
    func empty() {
        let status = ProcStatus.parse([])
        #expect(status.tgid == nil && status.ppid == nil && status.threads == nil)
        #expect(status.uids.isEmpty && status.namespacePIDs.isEmpty)
        #expect(status.realUID == nil)
    }

    @Test("overflowing numbers are dropped, not wrapped")
    func overflow() {
        let status = ProcStatus.parse(
            Array("Tgid:\t4294967296\nUid:\t4294967296\t0\nNSpid:\t99999999999\n".utf8))
        #expect(status.tgid == nil)
        #expect(status.uids == [0])
        #expect(status.namespacePIDs == [])
    }

    @Test("our own status agrees with getpid, getppid and getuid")
    func ownStatus() throws {
        let bytes = try #require(try? Array(Data(contentsOf: URL(fileURLWithPath: "/proc/self/status"))))
        let status = ProcStatus.parse(bytes)
        #expect(status.tgid == getpid())
        #expect(status.ppid == getppid())
        #expect(status.realUID == getuid())
        #expect(status.uids.count == 4)
        #expect(status.namespacePIDs.last.map { $0 > 0 } == true)
        #expect((status.threads ?? 0) >= 1)
    }
}
