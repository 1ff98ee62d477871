import AiopsCore
import AiopsTestSupport
import AiopsTrace
import Foundation
import Testing

/// The BPF programs against real processes: every case here runs in CI (as root) and asserts
/// the exact events of the test's own children. They must not skip: a host where BPF cannot
/// load fails them, loudly.
@Suite("BPF lifecycle source")
struct BPFSourceTests {
    @Test("exit 3 is reported as exit code 3 with its age, CPU time and argv")
    func exitCode() async throws {
        let collector = EventCollector(try TestSources.bpf())
        let (pid, status) = try runTestChild(["exit", "3"])
        #expect(status == 3 << 8)
        let exit = try #require(await collector.exit(of: pid))
        await collector.stop()
        #expect(exit.1.status == .exited(3))
        #expect(exit.1.status?.exitCode == 3)
        #expect(exit.1.status?.signal == nil)
        #expect(exit.0.source == .bpf)
        #expect(exit.0.process.comm == "aiops-testchild")
        #expect((exit.0.ageSeconds ?? -1) >= 0 && (exit.0.ageSeconds ?? 99) < 10)
        #expect(exit.1.argv == [UntrustedText(BuildProducts.testChild.utf8), "exit", "3"])
        #expect(exit.0.process.ppid == getpid())
        // The process's exec, from the new image, precedes its exit.
        let execs = collector.events(of: pid).compactMap(\.exec)
        #expect(execs.count == 1)
        #expect(execs.first?.filename == UntrustedText(BuildProducts.testChild.utf8))
    }

    @Test("SIGSEGV without a core: signal 11, not dumped, sent by the kernel's fault path")
    func segfaultWithoutCore() async throws {
        let collector = EventCollector(try TestSources.bpf())
        let (pid, status) = try runTestChild(["segv", "nocore"])
        #expect(status & 0x7f == SIGSEGV)
        let exit = try #require(await collector.exit(of: pid))
        let signals = collector.events(of: pid).compactMap(\.signal)
        await collector.stop()
        #expect(exit.1.status == .killed(by: SIGSEGV))
        #expect(exit.1.status?.coreDumped == false)
        // A page fault: the process signals itself with SEGV_MAPERR.
        let fault = try #require(signals.first { $0.signal == SIGSEGV })
        #expect(fault.code == 1)
        #expect(fault.targetPID == pid)
        #expect(exit.1.killer?.senderPID == pid)
    }

    @Test("SIGSEGV with RLIMIT_CORE unlimited: core dumped, and the core file exists")
    func segfaultWithCore() async throws {
        let directory = TemporaryDirectory()
        let collector = EventCollector(try TestSources.bpf())
        let (pid, status) = try runTestChild(["segv", "core"], in: directory)
        let exit = try #require(await collector.exit(of: pid))
        await collector.stop()
        #expect(exit.1.status == .killed(by: SIGSEGV, coreDumped: true))
        #expect(exit.1.status?.coreDumped == true)
        // Cross-check with wait(2) and with the file system: the kernel really dumped it.
        #expect(status & 0x80 != 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(files.contains { $0.hasPrefix("core") })
    }

    @Test("SIGKILL sent by a sibling: sender and target right, and the exit names its killer")
    func killedBySibling() async throws {
        let collector = EventCollector(try TestSources.bpf())
        let directory = TemporaryDirectory()
        let victim = try spawnChild(BuildProducts.testChild, ["sleep", "30"], in: directory.path)
        // Make sure the victim runs its own image before it is killed.
        #expect(await collector.waitUntil { events in events.contains { $0.process.pid == victim && $0.exec != nil } })
        let (killer, killerStatus) = try runTestChild(["kill", String(victim), String(SIGKILL)], in: directory)
        #expect(killerStatus == 0)
        #expect(waitForExit(victim) & 0x7f == SIGKILL)
        let exit = try #require(await collector.exit(of: victim))
        await collector.stop()

        let kill = try #require(collector.events(of: victim).first { $0.signal?.signal == SIGKILL })
        #expect(kill.process.pid == killer)
        #expect(kill.signal?.targetPID == victim)
        #expect(kill.signal?.code == 0)  // SI_USER: kill(2)
        #expect(kill.signal?.result == 0)
        #expect(exit.1.status == .killed(by: SIGKILL))
        #expect(exit.1.killer?.senderPID == killer)
        #expect(exit.1.killer?.senderComm == "aiops-testchild")
    }

    @Test("main thread exits first, a worker later exit(5)s: the process's status is 5, reported once")
    func mainThreadExitsFirst() async throws {
        let collector = EventCollector(try TestSources.bpf())
        let (pid, status) = try runTestChild(["thread-last", "5"])
        #expect(status == 5 << 8)  // what wait(2) says
        let exit = try #require(await collector.exit(of: pid))
        try await Task.sleep(nanoseconds: 200_000_000)
        await collector.stop()
        #expect(exit.1.status == .exited(5))
        #expect(collector.events(of: pid).filter { $0.isExit(of: pid) }.count == 1)
        // The exit is reported by the last thread, not the main thread.
        #expect(exit.0.process.tid != pid)
    }

    @Test("a thread created is not a process fork")
    func threadIsNotAFork() async throws {
        let collector = EventCollector(try TestSources.bpf(threads: true))
        let (pid, _) = try runTestChild(["thread"])
        _ = try #require(await collector.exit(of: pid))
        await collector.stop()
        let forks = collector.events(of: pid).compactMap(\.fork)
        #expect(forks.count == 1)
        #expect(forks.first?.isThread == true)
        #expect(forks.first?.childPID == pid)
        #expect(forks.first?.childTID != pid)
        #expect(collector.events(of: pid).filter { $0.isExit(of: pid) }.count == 1)
    }

    @Test("thread creation is filtered in the kernel unless asked for")
    func threadsFilteredByDefault() async throws {
        let collector = EventCollector(try TestSources.bpf(threads: false))
        let (pid, _) = try runTestChild(["thread"])
        _ = try #require(await collector.exit(of: pid))
        await collector.stop()
        #expect(collector.events(of: pid).compactMap(\.fork).isEmpty)
    }

    @Test("argv with spaces, non-ASCII, empty and hostile bytes arrives byte for byte")
    func argumentsExact() async throws {
        let collector = EventCollector(try TestSources.bpf())
        let arguments: [[UInt8]] = [
            Array("args".utf8), Array("hello world".utf8), Array("héllo wörld ✓".utf8), [],
            [0x1B, 0x5B, 0x32, 0x4A, 0xFF, 0xFE, 0x0A],
        ]
        let pid = try spawnChild(BuildProducts.testChild, rawArguments: arguments)
        waitForExit(pid)
        _ = try #require(await collector.exit(of: pid))
        await collector.stop()
        let exec = try #require(collector.events(of: pid).compactMap(\.exec).first)
        #expect(exec.argv == [UntrustedText(BuildProducts.testChild.utf8)] + arguments.map(UntrustedText.init(bytes:)))
        #expect(exec.argvTruncated == false)
    }

    @Test("argv beyond 4 KiB is cut and flagged, not lost")
    func longArgumentsTruncated() async throws {
        let collector = EventCollector(try TestSources.bpf())
        let long = String(repeating: "x", count: 1000)
        let (pid, _) = try runTestChild(["args"] + Array(repeating: long, count: 8))
        _ = try #require(await collector.exit(of: pid))
        await collector.stop()
        let exec = try #require(collector.events(of: pid).compactMap(\.exec).first)
        #expect(exec.argvTruncated)
        #expect(exec.argv.count >= 5)  // 4 KiB holds the path, "args" and four whole arguments
        #expect(exec.argv[2] == UntrustedText(long.utf8))
    }

    @Test("a comm set to hostile bytes is reported exactly")
    func hostileComm() async throws {
        let collector = EventCollector(try TestSources.bpf())
        // "a) b (c" then ESC [ 2 J, 15 bytes the kernel keeps.
        let hex = "612920622028631b5b324a"
        let (pid, _) = try runTestChild(["rename", hex, "50"])
        let exit = try #require(await collector.exit(of: pid))
        await collector.stop()
        #expect(exit.0.process.comm.bytes == [0x61, 0x29, 0x20, 0x62, 0x20, 0x28, 0x63, 0x1B, 0x5B, 0x32, 0x4A])
        #expect(!exit.0.process.comm.terminalSafe.contains("\u{1B}"))
    }

    @Test("descendants are followed: the grandchild's exec and exit carry the tree's pids")
    func grandchildren() async throws {
        let collector = EventCollector(try TestSources.bpf())
        let (pid, _) = try runTestChild(["tree", "2"])
        _ = try #require(await collector.exit(of: pid))
        await collector.stop()
        let forks = collector.events.filter { $0.fork != nil }
        let child = try #require(forks.first { $0.process.pid == pid }?.fork?.childPID)
        let grandchild = try #require(forks.first { $0.process.pid == child }?.fork?.childPID)
        let grandchildExit = try #require(await collector.exit(of: grandchild))
        #expect(grandchildExit.1.status == .exited(7))
        #expect(grandchildExit.0.process.ppid == child)
        #expect(collector.events(of: grandchild).compactMap(\.exec).first?.argv.suffix(2) == ["exit", "7"])
    }
}
