import AiopsTestSupport
import Foundation
import Testing

/// The /proc and cgroup scans run under valgrind with thousands of processes. A `readdir` record
/// is only `d_reclen` bytes long: code that copies the whole 256-byte `d_name` out of one reads
/// past glibc's directory buffer, which valgrind reports as an invalid read and which once killed
/// the monitor daemon with SIGSEGV. Only addressability errors are asked for: that is the class
/// this guards, and Swift's runtime is not written for valgrind's definedness tracking.
///
/// valgrind 3.19 cannot read Swift 6.3's DWARF 5, and crashes on the dynamically linked debug
/// build's libdispatch, so it runs a stripped copy of the release binary (`make test` builds it).
@Suite("Scans under valgrind", .serialized)
struct ScanMemorySafetyTests {
    /// Enough processes that /proc's listing spans many of glibc's 32 KiB directory buffers, so
    /// some record ends right at a buffer's end: where the old overread faulted.
    static let processCount = 2_500

    @Test("collect, analyze process, doctor and the polling monitor read no byte out of bounds")
    func scansReadNothingOutOfBounds() async throws {
        let valgrind = "/usr/bin/valgrind"
        try #require(
            FileManager.default.isExecutableFile(atPath: valgrind),
            "valgrind is not installed (.ci/run installs it)")
        let release = BuildProducts.releaseAiops
        try #require(
            FileManager.default.isExecutableFile(atPath: release),
            "no release build at \(release): run `make build`")
        let directory = TemporaryDirectory()
        let stripped = directory.file("aiops")
        let strip = try await runCommand("/usr/bin/strip", ["-o", stripped, release])
        try #require(strip.status == 0, "strip: \(strip.standardError)")

        let crowd = try await ProcessCrowd.start(count: Self.processCount, directory: directory)
        defer { crowd.end() }

        let commands: [[String]] = [
            ["collect", "processes", "--json"],
            [
                "analyze", "process", "--pid", String(crowd.leader), "--resources", "--duration", "1s",
                "--json",
            ],
            ["doctor", "--json"],
            [
                "monitor", "processes", "--critical", String(crowd.leader), "--backend", "poll", "--duration",
                "2s",
                "--no-history", "--json",
            ],
        ]
        for command in commands {
            // Off the test pool (async runCommand): a valgrind run takes minutes, and the pool's
            // two threads are what the other suites' event consumers run on.
            let result = try await runCommand(
                valgrind,
                ["--error-exitcode=99", "--undef-value-errors=no", "--leak-check=no", "-q", stripped]
                    + command,
                timeout: 900)
            #expect(
                result.status != 99,
                "\(command.joined(separator: " ")): valgrind found errors:\n\(result.standardError)")
            #expect(
                result.status == 0,
                "\(command.joined(separator: " ")) exited \(result.status): \(result.standardError)")
            #expect(!result.standardError.contains("Invalid read"), "\(result.standardError)")
            if command.first == "collect" {
                // The scan really saw the crowd: otherwise this test would prove nothing.
                let report = try #require(
                    try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
                )
                let processes = try #require(report["processes"] as? [[String: Any]])
                #expect(processes.count > Self.processCount)
            }
        }
    }
}

/// A python3 process that forks `count` children that pause, in a process group of its own so
/// one kill ends them all.
private struct ProcessCrowd {
    let leader: pid_t

    static func start(count: Int, directory: TemporaryDirectory) async throws -> ProcessCrowd {
        let ready = directory.file("ready")
        // The crowd never outlives the test: each child dies with the leader (PR_SET_PDEATHSIG,
        // the leader is single-threaded), and the leader leaves once the test process is gone
        // (its parent changes), even if the test crashed before `end()`.
        let script = """
            import ctypes, os, signal, time
            libc = ctypes.CDLL(None)
            os.setpgrp()
            parent = os.getppid()
            for _ in range(\(count)):
                if os.fork() == 0:
                    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
                    signal.pause()
                    os._exit(0)
            open('\(ready)', 'w').write('ready')
            while os.getppid() == parent:
                time.sleep(1)
            """
        let crowd = ProcessCrowd(leader: try spawnChild("/usr/bin/python3", ["-c", script]))
        // Forking thousands of children takes a while on a loaded machine: wait for the word,
        // not for a time (the deadline only decides when to give up).
        let leader = crowd.leader
        let forked = await waitUntil(timeout: 10 * patience, every: 0.05) {
            (try? String(contentsOfFile: ready, encoding: .utf8)) == "ready" || kill(leader, 0) != 0
        }
        guard forked, kill(leader, 0) == 0 else {
            crowd.end()
            throw CrowdFailure(description: "python3 did not fork \(count) children")
        }
        return crowd
    }

    func end() {
        kill(-leader, SIGKILL)
        kill(leader, SIGKILL)
        waitForExit(leader)
    }

    struct CrowdFailure: Error, CustomStringConvertible { var description: String }
}
