import AiopsCore
import AiopsStore
import AiopsTestSupport
import Foundation
import Testing

/// `aiops monitor processes` as an operator runs it: the real binary, real children, the real
/// kernel, a real HTTP server for the webhook and a real SQLite history.
@Suite("aiops monitor processes")
struct MonitorTests {
    /// Starts a monitor and waits for its "monitoring with" line.
    static func startMonitor(_ arguments: [String]) async throws -> RunningCommand {
        // --only-critical: crashes of other suites' children must not take this test's alert
        // slot (deduplication, the rate limit).
        let monitor = try RunningCommand(
            BuildProducts.aiops, ["monitor", "processes", "--only-critical"] + arguments)
        let started = await monitor.waitFor(seconds: patience) { _, error in
            error.contains("monitoring with ")
        }
        #expect(started, "no start line; stderr: \(monitor.standardError)")
        return monitor
    }

    static func alerts(_ monitor: RunningCommand, kind: String, pid: pid_t) -> [[String: Any]] {
        monitor.jsonLines.filter { $0["kind"] as? String == kind && $0["pid"] as? Int == Int(pid) }
    }

    @Test(
        "a critical process killed by another: the alert names the signal and the killer; SIGTERM ends cleanly"
    )
    func crashWithKiller() async throws {
        let directory = TemporaryDirectory()
        let victim = try startChild(BuildProducts.testChild, ["sleep", "600"], in: directory.path)
        let monitor = try await Self.startMonitor([
            "--critical", String(victim.pid), "--json", "--no-history", "--interval", "1",
        ])
        #expect(monitor.standardError.contains("1 critical process(es) watched"), "\(monitor.standardError)")
        let (killer, killerStatus) = try runTestChild(
            ["kill", String(victim.pid), String(SIGSEGV)], in: directory)
        #expect(killerStatus == 0)
        #expect(waitForExit(victim.pid) & 0x7f == SIGSEGV)
        #expect(
            await monitor.waitFor(seconds: patience) { _, _ in
                !Self.alerts(monitor, kind: "process_exited", pid: victim.pid).isEmpty
            })
        monitor.signal(SIGTERM)
        let status = await monitor.finish(seconds: patience)
        #expect(status == 0, "stderr: \(monitor.standardError)")

        let alert = try #require(Self.alerts(monitor, kind: "process_exited", pid: victim.pid).first)
        let facts = try #require(alert["facts"] as? [String: Any])
        #expect(alert["severity"] as? String == "critical")
        #expect(facts["signal"] as? String == "SIGSEGV")
        #expect(facts["killer_pid"] as? Int == Int(killer.pid))
        #expect(facts["killer_comm"] as? String == "aiops-testchild")
        #expect(facts["sent_by_kernel"] as? Bool == false)
        #expect((alert["summary"] as? String)?.contains("killed by SIGSEGV") == true)
        #expect(monitor.standardError.contains("monitored "), "no summary: \(monitor.standardError)")
    }

    @Test("a critical process whose memory keeps growing: a leak alert with its slope")
    func leakFound() async throws {
        // Named, so it is watched from its first step, however long the monitor takes to start.
        let monitor = try await Self.startMonitor([
            "--critical", "aiops-testchild", "--json", "--no-history", "--interval", "1",
        ])
        // 1 MiB every 200 ms until killed: a steady 300 MiB/min climb.
        let grower = try startChild(BuildProducts.testChild, ["grow", "1", "1000", "200"])
        defer {
            kill(grower.pid, SIGKILL)
            waitForExit(grower.pid)
        }
        let found = await monitor.waitFor(seconds: patience) { _, _ in
            Self.alerts(monitor, kind: "resource_leak", pid: grower.pid).contains {
                ($0["facts"] as? [String: Any])?["resource"] as? String == "memory"
            }
        }
        monitor.signal(SIGTERM)
        #expect(await monitor.finish(seconds: patience) == 0, "stderr: \(monitor.standardError)")
        #expect(found, "alerts: \(monitor.standardOutput)")
        let leak = try #require(Self.alerts(monitor, kind: "resource_leak", pid: grower.pid).first)
        let slope = try #require((leak["facts"] as? [String: Any])?["slope_per_minute"] as? Double)
        // 300 MiB/min written; the resident set follows it closely.
        #expect(slope > 150 * 1_048_576 && slope < 450 * 1_048_576, "slope \(slope)")
    }

    @Test("the webhook on 127.0.0.1 receives the alert JSON; the alert file gets the same line")
    func webhookReceivesAlert() async throws {
        let server = try TestHTTPServer(.respond([200]))
        defer { server.stop() }
        let directory = TemporaryDirectory()
        let alertFile = directory.file("alerts.jsonl")
        let victim = try startChild(BuildProducts.testChild, ["sleep", "600"], in: directory.path)
        let monitor = try await Self.startMonitor([
            "--critical", String(victim.pid), "--no-history", "--interval", "1", "--webhook", server.url,
            "--alert-file", alertFile,
        ])
        kill(victim.pid, SIGKILL)
        waitForExit(victim.pid)
        let received = await monitor.waitFor(seconds: patience) { _, _ in
            server.requests.contains {
                String(decoding: $0.body, as: UTF8.self).contains("\"pid\":\(victim.pid),")
            }
        }
        monitor.signal(SIGTERM)
        #expect(await monitor.finish(seconds: patience) == 0, "stderr: \(monitor.standardError)")
        #expect(received, "no POST; stderr: \(monitor.standardError)")
        // The monitor may also have posted a system-wide alert (another suite's fork storm).
        let request = try #require(
            server.requests.first { request in
                let body = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
                return body?["pid"] as? Int == Int(victim.pid)
            }, "\(server.requests.map { String(decoding: $0.body, as: UTF8.self) })")
        #expect(request.requestLine.hasPrefix("POST /hooks/aiops?token=secret"))
        #expect(request.header("Content-Type") == "application/json")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect(body["kind"] as? String == "process_exited")
        #expect(body["pid"] as? Int == Int(victim.pid))
        #expect((body["facts"] as? [String: Any])?["signal"] as? String == "SIGKILL")
        let fileLines = try String(contentsOfFile: alertFile, encoding: .utf8).split(separator: "\n")
        #expect(fileLines.contains { $0.utf8.elementsEqual(request.body) })
        // The terminal line for people, on stderr.
        #expect(monitor.standardError.contains("killed by SIGKILL"))
    }

    @Test("SIGTERM right after a crash: the exit is in the history with its resource snapshot")
    func terminationFlushesHistory() async throws {
        let directory = TemporaryDirectory()
        let historyPath = directory.file("history.sqlite")
        let victim = try startChild(BuildProducts.testChild, ["sleep", "600"], in: directory.path)
        let monitor = try await Self.startMonitor([
            "--critical", String(victim.pid), "--json", "--history", historyPath, "--interval", "1",
        ])
        // One scan first, so the snapshot at death has a sample behind it.
        #expect(
            await monitor.waitFor(seconds: patience) { _, _ in
                (try? Data(contentsOf: URL(fileURLWithPath: historyPath))) != nil
            })
        // Time for scans (one a second) to sample the victim: no line marks a scan, so four
        // intervals, which a monitor on a busy core still fits two or three scans into.
        try await Task.sleep(nanoseconds: 4_000_000_000)
        kill(victim.pid, SIGABRT)
        waitForExit(victim.pid)
        #expect(
            await monitor.waitFor(seconds: patience) { _, _ in
                !Self.alerts(monitor, kind: "process_exited", pid: victim.pid).isEmpty
            })
        monitor.signal(SIGTERM)
        #expect(await monitor.finish(seconds: patience) == 0, "stderr: \(monitor.standardError)")

        let reader = try HistoryReader.open(at: historyPath)
        let allExits = try reader.exits()
        let exits = allExits.filter { $0.pid == victim.pid }
        let exit = try #require(exits.first, "history holds: \(allExits)")
        #expect(exit.status == .killed(by: SIGABRT))
        #expect(exit.comm == "aiops-testchild")
        let snapshot = try #require(exit.snapshot)
        #expect((snapshot.residentBytes ?? 0) > 0)
        #expect(snapshot.threads == 1)
        #expect(snapshot.openFiles != nil)
        let alerts = try reader.alerts().filter { $0.kind == .processExited && $0.pid == victim.pid }
        #expect(alerts.count == 1)
    }

    @Test("a corrupt aiops history is set aside, reported once, and monitoring goes on")
    func corruptHistory() async throws {
        let directory = TemporaryDirectory()
        let historyPath = directory.file("history.sqlite")
        // A real aiops history (its header carries aiops's application id) whose pages after
        // the header are overwritten: aiops's own file, proven damaged.
        let (store, _) = try HistoryStore.open(at: directory.file("model.sqlite"))
        store.close()
        var bytes = try Data(contentsOf: URL(fileURLWithPath: directory.file("model.sqlite")))
        for index in 100..<bytes.count { bytes[index] = UInt8(truncatingIfNeeded: index &* 131) }
        let garbage = bytes
        for suffix in ["", "-wal", "-shm"] { unlink(directory.file("model.sqlite") + suffix) }
        try garbage.write(to: URL(fileURLWithPath: historyPath))
        let victim = try startChild(BuildProducts.testChild, ["sleep", "600"], in: directory.path)
        let monitor = try await Self.startMonitor([
            "--critical", String(victim.pid), "--json", "--history", historyPath, "--interval", "1",
        ])
        kill(victim.pid, SIGKILL)
        waitForExit(victim.pid)
        #expect(
            await monitor.waitFor(seconds: patience) { _, _ in
                !Self.alerts(monitor, kind: "process_exited", pid: victim.pid).isEmpty
            })
        monitor.signal(SIGTERM)
        #expect(await monitor.finish(seconds: patience) == 0, "stderr: \(monitor.standardError)")

        let problems = monitor.jsonLines.filter {
            $0["kind"] as? String == "monitor_problem" && $0["subject"] as? String == "history \(historyPath)"
        }
        #expect(problems.count == 1, "\(monitor.standardOutput)")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        // The database itself, not the -wal/-shm SQLite made beside it while looking.
        let movedAside = try #require(
            names.first {
                $0.hasPrefix("history.sqlite.corrupt-") && !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm")
            })
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.file(movedAside))) == garbage)
        let exits = try HistoryReader.open(at: historyPath).exits().filter { $0.pid == victim.pid }
        #expect(exits.count == 1)
    }

    @Test(
        "--history naming a file aiops did not create (a copy of /etc/passwd, a device node): exit 2, untouched",
        arguments: ["passwd", "device"])
    func refusedHistory(kind: String) throws {
        let directory = TemporaryDirectory()
        let path = directory.file(kind)
        if kind == "passwd" {
            try Data(contentsOf: URL(fileURLWithPath: "/etc/passwd")).write(to: URL(fileURLWithPath: path))
        } else {
            try #require(getuid() == 0, "mknod needs root (CI runs as root)")
            #expect(mknod(path, S_IFCHR | 0o666, deviceNumber(major: 1, minor: 3)) == 0)
        }
        var before = stat()
        lstat(path, &before)
        let bytesBefore = kind == "passwd" ? try Data(contentsOf: URL(fileURLWithPath: path)) : nil
        let result = try runCommand(
            BuildProducts.aiops,
            ["monitor", "processes", "--critical", "1", "--history", path, "--duration", "1s"], timeout: 60)
        #expect(result.status == 2, "stderr: \(result.standardError)")
        #expect(result.standardError.contains("refusing the history \(path)"), "\(result.standardError)")
        #expect(!result.standardError.contains("monitoring with"), "it must not start")
        var after = stat()
        lstat(path, &after)
        #expect(
            after.st_ino == before.st_ino && after.st_mode == before.st_mode
                && after.st_rdev == before.st_rdev)
        if let bytesBefore { #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytesBefore) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [kind])
    }

    @Test("a history that cannot be opened for lack of descriptors is not corruption: never moved aside")
    func historyWithoutDescriptors() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("history.sqlite")
        let (store, _) = try HistoryStore.open(at: path)
        store.close()
        var before = stat()
        lstat(path, &before)
        // So few descriptors that SQLite, or the look at the header before it, runs out: which
        // limit does it depends on what the monitor opened first, so several are tried, and at
        // least one must have left the history unavailable for the test to mean anything.
        var unavailable = 0
        for limit in [6, 8, 10, 12] {
            let result = try runCommand(
                "/usr/bin/prlimit",
                [
                    "--nofile=\(limit):\(limit)", BuildProducts.aiops, "monitor", "processes", "--critical",
                    "1",
                    "--history", path, "--duration", "1s", "--backend", "poll",
                ], timeout: 60)
            if result.standardError.contains("history \(path): unavailable") { unavailable += 1 }
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(names.allSatisfy { !$0.contains("corrupt") }, "limit \(limit): \(names)")
        }
        #expect(unavailable > 0, "no limit made the history unavailable: the test proved nothing")
        var after = stat()
        lstat(path, &after)
        #expect(after.st_ino == before.st_ino)
        _ = try HistoryReader.open(at: path)
    }

    @Test("--daemon as a user who may not write its log: exit 77, the path named, nothing started")
    func daemonLogNotWritable() async throws {
        let directory = TemporaryDirectory()
        chmod(directory.path, 0o755)  // nobody may enter, not write
        let logFile = directory.file("logs/monitor.log")
        let result = try await runCommand(
            "/usr/bin/setpriv",
            [
                "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all",
                BuildProducts.aiopsForAnyUser, "monitor", "processes", "--daemon", "--critical", "1",
                "--no-history",
                "--log-file", logFile, "--pid-file", "/tmp/aiops-nobody-\(getpid()).pid", "--backend", "poll",
            ], timeout: 60)
        #expect(result.status == 77, "stderr: \(result.standardError)")
        #expect(
            result.standardError.contains(
                "cannot create the log directory \(directory.file("logs")): Permission denied"),
            "\(result.standardError)")
        #expect(!result.standardError.contains("running in the background"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("logs")))
    }

    @Test(
        "--daemon: backgrounds with a pid file, refuses a second copy, SIGTERM removes the file within seconds"
    )
    func daemonLifecycle() async throws {
        let directory = TemporaryDirectory()
        let pidFile = directory.file("monitor.pid")
        let logFile = directory.file("monitor.log")
        let arguments = [
            "monitor", "processes", "--daemon", "--pid-file", pidFile, "--log-file", logFile, "--no-history",
            "--critical", "no-such-process-name",
        ]
        let started = try await runCommand(BuildProducts.aiops, arguments, timeout: 60)
        #expect(started.status == 0, "stderr: \(started.standardError)")
        #expect(started.standardError.contains("running in the background"))
        let text = try String(contentsOfFile: pidFile, encoding: .utf8)
        let pid = try #require(pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, 0) == 0)
        let log = try String(contentsOfFile: logFile, encoding: .utf8)
        #expect(log.contains("nothing matches 'no-such-process-name' yet"), "log: \(log)")

        let second = try await runCommand(BuildProducts.aiops, arguments, timeout: 60)
        #expect(second.status == 1)
        #expect(
            second.standardError.contains("another monitor is running (pid \(pid)"), "\(second.standardError)"
        )
        #expect(!second.standardError.contains("aiops: aiops:"), "\(second.standardError)")

        kill(pid, SIGTERM)
        #expect(
            await waitUntil { kill(pid, 0) != 0 },
            "still running \(Int(patience)) s after SIGTERM")
        #expect(!FileManager.default.fileExists(atPath: pidFile))
        let finalLog = try String(contentsOfFile: logFile, encoding: .utf8)
        #expect(finalLog.contains("monitored "), "log: \(finalLog)")
    }

    @Test("SIGHUP re-reads the config file; a bad file keeps the running settings")
    func reloadConfig() async throws {
        let directory = TemporaryDirectory()
        let config = directory.file("monitor.conf")
        try "critical = no-such-process-name\ninterval = 1\nhistory = off\n".write(
            toFile: config, atomically: true, encoding: .utf8)
        let victim = try startChild(BuildProducts.testChild, ["sleep", "600"], in: directory.path)
        defer {
            kill(victim.pid, SIGKILL)
            waitForExit(victim.pid)
        }
        let monitor = try await Self.startMonitor(["--config", config, "--json"])
        try "critical = \(victim.pid)\ninterval = 1\nhistory = off\n".write(
            toFile: config, atomically: true, encoding: .utf8)
        monitor.signal(SIGHUP)
        #expect(
            await monitor.waitFor(seconds: patience) { _, error in
                error.contains("1 critical process(es) watched")
            })
        try "critical = 1\nbogus_key = 3\n".write(toFile: config, atomically: true, encoding: .utf8)
        monitor.signal(SIGHUP)
        #expect(
            await monitor.waitFor(seconds: patience) { _, error in
                error.contains("reload failed, settings unchanged")
            })
        #expect(monitor.standardError.contains("monitor.conf:2: unknown setting 'bogus_key'"))
        kill(victim.pid, SIGKILL)
        #expect(
            await monitor.waitFor(seconds: patience) { _, _ in
                !Self.alerts(monitor, kind: "process_exited", pid: victim.pid).isEmpty
            })
        monitor.signal(SIGTERM)
        #expect(await monitor.finish(seconds: patience) == 0, "stderr: \(monitor.standardError)")
    }

    @Test(
        "a named critical process killed, a probe that ends at once ignored, then its restart: old and new pid"
    )
    func restartAfterGrace() async throws {
        let directory = TemporaryDirectory()
        // exec'd through a link, the kernel names the process after the link: a name no other
        // process on the machine has (a copy of this test may have run before).
        let name = "svc-" + String(UInt32.random(in: 0..<UInt32.max), radix: 36)
        let program = directory.file(name)
        try FileManager.default.createSymbolicLink(
            atPath: program, withDestinationPath: BuildProducts.testChild)
        let first = try startChild(program, ["sleep", "600"])
        let monitor = try await Self.startMonitor([
            "--critical", name, "--json", "--no-history", "--interval", "1",
        ])
        #expect(monitor.standardError.contains("1 critical process(es) watched"), "\(monitor.standardError)")
        kill(first.pid, SIGKILL)
        waitForExit(first.pid)
        #expect(
            await monitor.waitFor(seconds: patience) { _, _ in
                !Self.alerts(monitor, kind: "process_exited", pid: first.pid).isEmpty
            })
        // Like `ExecStartPre=nginx -t`: the same program, ending at once. Not a restart.
        let probe = try await runCommand(program, ["exit", "0"])
        #expect(probe.status == 0)
        let second = try startChild(program, ["sleep", "600"])
        defer {
            kill(second.pid, SIGKILL)
            waitForExit(second.pid)
        }
        let restarted = await monitor.waitFor(seconds: patience) { _, _ in
            !Self.alerts(monitor, kind: "process_restarted", pid: second.pid).isEmpty
        }
        monitor.signal(SIGTERM)
        #expect(await monitor.finish(seconds: patience) == 0, "stderr: \(monitor.standardError)")
        #expect(restarted, "alerts: \(monitor.standardOutput)")
        let restarts = monitor.jsonLines.filter { $0["kind"] as? String == "process_restarted" }
        #expect(restarts.count == 1, "\(restarts)")
        let facts = try #require(restarts.first?["facts"] as? [String: Any])
        #expect(facts["old_pid"] as? Int == Int(first.pid))
        #expect(facts["new_pid"] as? Int == Int(second.pid))
        #expect((facts["downtime_s"] as? Double ?? 0) > 0)
        // The probe's exit 0 was neither a restart nor an alert.
        let exits = monitor.jsonLines.filter { $0["kind"] as? String == "process_exited" }
        #expect(exits.count == 1, "\(exits)")
    }

    @Test("bad arguments and a bad config file are usage errors (exit 2) that name the problem")
    func usageErrors() async throws {
        let directory = TemporaryDirectory()
        let config = directory.file("bad.conf")
        try "interval = soon\n".write(toFile: config, atomically: true, encoding: .utf8)
        for (arguments, message) in [
            (["--critical", "a/b"], "not a process name"),
            (["--critical", "nginx;.service"], "not a unit name"),
            (["--interval", "0"], "--interval"), (["--interval", "500ms"], "at least 1s"),
            (["--foreground"], "--foreground goes with --daemon"),
            (["--config", config], "bad.conf:1: interval"), (["--webhook", "ftp://x"], "webhook"),
            (["--critical", ""], "names no process"), (["--critical", " , "], "names no process"),
            (["--duration", " 1s"], "spaces around it"), (["--alert-file", ""], "empty path"),
            (["--alert-file", directory.path], "is a directory"),
        ] {
            let result = try await runCommand(
                BuildProducts.aiops, ["monitor", "processes", "--no-history"] + arguments)
            #expect(result.status == 2, "\(arguments): \(result.standardError)")
            #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
        }
    }
}
