import AiopsTestSupport
import Foundation
import Testing

/// `aiops analyze process --resources` run as an operator runs it: the real binary against real
/// children — under prlimit, listening, growing, in a memory cgroup, renamed to hostile bytes.
@Suite("aiops analyze process --resources")
struct AnalyzeProcessTests {
    @Test("limits under prlimit: the report's numbers are what was set and what /proc/<pid>/limits says")
    func prlimitLimits() throws {
        let child = try AnalyzedChild(
            prlimit: ["--nofile=123:456", "--nproc=77:88", "--core=0:unlimited"], ["sleep", "30"])
        defer { child.stop() }
        let json = try analyzeJSON([
            "--pid", "\(child.pid)", "--resources", "--duration", "300ms", "--interval", "100ms",
        ])
        let limits = json.objects("limits")
        func limit(_ key: String) -> [String: Any]? { limits.first { $0.string("resource") == key } }
        #expect(limit("open_files")?.int("soft") == 123)
        #expect(limit("open_files")?.int("hard") == 456)
        #expect(limit("processes")?.int("soft") == 77)
        #expect(limit("processes")?.int("hard") == 88)
        #expect(limit("core_file_size")?.int("soft") == 0)
        #expect(limit("core_file_size")?.string("hard") == "unlimited")
        // Usage next to the limit: the child holds a few descriptors.
        let files = try #require(json.object("files")?.int("open"))
        #expect(limit("open_files")?.int("usage") == files)

        // Every row equals the kernel's table, parsed here independently: the name is the
        // first 25 columns, then soft and hard.
        let text = try String(contentsOfFile: "/proc/\(child.pid)/limits", encoding: .utf8)
        let rows = text.split(separator: "\n").dropFirst()
        #expect(rows.count == limits.count)
        for row in rows {
            let name = row.prefix(25).trimmingCharacters(in: .whitespaces)
            let fields = row.dropFirst(25).split(separator: " ")
            let entry = try #require(limits.first { $0.string("name") == name }, "\(name)")
            for (key, field) in [("soft", fields[0]), ("hard", fields[1])] {
                let reported = entry[key].map { "\($0)" }
                #expect(reported == String(field), "\(name) \(key)")
            }
        }

        // The table shows the same numbers on the open files and processes rows.
        let table = try analyze(["--pid", "\(child.pid)", "--duration", "300ms", "--interval", "100ms"])
        #expect(table.status == 0)
        let openFiles = try #require(table.outputLines.first { $0.contains("│   open files ") })
        #expect(
            openFiles.split(separator: " ").contains("123") && openFiles.split(separator: " ").contains("456")
        )
        let processes = try #require(table.outputLines.first { $0.contains("│   processes ") })
        #expect(
            processes.split(separator: " ").contains("77") && processes.split(separator: " ").contains("88"))
        #expect(table.standardOutput.contains("core dumps are off"))
    }

    @Test("a listening child: its port under listening, its connection with the peer, as ss sees them")
    func listeningSockets() throws {
        let child = try AnalyzedChild(["listen", "0"])
        defer { child.stop() }
        // ss is the oracle for the port the child was given.
        var listening: [String] = []
        try waitUntil(every: 0.05) {
            listening = try runCommand("/usr/bin/ss", ["-Htlnp"]).outputLines.filter {
                $0.contains("pid=\(child.pid),")
            }
            return listening.count == 1
        }
        let local = try #require(listening.first?.split(separator: " ").first { $0.hasPrefix("127.0.0.1:") })
        let port = try #require(Int(local.split(separator: ":").last ?? ""))
        let established = try runCommand("/usr/bin/ss", ["-Htnp"]).outputLines.filter {
            $0.contains("pid=\(child.pid),")
        }
        #expect(established.count == 2)

        let json = try analyzeJSON(["--pid", "\(child.pid)", "--duration", "300ms", "--interval", "100ms"])
        let network = try #require(json.object("network"))
        let listeners = network.objects("listening")
        #expect(listeners.count == 1)
        #expect(listeners.first?.string("protocol") == "tcp")
        #expect(listeners.first?.string("address") == "127.0.0.1")
        #expect(listeners.first?.int("port") == port)
        let connections = network.objects("connections")
        #expect(connections.count == 2)
        let client = try #require(connections.first { $0.int("remote_port") == port })
        #expect(client.string("remote_address") == "127.0.0.1")
        #expect(client.string("state") == "ESTABLISHED")
        #expect(
            connections.contains {
                $0.int("local_port") == port && $0.int("remote_port") == client.int("local_port")
            })
        #expect(network.object("tcp_states")?.int("listen") == 1)
        #expect(network.object("tcp_states")?.int("established") == 2)
        #expect(json.object("files")?.int("sockets") == 3)

        let table = try analyze(["--pid", "\(child.pid)", "--duration", "300ms", "--interval", "100ms"])
        #expect(table.standardOutput.contains("Listening  tcp 127.0.0.1:\(port) "))
        #expect(table.standardOutput.contains("→ 127.0.0.1:\(port) ESTABLISHED"))
    }

    /// 2 MiB every 250 ms: 480 MiB/min while it grows (2000 steps: it outlives any test window).
    static let growArguments = ["grow", "2", "2000", "250"]
    static let expectedMiBPerMinute = 2.0 * 60 / 0.25

    @Test("a growing child over 11 s is a likely leak, with a plausible slope")
    func leakDetected() throws {
        let child = try AnalyzedChild(Self.growArguments)
        defer { child.stop() }
        #expect(child.waitForResident(atLeast: 4 << 20))
        let json = try analyzeJSON(["--pid", "\(child.pid)", "--duration", "11s", "--interval", "500ms"])
        let rss = try #require(json.object("trends")?.object("rss"))
        #expect(rss.string("verdict") == "likely_leak", "\(rss)")
        let slope = try #require(rss.double("slope_per_min")) / 1_048_576
        // The child sleeps 250 ms per step plus the time to touch 2 MiB: a bit under 480.
        #expect(
            slope > Self.expectedMiBPerMinute * 0.75 && slope < Self.expectedMiBPerMinute * 1.1,
            "\(slope) MiB/min")
        #expect(try #require(rss.double("r_squared")) > 0.95)
        #expect(rss.int("samples") == 23)
        #expect(json.objects("samples").count == 23)
        #expect(json.object("trends")?.object("threads")?.string("verdict") == "no_growth")
        let notes = json.objects("notes")
        #expect(notes.first?.string("severity") == "critical")
        #expect(notes.first?.string("text")?.contains("likely a leak") == true)
    }

    @Test("a steady child over 11 s is not reported as leaking")
    func steadyNotLeaking() throws {
        let child = try AnalyzedChild(["sleep", "60"])
        defer { child.stop() }
        let result = try analyze(["--pid", "\(child.pid)", "--duration", "11s", "--interval", "500ms"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("RSS        no sustained growth"))
        #expect(!result.standardOutput.contains("leak"))
        #expect(result.standardOutput.contains("nothing grew steadily"))
    }

    @Test("the default 5 s window says growth is too short to call a leak")
    func defaultWindowTooShort() throws {
        let child = try AnalyzedChild(Self.growArguments)
        defer { child.stop() }
        #expect(child.waitForResident(atLeast: 4 << 20))
        let json = try analyzeJSON(["--pid", "\(child.pid)", "--resources"])
        #expect(json.object("window")?.double("requested_duration_s") == 5)
        #expect(json.object("window")?.int("samples") == 6)
        let rss = try #require(json.object("trends")?.object("rss"))
        #expect(rss.string("verdict") == "growing_too_short")
        #expect(rss.string("summary")?.hasSuffix("too short to tell a leak from warm-up") == true)
        #expect(json.objects("notes").contains { $0.string("text")?.contains("--duration 60s") == true })
    }

    @Test("a v1 memory cgroup limit: 'RSS … of … limit (…%)', named where it is set")
    func cgroupMemoryLimit() throws {
        let base = "/sys/fs/cgroup/memory"
        try #require(access(base + "/cgroup.procs", W_OK) == 0, "needs root and the v1 memory hierarchy")
        let name = "/aiops-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try #require(mkdir(base + name, 0o755) == 0)
        let child = try AnalyzedChild(["grow", "8", "8", "0"])
        defer {
            child.stop()
            // The killed child leaves the cgroup a moment after it is reaped.
            waitUntil { rmdir(base + name) == 0 || errno == ENOENT }
        }
        try Data("268435456\n".utf8).write(to: URL(fileURLWithPath: base + name + "/memory.limit_in_bytes"))
        try Data("\(child.pid)\n".utf8).write(to: URL(fileURLWithPath: base + name + "/cgroup.procs"))
        #expect(child.waitForResident(atLeast: 64 << 20))

        let json = try analyzeJSON(["--pid", "\(child.pid)", "--duration", "300ms", "--interval", "100ms"])
        let memory = try #require(json.object("cgroup")?.object("memory"))
        #expect(memory.int("version") == 1)
        #expect(memory.string("cgroup") == name)
        #expect(memory.int("limit_bytes") == 268_435_456)
        #expect(memory.string("limit_cgroup") == name)
        let rss = try #require(json.object("memory")?.double("rss_bytes"))
        let share = try #require(memory.double("rss_percent_of_limit"))
        #expect(abs(share - rss / 268_435_456 * 100) < 0.01)
        #expect(share > 24 && share < 40)

        let table = try analyze(["--pid", "\(child.pid)", "--duration", "300ms", "--interval", "100ms"])
        let line = try #require(table.outputLines.first { $0.contains("cgroup     RSS ") })
        let pattern = /RSS \d+\.\d MiB of 256\.0 MiB limit \((\d+)%\)/
        let match = try #require(line.firstMatch(of: pattern))
        #expect(Int(match.1).map { abs(Double($0) - share) <= 1 } == true)
        #expect(table.standardOutput.contains("limit set on"))
        #expect(table.standardOutput.contains("\(name) (v1)"))
    }

    @Test("JSON: schema, RFC 3339 UTC times, identity and the facts of each section")
    func jsonShape() throws {
        let child = try AnalyzedChild(["fds", "10", "0"])
        defer { child.stop() }
        #expect(child.waitForOpenFiles(13), "stdin, stdout, stderr and the ten it opens")
        let json = try analyzeJSON(["--pid", "\(child.pid)", "--duration", "1s", "--interval", "250ms"])
        #expect(json.string("schema") == "aiops.analyze.process.resources/1")
        let rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/
        #expect(json.string("time")?.wholeMatch(of: rfc3339) != nil)
        let window = try #require(json.object("window"))
        for key in ["start", "end"] { #expect(window.string(key)?.wholeMatch(of: rfc3339) != nil) }
        #expect(window.int("samples") == 5)
        #expect(window.string("ended") == "completed")
        let process = try #require(json.object("process"))
        #expect(process.int("pid") == Int(child.pid))
        #expect(process.string("comm") == "aiops-testchild")
        #expect((process["argv"] as? [String])?.suffix(3) == ["fds", "10", "0"])
        #expect(process.string("start_time")?.wholeMatch(of: rfc3339) != nil)
        #expect(process.int("ppid") == Int(getpid()))
        #expect(json.object("files")?.int("open") == 13)
        #expect(json.object("files")?.int("devices") == 11)
        #expect(json.object("threads")?.int("count") == 1)
        #expect(try #require(json.object("memory")?.int("rss_bytes")) > 0)
        #expect(json.object("io")?.int("rchar") != nil)
        #expect(json.object("cpu")?.int("online_cpus") == ProcessInfo.processInfo.activeProcessorCount)
        #expect(json.object("same_executable")?.string("executable")?.hasSuffix("aiops-testchild") == true)
        #expect((json["unavailable"] as? [String: Any])?.isEmpty == true)
        for sample in json.objects("samples") { #expect(sample.int("open_files") == 13) }
    }

    @Test("a hostile comm is escaped in the table; no raw escape or bell reaches the terminal")
    func hostileComm() throws {
        // comm "evil" ESC "]0;pwned" BEL newline
        let child = try AnalyzedChild(["rename", "6576696c1b5d303b70776e65640707", "20000"])
        defer { child.stop() }
        #expect(waitUntil { processName(child.pid)?.hasPrefix("evil") == true })
        let result = try analyze(["--pid", "\(child.pid)", "--duration", "300ms", "--interval", "100ms"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("Process resources: PID \(child.pid) (evil\\e]0;pwned\\x07"))
        #expect(!result.standardOutput.contains("\u{1B}"))
        #expect(!result.standardOutput.contains("\u{07}"))
        // Every line of the box is exactly 80 columns: nothing pushed the border out.
        for line in result.standardOutput.split(separator: "\n") {
            #expect(reportColumns(line) == 80, "\(line)")
        }
        let json = try analyzeJSON(["--pid", "\(child.pid)", "--duration", "300ms", "--interval", "100ms"])
        #expect(json.object("process")?.string("comm") == "evil\u{1B}]0;pwned\u{07}\u{07}")
    }

    @Test("another user's process without root: unreadable sections say 'unavailable (permission)', not 0")
    func withoutPermission() throws {
        let child = try AnalyzedChild(["listen", "0"])
        defer { child.stop() }
        let nobody = [
            "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all",
            BuildProducts.aiopsForAnyUser, "analyze", "process", "--pid", "\(child.pid)", "--duration",
            "300ms",
            "--interval", "100ms",
        ]
        let table = try runCommand("/usr/bin/setpriv", nobody, timeout: 30)
        #expect(table.status == 0, "stderr: \(table.standardError)")
        #expect(table.standardOutput.contains("Counters   unavailable (permission)"))
        #expect(table.standardOutput.contains("Sockets    unavailable (permission)"))
        #expect(table.standardOutput.contains("Open       unavailable (permission)"))
        #expect(!table.standardOutput.contains("Storage    read 0 B/s"))
        let json = try runCommand("/usr/bin/setpriv", nobody + ["--json"], timeout: 30)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect(object["io"] is NSNull)
        #expect(object["files"] is NSNull)
        #expect(object["network"] is NSNull)
        let unavailable = try #require(object["unavailable"] as? [String: String])
        #expect(unavailable["io"] == "permission")
        #expect(unavailable["files"] == "permission")
        // What anyone may read is still there.
        #expect(try #require(object.object("memory")?.int("rss_bytes")) > 0)
        #expect(object.objects("limits").count == 16)
    }

    @Test("a process that exits mid-window: reported from its last sample, exit 0, said so")
    func exitsDuringWindow() throws {
        let child = try AnalyzedChild(["linger", "1200", "0"], reapInBackground: true)
        defer { child.stop() }
        let json = try analyzeJSON(["--pid", "\(child.pid)", "--duration", "5s", "--interval", "200ms"])
        #expect(json.object("window")?.string("ended") == "process_exited")
        // Ended by the exit (after about 1.2 s), not by the 5 s asked for: no tighter bound, a
        // loaded machine may start the sampler late.
        #expect(try #require(json.object("window")?.double("duration_s")) < 5)
        #expect(
            json.objects("notes").contains { $0.string("text")?.contains("the process exited after") == true }
        )
    }

    @Test("Ctrl-C ends the window early and still reports")
    func interrupted() throws {
        let child = try AnalyzedChild(["sleep", "60"])
        defer { child.stop() }
        let running = try RunningCommand(
            BuildProducts.aiops,
            ["analyze", "process", "--pid", "\(child.pid)", "--duration", "60s", "--json"])
        #expect(running.waitFor { _, error in error.contains("sampling PID \(child.pid)") })
        // The subject: the window runs past its first interval (1 s after the first sample, taken
        // before that line) before Ctrl-C, so it has a second sample to report. A second and a
        // half to spare: a sampler on a busy core wakes late, and nothing shows when it did.
        usleep(2_500_000)
        running.signal(SIGINT)
        // Ended by the signal, not killed at the deadline: exit 0 and "interrupted" say so, at
        // whatever speed the machine has.
        #expect(running.finish() == 0, "stderr: \(running.standardError)")
        let object = try #require(running.jsonLines.first)
        #expect(object.object("window")?.string("ended") == "interrupted")
        #expect(try #require(object.object("window")?.int("samples")) >= 2)
    }

    @Test("a thread id is analyzed as its process, with a note")
    func threadID() throws {
        let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").compactMap {
            Int32($0)
        }
        let tid = try #require(tasks.first { $0 != getpid() })
        let json = try analyzeJSON(["--pid", "\(tid)", "--duration", "300ms", "--interval", "100ms"])
        #expect(json.object("process")?.int("pid") == Int(getpid()))
        #expect(json.object("process")?.int("requested_pid") == Int(tid))
        #expect(
            json.objects("notes").contains {
                $0.string("text")?.contains("is a thread of process \(getpid())") == true
            })
    }
}
