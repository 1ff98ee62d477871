import AiopsCore
import AiopsProc
import AiopsTestSupport
import Foundation
import Testing

/// The readers on real processes: children started under prlimit, with sockets, with growing
/// memory; oracles are what we set, `ss`, and the kernel's own counts.
@Suite("Resource readers on live processes")
struct ResourceLiveTests {
    /// Starts `prlimit OPTIONS testchild ARGS` and waits until prlimit has exec'd the child (same
    /// pid), so its limits are the child's.
    static func underPrlimit(_ options: [String], _ arguments: [String]) throws -> pid_t {
        let pid = try spawnChild("/usr/bin/prlimit", options + [BuildProducts.testChild] + arguments)
        let target = Array(URL(fileURLWithPath: BuildProducts.testChild).resolvingSymlinksInPath().path.utf8)
        if waitUntil(every: 0.005, { ProcFS().executable(pid: pid).value == target }) { return pid }
        throw SpawnError.failed("prlimit did not exec the test child", 0)
    }

    @Test("limits of a child under prlimit equal what was set, and what /proc/<pid>/limits says")
    func prlimitChild() throws {
        let pid = try Self.underPrlimit(
            ["--nofile=123:456", "--nproc=77:88", "--core=0:unlimited", "--stack=1048576:2097152"],
            ["sleep", "30"])
        defer {
            kill(pid, SIGKILL)
            waitForExit(pid)
        }
        let limits = try #require(ProcFS().reading(pid: pid, "limits", parse: ProcLimits.parse).value)
        #expect(limits[.openFiles]?.soft == .limited(123))
        #expect(limits[.openFiles]?.hard == .limited(456))
        #expect(limits[.processes]?.soft == .limited(77))
        #expect(limits[.processes]?.hard == .limited(88))
        #expect(limits[.coreFileSize]?.soft == .limited(0))
        #expect(limits[.coreFileSize]?.hard == .unlimited)
        #expect(limits[.stackSize]?.soft == .limited(1_048_576))
        #expect(limits[.stackSize]?.hard == .limited(2_097_152))
        // The file's own text, read independently with `cat`.
        let text = try runCommand("/bin/cat", ["/proc/\(pid)/limits"]).standardOutput
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("Max open files") })
        #expect(line.split(separator: " ").suffix(3) == ["123", "456", "files"])
    }

    @Test("a listening child: its listener and its established pair, as ss sees them")
    func listeningChild() throws {
        let child = try LiveChild(["listen", "0"])
        defer { child.stop() }
        var files = OpenFiles()
        try waitUntil {
            files = try #require(ProcFS().openFiles(pid: child.pid).value)
            return files.sockets == 3
        }
        #expect(files.sockets == 3)
        let sockets = try #require(ProcFS().sockets(pid: child.pid, inodes: files.socketInodes).value)
        #expect(sockets.otherSockets == 0)
        let listener = try #require(sockets.listening.first)
        #expect(sockets.listening.count == 1)
        #expect(listener.localAddress.description == "127.0.0.1")
        #expect(sockets.connections.count == 2)
        #expect(sockets.tcpStates == ["LISTEN": 1, "ESTABLISHED": 2])
        // One connection is to the listener's port (the client side), one from it.
        let client = try #require(sockets.connections.first { $0.remotePort == listener.localPort })
        #expect(
            sockets.connections.contains {
                $0.localPort == listener.localPort && $0.remotePort == client.localPort
            })

        // Oracle: ss, filtered to the child's pid.
        let listening = try runCommand("/usr/bin/ss", ["-Htlnp"]).outputLines.filter {
            $0.contains("pid=\(child.pid),")
        }
        #expect(listening.count == 1)
        #expect(listening.first?.contains("127.0.0.1:\(listener.localPort) ") == true)
        let established = try runCommand("/usr/bin/ss", ["-Htnp"]).outputLines.filter {
            $0.contains("pid=\(child.pid),")
        }
        #expect(established.count == 2)
        #expect(established.allSatisfy { $0.contains("127.0.0.1:\(client.localPort)") })
    }

    @Test("a child growing 8 MiB per step: sampled RSS follows; VmHWM is the peak")
    func growingChild() throws {
        // Steps half a second apart: the first sample lands before the second step even when
        // the machine is slow to start the sampling.
        let child = try LiveChild(["grow", "8", "4", "500"])
        defer { child.stop() }
        let key = try #require(child.waitForStat { _ in true }).key
        let sampler = ProcessResourceSampler()
        var samples: [ProcessResourceSample] = []
        // A sample every 120 ms (the sampling is the subject), at least eight, until the four
        // steps are resident.
        waitUntil(every: 0.12) {
            if let sample = sampler.sample(key) { samples.append(sample) }
            return samples.count >= 8 && (samples.last?.status.value?.residentAnonymousBytes ?? 0) >= 32 << 20
        }
        let series = samples.compactMap(\.residentBytes)
        #expect(series.count == samples.count && series.count >= 8)
        let growth = Int64(series.last!) - Int64(series.first!)
        #expect(growth >= 20 << 20, "grew \(growth) bytes")
        let last = try #require(samples.last?.status.value)
        let resident = try #require(last.residentBytes)
        #expect(try #require(last.peakResidentBytes) >= resident)
        #expect(try #require(last.residentAnonymousBytes) >= 32 << 20)
        let rollup = try #require(
            ProcFS().reading(pid: child.pid, "smaps_rollup", parse: SmapsRollup.parse).value)
        #expect(try #require(rollup.proportionalBytes) >= 32 << 20)
        // The snapshot vocabulary carries the same figures.
        #expect(samples.last?.snapshot.residentBytes == samples.last?.residentBytes)
    }

    @Test("a pid reused by another process ends the series")
    func identity() throws {
        let child = try LiveChild(["sleep", "30"])
        defer { child.stop() }
        let stat = try #require(child.waitForStat { _ in true })
        let sampler = ProcessResourceSampler()
        #expect(sampler.sample(stat.key) != nil)
        #expect(sampler.sample(ProcessKey(pid: stat.pid, startTicks: stat.startTicks + 1)) == nil)
    }

    @Test("descriptors: a child opening 20 /dev/null descriptors is counted exactly")
    func descriptorCount() throws {
        let child = try LiveChild(["fds", "20", "0"])
        defer { child.stop() }
        var count = 0
        waitUntil {
            count = ProcFS().openFileCount(pid: child.pid).value ?? 0
            return count == 23  // inherited descriptors closed, 20 opened
        }
        // stdin (/dev/null), stdout, stderr, then 20 more; the oracle is ls.
        let listing = try runCommand("/bin/ls", ["/proc/\(child.pid)/fd"]).outputLines.count
        #expect(count == listing)
        let files = try #require(ProcFS().openFiles(pid: child.pid).value)
        #expect(files.devices >= 21)
        #expect(files.count == count)
    }

    @Test("our own io and context switches are readable and move")
    func ownCounters() throws {
        let before = try #require(ProcFS().reading(pid: getpid(), "io", parse: ProcIO.parse).value)
        _ = try Data(contentsOf: URL(fileURLWithPath: "/proc/self/status"))
        let after = try #require(ProcFS().reading(pid: getpid(), "io", parse: ProcIO.parse).value)
        #expect(after.readCharacters > before.readCharacters)
        #expect(after.readSyscalls > before.readSyscalls)
        let switches = try #require(ProcessResourceSampler().contextSwitches(pid: getpid()).value)
        #expect(switches.threadsCounted >= 1)
        #expect(switches.voluntary + switches.involuntary > 0)
    }

    @Test("two children of the same executable find each other, and not us")
    func sameExecutable() throws {
        let first = try LiveChild(["sleep", "30"])
        defer { first.stop() }
        let second = try LiveChild(["sleep", "30"])
        defer { second.stop() }
        let executable = try #require(ProcFS().executable(pid: first.pid).value)
        let scan = ProcFS().processes(runningExecutable: executable, excluding: first.pid)
        #expect(scan.pids.contains(second.pid))
        #expect(!scan.pids.contains(first.pid))
        #expect(!scan.pids.contains(getpid()))
    }

    @Test("a gone process: every reader says gone, none crashes")
    func goneProcess() throws {
        let pid = try ProcFSTests.impossiblePID()
        #expect(ProcFS().openFileCount(pid: pid).unavailableReason == .gone)
        #expect(ProcFS().openFiles(pid: pid).unavailableReason == .gone)
        #expect(ProcFS().reading(pid: pid, "io", parse: ProcIO.parse).unavailableReason == .gone)
        #expect(ProcFS().reading(pid: pid, "limits", parse: ProcLimits.parse).unavailableReason == .gone)
        #expect(ProcFS().executable(pid: pid).unavailableReason == .gone)
        #expect(ProcessResourceSampler().contextSwitches(pid: pid).unavailableReason == .gone)
        #expect(ProcFS().sockets(pid: pid, inodes: [1]).unavailableReason == .gone)
        #expect(ProcessResourceSampler().sample(ProcessKey(pid: pid, startTicks: 1)) == nil)
    }

    @Test("a kernel thread has no executable and no memory lines, without an error")
    func kernelThread() {
        #expect(ProcFS().executable(pid: 2).unavailableReason == .missing)
        let status = ProcFS().reading(pid: 2, "status", parse: ProcStatusResources.parse).value
        #expect(status?.residentBytes == nil)
        #expect(status?.threads == 1)
    }
}
