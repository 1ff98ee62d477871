import AiopsCore
import AiopsProc
import AiopsTestSupport
import Foundation
import Testing

@Suite("ProcStat.parse on real /proc files")
struct ProcStatLiveTests {
    @Test(
        "a child that renamed itself with hostile bytes is parsed exactly",
        arguments: [
            Array("a) b (c".utf8), Array(") ) )".utf8),
            [0x78, 0x0A, 0x29, 0x20, 0x5A, 0x20, 0x31, 0x20, 0x32, 0x1B, 0x5B, 0x33, 0x31, 0x6D],
            [0xFF, 0xFE, 0x1B, 0x5D, 0x30, 0x3B, 0xC0, 0xAF, 0xED, 0xA0, 0x80, 0x07], [],
        ] as [[UInt8]])
    func renamedChild(comm: [UInt8]) throws {
        let child = try LiveChild(["rename", comm.hex, "30000"])
        defer { child.stop() }
        // Wait until the child has exec'd and renamed itself.
        let stat = try #require(child.waitForStat { $0.comm.bytes == comm })
        #expect(stat.pid == child.pid)
        #expect(stat.ppid == getpid())
        #expect([UInt8(ascii: "S"), UInt8(ascii: "R")].contains(stat.state))
        #expect(stat.threads == 1)
        #expect(!stat.isKernelThread)
        #expect(stat.start <= BootInstant.now())
        // The snapshot reader sees the same process, with the argv it was started with.
        let snapshot = try #require(ProcessSnapshotReader().snapshot(pid: child.pid))
        #expect(snapshot.stat.comm.bytes == comm)
        #expect(
            snapshot.argv == [
                UntrustedText(BuildProducts.testChild.utf8), "rename", UntrustedText(comm.hex.utf8), "30000",
            ])
        #expect(snapshot.uid == getuid())
        #expect(snapshot.key == stat.key)
    }

    @Test("a zombie's stat carries its wait status in field 52, and its cmdline is empty")
    func zombieExitCode() throws {
        let child = try LiveChild(["exit", "3"])
        defer { child.stop() }
        let zombie = try #require(child.waitForStat { $0.isZombie })
        #expect(zombie.exitCode == 0x300)
        #expect(AiopsCore.ExitStatus(waitStatus: try #require(zombie.exitCode)) == .exited(3))
        let snapshot = try #require(ProcessSnapshotReader().snapshot(pid: child.pid))
        #expect(snapshot.argv.isEmpty)
        #expect(!snapshot.argvTruncated)
        #expect(child.reap() == 3 << 8)
        // Reaped: gone (or, were the pid reused at once, another process).
        let after = ProcFS().read("\(child.pid)/stat")
        #expect(after == .gone || after.bytes.flatMap(ProcStat.parse)?.startTicks != zombie.startTicks)
    }

    @Test("our own stat: pid, parent, a start no later than now; our thread is running")
    func ownStat() throws {
        let bytes = try #require(ProcFS().read("self/stat").bytes)
        let stat = try #require(ProcStat.parse(bytes))
        #expect(stat.pid == getpid())
        #expect(stat.ppid == getppid())
        #expect(stat.threads >= 1)
        #expect(stat.start <= BootInstant.now())
        #expect(stat.exitCode == 0)
        // The fixtures have fields 3...52, which this kernel writes too (Linux >= 3.5 writes 52).
        let close = try #require(bytes.lastIndex(of: UInt8(ascii: ")")))
        let fields = bytes[(close + 1)...].split { $0 == 32 || $0 == 10 }
        #expect(StatFixture.fields.count == 50)
        #expect(fields.count >= StatFixture.fields.count)
        // /proc/self/stat shows the main thread's state; the thread reading its own is running.
        let thread = try #require(ProcFS().read("thread-self/stat").bytes.flatMap(ProcStat.parse))
        #expect(thread.state == UInt8(ascii: "R"))
        #expect(thread.startTicks >= stat.startTicks)
    }
}
