import AiopsCore
import AiopsTestSupport
import AiopsTrace
import Foundation
import Testing

/// The BPF programs against real processes: every case here runs in CI (as root) and asserts
/// the exact events of the test's own children, matched by identity. They must not skip: a host
/// where BPF cannot load fails them, loudly.
@Suite("BPF lifecycle source")
struct BPFSourceTests {
    @Test("exit 3 is reported as exit code 3 with its age, CPU time and argv")
    func exitCode() async throws {
        let collector = EventCollector(try TestSources.bpf())
        let (child, status) = try runTestChild(["exit", "3"])
        #expect(status == 3 << 8)
        let exit = try #require(await collector.exit(of: child))
        await collector.stop()
        #expect(exit.1.status == .exited(3))
        #expect(exit.1.status?.exitCode == 3)
        #expect(exit.1.status?.signal == nil)
        #expect(exit.0.source == .bpf)
        #expect(exit.0.process.comm == "aiops-testchild")
        #expect((exit.0.ageSeconds ?? -1) >= 0 && (exit.0.ageSeconds ?? 99) < 10)
        #expect(exit.1.argv == [UntrustedText(BuildProducts.testChild.utf8), "exit", "3"])
        #expect(exit.0.process.ppid == getpid())
        #expect((exit.1.maxRSSBytes ?? 0) > 0)
        // The process's exec, from the new image, precedes its exit.
        let execs = collector.events(of: child).compactMap(\.exec)
        #expect(execs.count == 1)
        #expect(execs.first?.filename == UntrustedText(BuildProducts.testChild.utf8))
    }

    @Test("SIGSEGV without a core: signal 11, not dumped, sent by the kernel's fault path")
    func segfaultWithoutCore() async throws {
        let collector = EventCollector(try TestSources.bpf())
        let (child, status) = try runTestChild(["segv", "nocore"])
        #expect(status & 0x7f == SIGSEGV)
        let exit = try #require(await collector.exit(of: child))
        let signals = collector.events(of: child).compactMap(\.signal)
        await collector.stop()
        #expect(exit.1.status == .killed(by: SIGSEGV))
        #expect(exit.1.status?.coreDumped == false)
        // A page fault: the process signals itself with SEGV_MAPERR.
        let fault = try #require(signals.first { $0.signal == SIGSEGV })
        #expect(fault.code == 1)
        #expect(fault.targetPID == child.pid)
        #expect(exit.1.killer?.senderPID == child.pid)
    }

    @Test("SIGALRM from alarm(2): raised by the kernel's timer, not by whatever task was running")
    func timerSignalIsTheKernels() async throws {
        let collector = EventCollector(try TestSources.bpf())
        // The timer fires in interrupt context: the task "current" then is a bystander.
        let child = try startChild(
            "/usr/bin/python3", ["-c", "import signal, time; signal.alarm(1); time.sleep(60)"])
        #expect(waitForExit(child.pid) & 0x7f == SIGALRM)
        let exit = try #require(await collector.exit(of: child))
        await collector.stop()
        #expect(exit.1.status == .killed(by: SIGALRM))
        let killer = try #require(exit.1.killer)
        #expect(killer.code == 0x80)  // SI_KERNEL
        #expect(killer.sentByKernel)
    }

    @Test("SIGSEGV with RLIMIT_CORE unlimited: core dumped, and the core file exists")
    func segfaultWithCore() async throws {
        let directory = TemporaryDirectory()
        let collector = EventCollector(try TestSources.bpf())
        let (child, status) = try runTestChild(["segv", "core"], in: directory)
        let exit = try #require(await collector.exit(of: child))
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
        let victim = try startChild(BuildProducts.testChild, ["sleep", "600"], in: directory.path)
        // Make sure the victim runs its own image before it is killed.
        #expect(await collector.waitUntil { _ in collector.events(of: victim).contains { $0.exec != nil } })
        let stateBefore = procState(victim.pid)
        let (killer, killerStatus) = try runTestChild(
            ["kill", String(victim.pid), String(SIGKILL)], in: directory)
        #expect(killerStatus == 0)
        let namespaces = namespaceReport(victim.pid)
        let kill = try #require(
            await collector.waitUntil { _ in
                collector.events(of: victim).contains { $0.signal?.signal == SIGKILL }
            }
                ? collector.events(of: victim).first { $0.signal?.signal == SIGKILL } : nil,
            "no SIGKILL event for \(victim); killer \(killer) exited \(killerStatus); victim state: \(procState(victim.pid))"
        )
        let victimStatus = waitForExit(victim.pid)
        #expect(
            victimStatus & 0x7f == SIGKILL,
            Comment(
                rawValue:
                    "victim \(victim) wait status \(victimStatus); SIGKILL result \(kill.signal?.result ?? -1); "
                    + "\(namespaces); state before kill \(stateBefore); "
                    + "history: \(collector.events(of: victim).map(describe))"))
        let exit = try #require(await collector.exit(of: victim))
        await collector.stop()

        #expect(killer.matches(pid: kill.process.pid, start: kill.process.start))
        #expect(kill.signal?.targetPID == victim.pid)
        #expect(kill.signal?.code == 0)  // SI_USER: kill(2)
        #expect(kill.signal?.result == 0)
        #expect(exit.1.status == .killed(by: SIGKILL))
        #expect(exit.1.killer?.senderPID == killer.pid)
        #expect(exit.1.killer?.senderComm == "aiops-testchild")
    }

    @Test("main thread exits first, a worker later exit(5)s: the process's status is 5, reported once")
    func mainThreadExitsFirst() async throws {
        let collector = EventCollector(try TestSources.bpf())
        let (child, status) = try runTestChild(["thread-last", "5"])
        #expect(status == 5 << 8)  // what wait(2) says
        let exit = try #require(await collector.exit(of: child))
        try await collector.drain()  // a second exit, if there were one, has arrived
        await collector.stop()
        #expect(exit.1.status == .exited(5))
        #expect(collector.events(of: child).filter { $0.isExit(of: child) }.count == 1)
        // The exit is reported by the last thread, not the main thread.
        #expect(exit.0.process.tid != child.pid)
    }

    @Test("a thread created is not a process fork")
    func threadIsNotAFork() async throws {
        let collector = EventCollector(try TestSources.bpf(threads: true))
        let (child, _) = try runTestChild(["thread"])
        _ = try #require(await collector.exit(of: child))
        await collector.stop()
        let forks = collector.forks(by: child)
        #expect(forks.count == 1)
        #expect(forks.first?.isThread == true)
        #expect(forks.first?.childPID == child.pid)
        #expect(forks.first?.childTID != child.pid)
        #expect(collector.events(of: child).filter { $0.isExit(of: child) }.count == 1)
    }

    @Test("thread creation is filtered in the kernel unless asked for")
    func threadsFilteredByDefault() async throws {
        let collector = EventCollector(try TestSources.bpf(threads: false))
        let (child, _) = try runTestChild(["thread"])
        _ = try #require(await collector.exit(of: child))
        await collector.stop()
        #expect(collector.forks(by: child).isEmpty)
    }

    @Test("argv with spaces, non-ASCII, empty and hostile bytes arrives byte for byte")
    func argumentsExact() async throws {
        let collector = EventCollector(try TestSources.bpf())
        let arguments: [[UInt8]] = [
            Array("args".utf8), Array("hello world".utf8), Array("héllo wörld ✓".utf8), [],
            [0x1B, 0x5B, 0x32, 0x4A, 0xFF, 0xFE, 0x0A],
        ]
        let child = try startChild(BuildProducts.testChild, rawArguments: arguments)
        waitForExit(child.pid)
        _ = try #require(await collector.exit(of: child))
        await collector.stop()
        let exec = try #require(collector.events(of: child).compactMap(\.exec).first)
        #expect(
            exec.argv == [UntrustedText(BuildProducts.testChild.utf8)]
                + arguments.map(UntrustedText.init(bytes:)))
        #expect(exec.argvTruncated == false)
    }

    @Test("argv beyond 4 KiB is cut and flagged, not lost")
    func longArgumentsTruncated() async throws {
        let collector = EventCollector(try TestSources.bpf())
        let long = String(repeating: "x", count: 1000)
        let (child, _) = try runTestChild(["args"] + Array(repeating: long, count: 8))
        _ = try #require(await collector.exit(of: child))
        await collector.stop()
        let exec = try #require(collector.events(of: child).compactMap(\.exec).first)
        #expect(exec.argvTruncated)
        #expect(exec.argv.count >= 5)  // 4 KiB holds the path, "args" and four whole arguments
        #expect(exec.argv[2] == UntrustedText(long.utf8))
    }

    @Test("an exec path beyond 255 bytes arrives as its prefix, flagged; a short one is not flagged")
    func longFilenameTruncated() async throws {
        let collector = EventCollector(try TestSources.bpf())
        let directory = TemporaryDirectory()
        // Two nested 150-byte names: the path passed to execve is over 300 bytes.
        let deep =
            directory.path + "/" + String(repeating: "d", count: 150) + "/"
            + String(repeating: "e", count: 150)
        try FileManager.default.createDirectory(atPath: deep, withIntermediateDirectories: true)
        let program = deep + "/aiops-testchild"
        try FileManager.default.createSymbolicLink(
            atPath: program, withDestinationPath: BuildProducts.testChild)
        let long = try startChild(program, ["exit", "0"])
        waitForExit(long.pid)
        let (short, _) = try runTestChild(["exit", "0"])
        _ = try #require(await collector.exit(of: long))
        _ = try #require(await collector.exit(of: short))
        await collector.stop()
        let exec = try #require(collector.events(of: long).compactMap(\.exec).first)
        #expect(exec.filenameTruncated)
        #expect(exec.filename.bytes == Array(program.utf8.prefix(255)))
        let shortExec = try #require(collector.events(of: short).compactMap(\.exec).first)
        #expect(!shortExec.filenameTruncated)
        #expect(shortExec.filename == UntrustedText(BuildProducts.testChild.utf8))
    }

    @Test("a comm set to hostile bytes is reported exactly")
    func hostileComm() async throws {
        let collector = EventCollector(try TestSources.bpf())
        // "a) b (c" then ESC [ 2 J, 15 bytes the kernel keeps.
        let hex = "612920622028631b5b324a"
        let (child, _) = try runTestChild(["rename", hex, "50"])
        let exit = try #require(await collector.exit(of: child))
        await collector.stop()
        #expect(
            exit.0.process.comm.bytes == [0x61, 0x29, 0x20, 0x62, 0x20, 0x28, 0x63, 0x1B, 0x5B, 0x32, 0x4A])
        #expect(!exit.0.process.comm.terminalSafe.contains("\u{1B}"))
    }

    @Test("descendants are followed: the grandchild's exec and exit carry the tree's pids")
    func grandchildren() async throws {
        let collector = EventCollector(try TestSources.bpf())
        let (root, _) = try runTestChild(["tree", "2"])
        _ = try #require(await collector.exit(of: root))
        await collector.stop()
        let child = try #require(collector.forks(by: root).first.flatMap(Child.init(fork:)))
        let grandchild = try #require(collector.forks(by: child).first.flatMap(Child.init(fork:)))
        let grandchildExit = try #require(await collector.exit(of: grandchild))
        #expect(grandchildExit.1.status == .exited(7))
        #expect(grandchildExit.0.process.ppid == child.pid)
        #expect(collector.events(of: grandchild).compactMap(\.exec).first?.argv.suffix(2) == ["exit", "7"])
    }
}

/// The state letter of a process from /proc, for failure messages.
func procState(_ pid: pid_t) -> String {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = text.lastIndex(of: ")")
    else { return "gone" }
    return String(text[text.index(close, offsetBy: 2)...].prefix(1))
}

/// The pid namespaces of a child and of this process, for failure messages.
func namespaceReport(_ pid: pid_t) -> String {
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    let nspid = status.split(separator: "\n").first { $0.hasPrefix("NSpid") } ?? "NSpid: ?"
    let mine = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid")) ?? "?"
    let children =
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid_for_children")) ?? "?"
    let victim = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/pid")) ?? "?"
    return "\(nspid); victim ns \(victim); runner ns \(mine), for children \(children)"
}

/// One line per event, for failure messages.
func describe(_ event: LifecycleEvent) -> String {
    let at =
        "\(event.time.nanoseconds / 1_000_000)ms pid \(event.process.pid) (\(event.process.comm.terminalSafe))"
    switch event.payload {
    case .exec(let exec): return "\(at) exec \(exec.argv.map(\.terminalSafe))"
    case .fork(let fork): return "\(at) fork \(fork.childPID)"
    case .exit(let exit): return "\(at) exit \(exit.status?.summary ?? "?")"
    case .signal(let signal):
        return
            "\(at) signal \(signal.signal) -> \(signal.targetPID) code \(signal.code) result \(signal.result)"
    }
}
