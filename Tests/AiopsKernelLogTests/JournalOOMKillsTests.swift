import AiopsAnalyze
import AiopsCore
import AiopsKernelLog
import AiopsSystemd
import AiopsTestSupport
import Foundation
import Testing

/// OOM kills read from the journal's kernel entries (`_TRANSPORT=kernel`), as `journalctl -o json`
/// prints them. A real kernel OOM kill cannot be produced in the systemd lab on this host (cgroup
/// v1 makes MemoryMax= a no-op inside, and the lab has no /dev/kmsg for its journald to read),
/// so the entries are written out in journalctl's exact form, with the kernel's exact wording
/// (shared/notes/domain-facts.md, and the lines the host kernel printed for a lab unit).
@Suite("kernel OOM kills from the journal")
struct JournalOOMKillsTests {
    static let unitCgroup = "/system.slice/mysql.service"

    /// One kernel-transport entry: the fields journald's /dev/kmsg reader stores.
    static func kernelEntry(_ message: String, at realtime: Int64, facility: Int = 0, priority: Int = 6)
        -> String
    {
        let monotonic = realtime - 1_795_500_000_000_000
        return
            #"{"__CURSOR":"s=66cba1f61400464e94b818cf2c35f5e9;i=4d2;b=3f2ad68ed1604d6992f6c347b50727aa;m=\#(String(monotonic, radix: 16));t=\#(String(realtime, radix: 16));x=8c7e943febc7bd27","__REALTIME_TIMESTAMP":"\#(realtime)","__MONOTONIC_TIMESTAMP":"\#(monotonic)","_BOOT_ID":"3f2ad68ed1604d6992f6c347b50727aa","_MACHINE_ID":"1e54c892e43640e7871a6bdadcc5cd30","_HOSTNAME":"db1","PRIORITY":"\#(priority)","SYSLOG_FACILITY":"\#(facility)","SYSLOG_IDENTIFIER":"kernel","_TRANSPORT":"kernel","_SOURCE_MONOTONIC_TIMESTAMP":"\#(monotonic - 900)","MESSAGE":"\#(message)"}"#
    }

    /// The same MESSAGE sent by a user process (`logger -t kernel`): syslog transport, its own
    /// pid and uid, and whatever facility and identifier it claimed.
    static func userEntry(_ message: String, at realtime: Int64) -> String {
        #"{"__REALTIME_TIMESTAMP":"\#(realtime)","__MONOTONIC_TIMESTAMP":"99","_BOOT_ID":"3f2ad68ed1604d6992f6c347b50727aa","PRIORITY":"3","SYSLOG_FACILITY":"0","SYSLOG_IDENTIFIER":"kernel","_TRANSPORT":"syslog","_PID":"4711","_UID":"1000","_GID":"1000","_COMM":"logger","MESSAGE":"\#(message)"}"#
    }

    static func oomKillLine(pid: Int, cgroup: String = unitCgroup, task: String = "mysqld") -> String {
        "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=\(cgroup),"
            + "task_memcg=\(cgroup),task=\(task),pid=\(pid),uid=27"
    }

    static func killedLine(pid: Int, task: String = "mysqld") -> String {
        "Memory cgroup out of memory: Killed process \(pid) (\(task)) total-vm:5242880kB, anon-rss:4194304kB, "
            + "file-rss:1024kB, shmem-rss:0kB, UID:27 pgtables:9000kB oom_score_adj:0"
    }

    /// A whole memcg OOM kill as the kernel logs it, in order.
    static func oomReport(pid: Int, at time: Int64) -> [String] {
        [
            kernelEntry(
                "mysqld invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0", at: time,
                priority: 4),
            kernelEntry("Memory cgroup stats for \(unitCgroup):", at: time + 40, priority: 6),
            kernelEntry(oomKillLine(pid: pid), at: time + 90),
            kernelEntry(killedLine(pid: pid), at: time + 95, priority: 3),
            kernelEntry(
                "oom_reaper: reaped process \(pid) (mysqld), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
                at: time + 3000),
        ]
    }

    static func collect(_ lines: [String]) throws -> JournalOOMKills.Collector {
        var collector = JournalOOMKills.Collector()
        for line in lines { collector.add(try #require(JournalJSON.parse(Array(line.utf8)))) }
        return collector
    }

    @Test("a kernel OOM report in the journal: one kill, its cgroups, pid, memory and journald's time")
    func kernelReport() throws {
        let collector = try Self.collect(Self.oomReport(pid: 2891, at: 1_795_586_573_481_234))
        #expect(collector.kills.count == 1)
        let kill = try #require(collector.kills.first)
        #expect(kill.pid == 2891)
        #expect(kill.command == "mysqld")
        #expect(kill.constraint == "CONSTRAINT_MEMCG")
        #expect(kill.taskCgroup == Self.unitCgroup)
        #expect(kill.limitCgroup == Self.unitCgroup)
        #expect(kill.anonymousResidentKB == 4_194_304)
        #expect(kill.totalVirtualKB == 5_242_880)
        #expect(kill.time == 1_795_586_573_481_234 + 90, "the oom-kill line's __REALTIME_TIMESTAMP")
        #expect(kill.belongs(toControlGroup: Self.unitCgroup))
        #expect(collector.rejected == 0)
    }

    @Test("the same MESSAGE from a user process, or written into /dev/kmsg from user space, is ignored")
    func forgedEntriesIgnored() throws {
        let line = Self.oomKillLine(pid: 2891)
        let forged = try Self.collect([
            Self.userEntry(line, at: 1_795_586_573_000_000),
            Self.userEntry(Self.killedLine(pid: 2891), at: 1_795_586_573_000_010),
            // `echo … > /dev/kmsg` as root: kernel transport, but the kernel gives it facility 1.
            Self.kernelEntry(line, at: 1_795_586_573_000_020, facility: 1),
        ])
        #expect(forged.kills.isEmpty)
        #expect(forged.rejected == 3)

        // The genuine kernel entry among them still counts, once.
        let mixed = try Self.collect([
            Self.userEntry(line, at: 1_795_586_573_000_000),
            Self.kernelEntry(line, at: 1_795_586_573_000_100),
        ])
        #expect(mixed.kills.map(\.time) == [1_795_586_573_000_100])
    }

    @Test("other kernel lines pass through without a kill; a hostile task name is taken whole")
    func otherLines() throws {
        let collector = try Self.collect([
            Self.kernelEntry("e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex", at: 10),
            Self.kernelEntry(
                "mysqld[2891]: segfault at 0 ip 0000 sp 0000 error 4 in mysqld[400000+1000]", at: 20),
            Self.kernelEntry(Self.oomKillLine(pid: 77, task: "x,pid=1) (y"), at: 30),
        ])
        #expect(collector.kills.map(\.pid) == [77])
        #expect(collector.kills.first?.command == "x,pid=1) (y")
    }

    @Test("a week-old SIGKILL death of the unit with the kernel's OOM lines in the journal is an OOM kill")
    func attributedToTheRun() throws {
        // Six days ago: the unit's main process died of SIGKILL (cgroup v1: systemd sees no
        // more), the kernel had logged the memcg OOM kill 4 ms before; the ring has long lost it.
        let death = 1_795_586_573_000_000 as Int64
        let events = [
            ServiceEvent(kind: .started, time: death - 3_600_000_000, invocationID: "a"),
            ServiceEvent(
                kind: .processExited(.init(code: .killed, status: 9)), time: death, invocationID: "a"),
            ServiceEvent(kind: .failed(result: "signal"), time: death + 100, invocationID: "a"),
            ServiceEvent(kind: .restartScheduled(counter: 1), time: death + 1_000_000, invocationID: "a"),
            ServiceEvent(kind: .started, time: death + 1_200_000, invocationID: "b"),
        ]
        func cause(_ lines: [String]) throws -> RestartEpisode.Cause? {
            let kills = OOMKillMerge.merge(ring: [], journal: try Self.collect(lines).kills)
            return RestartHistory(
                events: events, context: .init(controlGroup: Self.unitCgroup, kernelOOMKills: kills)
            ).episodes.first?.cause
        }
        let report = Self.oomReport(pid: 2891, at: death - 4_000 - 90)
        let kill = try #require(try Self.collect(report).kills.first)
        #expect(try cause(report) == .oomKill(evidence: .kernel(kill)))
        // The same lines sent by a user process prove nothing: a SIGKILL crash it stays.
        let forged = [
            Self.userEntry(Self.oomKillLine(pid: 2891), at: death - 4_000),
            Self.userEntry(Self.killedLine(pid: 2891), at: death - 3_990),
        ]
        #expect(try cause(forged) == .crash(signal: 9, coreDumped: false))
        // A kill of another unit's process at that moment is not this unit's.
        let other = [
            Self.kernelEntry(Self.oomKillLine(pid: 9, cgroup: "/system.slice/web.service"), at: death)
        ]
        #expect(try cause(other) == .crash(signal: 9, coreDumped: false))
    }

    @Test("a kill still in the /dev/kmsg ring and in the journal counts once, with the journal's time")
    func mergeWithRing() throws {
        let journal = try Self.collect(
            Self.oomReport(pid: 2891, at: 1_795_586_573_000_000)
                + Self.oomReport(pid: 3000, at: 1_795_600_000_000_000)
        ).kills
        #expect(journal.count == 2)
        // The ring's copy of the second kill: its time converted from the boot clock, 1.5 s off.
        var ringCopy = journal[1]
        ringCopy.time += 1_500_000
        ringCopy.anonymousResidentKB = nil
        // A kill only the ring has (journald was not running, or the entry was rotated away).
        let ringOnly = KernelOOMKill(
            time: 1_795_700_000_000_000, constraint: "CONSTRAINT_NONE", taskCgroup: "/system.slice/x.service",
            limitCgroup: nil, pid: 3000, command: "x", anonymousResidentKB: 10)
        let merged = OOMKillMerge.merge(ring: [ringCopy, ringOnly], journal: journal)
        #expect(merged.map(\.pid) == [2891, 3000, 3000])
        #expect(merged[1] == journal[1], "the journal's record is kept")
        #expect(merged[2] == ringOnly)

        // The same pid in the same cgroup far apart in time is two kills.
        var later = journal[0]
        later.time += 3_600_000_000
        #expect(OOMKillMerge.merge(ring: [later], journal: [journal[0]]).count == 2)
        // Details the journal's copy lacks come from the ring.
        var bare = journal[0]
        bare.anonymousResidentKB = nil
        #expect(OOMKillMerge.merge(ring: [journal[0]], journal: [bare]) == [journal[0]])
    }

    @Test("journalctl reads the kernel transport of every boot, narrowed by --grep when it can")
    func arguments() {
        let arguments = JournalReader(journalctl: "journalctl").kernelArguments(
            .init(sinceSeconds: 1_795_000_000, grep: JournalOOMKills.pattern, fields: JournalOOMKills.fields),
            grep: true)
        #expect(
            arguments == [
                "journalctl", "--no-pager", "-o", "json", "--since=@1795000000",
                "--output-fields=MESSAGE,_TRANSPORT,SYSLOG_FACILITY", "--grep=oom-kill:|Killed process",
                "_TRANSPORT=kernel",
            ])
        #expect(!arguments.contains("-k"), "-k is this boot only")
    }

    @Test("--grep that matched nothing (journalctl 252 then exits 1, silently) is no OOM kill, not a failure")
    func nothingMatched() throws {
        let directory = TemporaryDirectory()
        let fake = directory.path + "/journalctl"
        let unfiltered = directory.path + "/read-unfiltered"
        try writeExecutableScript(
            """
            #!/bin/sh
            for argument; do case "$argument" in --grep=*) exit 1;; esac; done
            touch '\(unfiltered)'
            """, to: fake)
        let outcome = JournalOOMKills.read(
            sinceSeconds: 0,
            reader: JournalReader(journalctl: fake, runner: ProgramRunner(timeoutSeconds: 20)))
        guard case .read(let kills, 0, true) = outcome else {
            Issue.record("expected a narrowed read without kills, got \(outcome)")
            return
        }
        #expect(kills.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: unfiltered), "no second, unfiltered read")
    }

    @Test("a journalctl without PCRE2 refuses --grep: the period's kernel entries are read and filtered here")
    func withoutPCRE2() throws {
        let directory = TemporaryDirectory()
        let fake = directory.path + "/journalctl"
        let entries =
            Self.oomReport(pid: 2891, at: 1_795_586_573_000_000) + [
                Self.kernelEntry(
                    "usb 1-1: new high-speed USB device number 2 using xhci_hcd", at: 1_795_586_574_000_000)
            ]
        let output = entries.joined(separator: "\n").replacingOccurrences(of: "'", with: "'\\''")
        // journalctl 252 built without PCRE2 says this and exits 1 before printing anything.
        try writeExecutableScript(
            """
            #!/bin/sh
            for argument; do
                case "$argument" in --grep=*) echo "Compiled without pattern matching support" >&2; exit 1;; esac
            done
            printf '%s\\n' '\(output)'
            """, to: fake)
        let outcome = JournalOOMKills.read(
            sinceSeconds: 0,
            reader: JournalReader(journalctl: fake, runner: ProgramRunner(timeoutSeconds: 20)))
        guard case .read(let kills, let read, let narrowed) = outcome else {
            Issue.record("expected kills, got \(outcome)")
            return
        }
        #expect(kills.map(\.pid) == [2891])
        #expect(read == entries.count, "every kernel entry of the period was read")
        #expect(!narrowed)

        // One that takes --grep: what it printed is used as it is.
        try writeExecutableScript(
            "#!/bin/sh\nprintf '%s\\n' '\(output)'\n", to: fake)
        guard
            case .read(let grepped, _, true) = JournalOOMKills.read(
                sinceSeconds: 0,
                reader: JournalReader(journalctl: fake, runner: ProgramRunner(timeoutSeconds: 20)))
        else {
            Issue.record("a journalctl that took --grep must count as narrowed")
            return
        }
        #expect(grepped.map(\.pid) == [2891])

        // One that cannot read the journal at all fails with or without --grep: unavailable, why said.
        try writeExecutableScript(
            "#!/bin/sh\necho 'No journal files were found.' >&2\nexit 1\n", to: fake)
        guard
            case .unavailable(let reason) = JournalOOMKills.read(
                sinceSeconds: 0,
                reader: JournalReader(journalctl: fake, runner: ProgramRunner(timeoutSeconds: 20)))
        else {
            Issue.record("a failing journalctl must be unavailable")
            return
        }
        #expect(reason.contains("No journal files were found."))
    }
}
