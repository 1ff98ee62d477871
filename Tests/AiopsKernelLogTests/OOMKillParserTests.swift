import AiopsCore
import AiopsKernelLog
import Foundation
import Testing

@Suite("kernel log OOM kills")
struct OOMKillParserTests {
    // The lines the kernel printed for a memcg OOM kill of a unit inside the systemd lab
    // (shared/notes/systemd-lab.md), with the host's cgroup prefix.
    static let oomKill =
        "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
        + "oom_memcg=/aiops-lab-x/payload/system.slice/hog.service,"
        + "task_memcg=/aiops-lab-x/payload/system.slice/hog.service,task=python3,pid=32167,uid=0"
    static let killed =
        "Memory cgroup out of memory: Killed process 32167 (python3) total-vm:218760kB, anon-rss:50944kB, "
        + "file-rss:9000kB, shmem-rss:0kB, UID:0 pgtables:200kB oom_score_adj:0"

    @Test("the oom-kill line and the Killed process line make one record")
    func parsesKill() throws {
        var parser = OOMKillParser()
        parser.add(Array(Self.oomKill.utf8), time: 100)
        parser.add(Array(Self.killed.utf8), time: 101)
        let kill = try #require(parser.kills.first)
        #expect(parser.kills.count == 1)
        #expect(kill.constraint == "CONSTRAINT_MEMCG")
        #expect(kill.isCgroupLimit)
        #expect(kill.taskCgroup == "/aiops-lab-x/payload/system.slice/hog.service")
        #expect(kill.limitCgroup == "/aiops-lab-x/payload/system.slice/hog.service")
        #expect(kill.pid == 32167)
        #expect(kill.command == "python3")
        #expect(kill.anonymousResidentKB == 50944)
        #expect(kill.totalVirtualKB == 218_760)
        #expect(kill.time == 100)
        #expect(kill.belongs(toControlGroup: "/system.slice/hog.service"))
        #expect(!kill.belongs(toControlGroup: "/system.slice/og.service"))
        #expect(!kill.belongs(toControlGroup: "/system.slice/hog.servic"))
    }

    @Test("a task name with commas, parentheses and pid= is taken whole")
    func hostileComm() throws {
        var parser = OOMKillParser()
        let line =
            "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,"
            + "task_memcg=/system.slice/a.service,task=x,pid=1) (y,pid=4242,uid=1000"
        parser.add(Array(line.utf8), time: 5)
        let kill = try #require(parser.kills.first)
        #expect(kill.command == "x,pid=1) (y")
        #expect(kill.pid == 4242)
        #expect(kill.limitCgroup == nil)
        #expect(!kill.isCgroupLimit)
    }

    /// The kernel's own segfault line for a process that named itself "oom-kill:" and whose
    /// binary's name carries an OOM line's fields: genuine kernel text (facility kern), so the
    /// transport cannot tell it apart; only the prefix, longer than any task name, can.
    @Test("a kernel segfault line of a process named oom-kill: is not an OOM kill")
    func forgedBySegfault() throws {
        var parser = OOMKillParser()
        let line =
            "oom-kill:[4242]: segfault at 0 ip 0000000000401136 sp 00007ffd5f7c1e60 error 6 in "
            + "x,constraint=CONSTRAINT_MEMCG,oom_memcg=/system.slice/nginx.service,"
            + "task_memcg=/system.slice/nginx.service,task=nginx,pid=4242,[401000+1000]"
        parser.add(Array(line.utf8), time: 5)
        parser.add(Array("Killed process 4242 (nginx) total-vm:1kB, anon-rss:1kB".utf8), time: 6)
        #expect(parser.kills.isEmpty, "\(parser.kills)")
        // Every constraint the kernel writes still parses.
        for constraint in ["NONE", "CPUSET", "MEMORY_POLICY", "MEMCG"] {
            var genuine = OOMKillParser()
            genuine.add(
                Array(
                    Self.oomKill.replacingOccurrences(
                        of: "CONSTRAINT_MEMCG", with: "CONSTRAINT_\(constraint)"
                    ).utf8),
                time: 1)
            #expect(genuine.kills.count == 1, "\(constraint)")
        }
    }

    @Test("kmsg records: facility, sequence, time; user-space writes are told apart")
    func records() throws {
        let kernel = try #require(
            KmsgRecord.parse(Array("3,1234,5678901,-;\(Self.oomKill)\n SUBSYSTEM=x".utf8)[...]))
        #expect(kernel.isFromKernel)
        #expect(kernel.sequence == 1234)
        #expect(kernel.bootMicroseconds == 5_678_901)
        #expect(kernel.message == Array(Self.oomKill.utf8))
        let user = try #require(KmsgRecord.parse(Array("12,1,2,-;oom-kill:fake".utf8)[...]))
        #expect(!user.isFromKernel)
        #expect(KmsgRecord.parse(Array("garbage".utf8)[...]) == nil)
        #expect(KmsgRecord.parse(Array("a,b,c;x".utf8)[...]) == nil)
    }

    @Test("the real /dev/kmsg reads as root, without blocking")
    func readsRealKernelLog() {
        switch KernelLogReader().oomKills(since: 0) {
        case .read(_, let records, _): #expect(records > 0)
        case .unavailable(let reason): Issue.record("root should read /dev/kmsg: \(reason)")
        }
        switch KernelLogReader(path: "/nonexistent/kmsg").oomKills(since: 0) {
        case .read: Issue.record("a missing file must be unavailable")
        case .unavailable(let reason): #expect(reason.contains("/nonexistent/kmsg"))
        }
    }
}
