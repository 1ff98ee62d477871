import AiopsCore
import AiopsTestSupport
import AiopsTrace
import Foundation
import Testing

/// The same cases through the fallbacks, asserting what each can see. The proc connector knows
/// exit statuses (including the thread case) but not signals; polling sees only what outlives
/// its interval, and exit statuses only of zombies it caught.
@Suite("Proc connector source")
struct ConnectorSourceTests {
    @Test("exit 3, SIGSEGV with core, and SIGKILL decoded from the connector's wait status")
    func statuses() async throws {
        let collector = EventCollector(try TestSources.connector())
        let directory = TemporaryDirectory()
        let (exited, _) = try runTestChild(["exit", "3"], in: directory)
        let (crashed, _) = try runTestChild(["segv", "core"], in: directory)
        let victim = try startChild(BuildProducts.testChild, ["sleep", "600"], in: directory.path)
        waitUntilAsleep(victim.pid)
        let (killer, _) = try runTestChild(["kill", String(victim.pid), String(SIGKILL)], in: directory)
        waitForExit(victim.pid)

        let exitedEvent = try #require(await collector.exit(of: exited))
        let crashedEvent = try #require(await collector.exit(of: crashed))
        let killedEvent = try #require(await collector.exit(of: victim))
        _ = await collector.exit(of: killer)
        await collector.stop()
        #expect(exitedEvent.0.source == .procConnector)
        #expect(exitedEvent.1.status == .exited(3))
        #expect(crashedEvent.1.status == .killed(by: SIGSEGV, coreDumped: true))
        #expect(killedEvent.1.status == .killed(by: SIGKILL))
        // What this backend cannot see: no signal events, so no killer.
        #expect(collector.events.allSatisfy { $0.signal == nil })
        #expect(killedEvent.1.killer == nil)
        // The connector's exit event has no name; the table supplies the one /proc showed after
        // the exec — or none, when the process was gone before /proc could be read. Never the
        // parent's name from before the exec.
        #expect(exitedEvent.0.process.comm == "aiops-testchild" || exitedEvent.0.process.comm.isEmpty)
    }

    @Test("a process that lives long enough gets its name and argv from /proc")
    func namesOfLongerLivedProcess() async throws {
        let collector = EventCollector(try TestSources.connector())
        let (child, _) = try runTestChild(["linger", "200", "9"])
        let exit = try #require(await collector.exit(of: child))
        await collector.stop()
        #expect(exit.1.status == .exited(9))
        #expect(exit.0.process.comm == "aiops-testchild")
        #expect(exit.1.argv?.suffix(3) == ["linger", "200", "9"])
    }

    @Test("main thread exits first, a worker later exit(5)s: the connector path also says 5, once")
    func mainThreadExitsFirst() async throws {
        let collector = EventCollector(try TestSources.connector())
        let (child, status) = try runTestChild(["thread-last", "5"])
        #expect(status == 5 << 8)
        let exit = try #require(await collector.exit(of: child))
        try await collector.drain()  // a second exit, if there were one, has arrived
        await collector.stop()
        #expect(exit.1.status == .exited(5))
        #expect(collector.events(of: child).filter { $0.isExit(of: child) }.count == 1)
    }

    @Test("threads are counted, not reported as process forks or exits")
    func threads() async throws {
        let collector = EventCollector(try TestSources.connector(threads: true))
        let (child, _) = try runTestChild(["thread"])
        _ = try #require(await collector.exit(of: child))
        await collector.stop()
        let forks = collector.forks(by: child)
        #expect(forks.count == 1)
        #expect(forks.first?.isThread == true)
        #expect(collector.events(of: child).filter { $0.isExit(of: child) }.count == 1)
    }

    @Test("exec argv read from /proc for a process that lives long enough")
    func arguments() async throws {
        let collector = EventCollector(try TestSources.connector())
        let (child, _) = try runTestChild(["args", "hello world", "héllo"])
        _ = try #require(await collector.exit(of: child))
        await collector.stop()
        let exec = try #require(collector.events(of: child).compactMap(\.exec).first)
        #expect(exec.argv == [UntrustedText(BuildProducts.testChild.utf8), "args", "hello world", "héllo"])
    }

    @Test("descendants: fork events link child to parent")
    func grandchildren() async throws {
        let collector = EventCollector(try TestSources.connector())
        let (root, _) = try runTestChild(["tree", "2"])
        _ = try #require(await collector.exit(of: root))
        await collector.stop()
        // The connector reads a child's start from /proc, which a child that lives a millisecond
        // no longer has: follow the chain by pid within the tree's own short life.
        let child = try #require(collector.forks(by: root).first?.childPID)
        let grandchild = try #require(
            collector.events.first { $0.process.pid == child && $0.fork?.isThread == false }?.fork?.childPID)
        let exit = try #require(collector.events.first { $0.process.pid == grandchild && $0.kind == .exit })
        guard case .exit(let details) = exit.payload else { return }
        #expect(details.status == .exited(7))
    }
}

@Suite("Proc polling source")
struct PollSourceTests {
    @Test(
        "a process that outlives the interval is seen starting and, caught as a zombie, exiting with its status"
    )
    func lingeringProcess() async throws {
        let collector = EventCollector(TestSources.poll(intervalMilliseconds: 50))
        let child = try startChild(BuildProducts.testChild, ["linger", "400", "4"])
        // Left a zombie until a scan has read its status: the exit arrives before the reaping.
        let exit = try #require(await collector.exit(of: child))
        waitForExit(child.pid)
        await collector.stop()
        #expect(exit.0.source == .procPoll)
        #expect(exit.1.status == .exited(4))
        let fork = try #require(collector.events.first { $0.fork.flatMap(Child.init(fork:)) == child })
        #expect(fork.process.pid == getpid())
        let exec = try #require(collector.events(of: child).compactMap(\.exec).first)
        #expect(exec.argv.suffix(3) == ["linger", "400", "4"])
    }

    @Test("a process reaped between scans exits with an unknown status, not a made-up one")
    func reapedBetweenScans() async throws {
        let collector = EventCollector(TestSources.poll(intervalMilliseconds: 50))
        let child = try startChild(BuildProducts.testChild, ["linger", "300", "0"])
        waitForExit(child.pid)  // reaped at once: a zombie only for an instant
        let exit = try #require(await collector.exit(of: child))
        await collector.stop()
        #expect(exit.1.status == nil || exit.1.status == .exited(0))
    }
}

@Suite("Proc polling: threads and renames")
struct PollThreadTests {
    @Test(
        "a live process whose main thread exited is not an exit; its real end has one exit, not a made-up 0")
    func mainThreadFirst() async throws {
        let collector = EventCollector(TestSources.poll(intervalMilliseconds: 30))
        let child = try startChild(BuildProducts.testChild, ["thread-last", "5"])
        // The finished process stays a zombie until a scan has reported its exit; then it is
        // reaped, and a scan after that must not make up a second one.
        _ = await collector.exit(of: child)
        #expect(waitForExit(child.pid) == 5 << 8)
        try await collector.drain()
        await collector.stop()
        let exits = collector.events(of: child).filter { $0.isExit(of: child) }
        #expect(exits.count == 1)
        guard case .exit(let details) = exits.first?.payload else { return }
        // /proc shows the main thread's 0; the process's 5 cannot be seen by polling: unknown.
        #expect(details.status == nil || details.status == .exited(5))
    }

    @Test("a rename (PR_SET_NAME) is not an exec")
    func renameIsNotExec() async throws {
        let collector = EventCollector(TestSources.poll(intervalMilliseconds: 30))
        // Renames itself only once the poller has seen its exec (the go file appears), so that a
        // scan stalled by a loaded machine cannot merge the exec and the rename into one change;
        // and exits only once a scan has seen the new name (the done file appears). The child's
        // sleeps are its polls for those files.
        let directory = TemporaryDirectory()
        let go = directory.file("go")
        let renamed = directory.file("renamed")
        let done = directory.file("done")
        let script = """
            import ctypes, os, sys, time
            while not os.path.exists(sys.argv[1]): time.sleep(0.02)
            ctypes.CDLL(None).prctl(15, b'renamed', 0, 0, 0); open(sys.argv[2], 'w').close()
            while not os.path.exists(sys.argv[3]): time.sleep(0.02)
            """
        let child = try startChild("/usr/bin/python3", ["-c", script, go, renamed, done])
        let execSeen = await collector.waitUntil { _ in
            collector.events(of: child).contains { $0.exec != nil && $0.process.comm == "python3" }
        }
        #expect(execSeen)
        #expect(FileManager.default.createFile(atPath: go, contents: nil))
        #expect(await waitUntil { FileManager.default.fileExists(atPath: renamed) })
        try await collector.drain()  // a scan after the rename
        #expect(FileManager.default.createFile(atPath: done, contents: nil))
        _ = await collector.exit(of: child)
        waitForExit(child.pid)
        await collector.stop()
        let events = collector.events(of: child)
        // Its exec, as it appeared; the rename is no second one.
        #expect(events.compactMap(\.exec).count == 1)
        #expect(!events.contains { $0.exec != nil && $0.process.comm == "renamed" })
        // The rename did happen and was seen: its exit carries the new name.
        #expect(events.contains { $0.isExit(of: child) && $0.process.comm == "renamed" })
    }
}

@Suite("Proc connector: threads around the subscription")
struct ConnectorSubscriptionRaceTests {
    @Test("a process creating and joining threads while the connector subscribes exits once, with its status")
    func churnDuringSubscription() async throws {
        let child = try startChild(BuildProducts.testChild, ["churn", "9"])
        // Churning: the child names itself once its first thread came and went (catching one of
        // its threads alive in /proc is luck: each lives microseconds, and a loaded machine
        // failed to within a minute).
        #expect(await waitUntil { processName(child.pid) == "churning" })
        // Subscribed (and counted) while thousands of threads come and go.
        let collector = EventCollector(try TestSources.connector())
        // The subject: the churn goes on for a while with the subscription in place, so thread
        // events race the connector's bookkeeping. Any length does; a slow machine churns less.
        try await Task.sleep(nanoseconds: 300_000_000)
        kill(child.pid, SIGUSR1)
        #expect(waitForExit(child.pid) == 9 << 8)
        let exit = try #require(await collector.exit(of: child))
        try await collector.drain()  // a second exit, if there were one, has arrived
        await collector.stop()
        let statistics = collector.source.statistics()
        #expect(exit.1.status == .exited(9), "source: \(exit.0.source), \(statistics)")
        #expect(collector.events(of: child).filter { $0.isExit(of: child) }.count == 1)
    }
}
