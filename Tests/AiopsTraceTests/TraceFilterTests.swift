import AiopsCore
import AiopsProc
import AiopsTestSupport
import Foundation
import Testing

@testable import AiopsTrace

@Suite("Trace filters")
struct TraceFilterTests {
    @Test("--pid follows descendants born during the trace, and forgets them when they exit")
    func processTree() {
        let root = Script.process(10, start: Script.t0)
        let filter = TraceFilter(
            processTree: ProcessTreeFilter(root: ProcessKey(pid: 10, start: Script.t0), existing: []))
        let child = Script.process(11, start: Script.at(1), tid: 11)
        let grandchild = Script.process(12, start: Script.at(2))
        let stranger = Script.process(99, start: Script.at(2))
        #expect(filter.admit(Script.fork(root, child: 11, childStart: Script.at(1), at: 1)))
        #expect(filter.admit(Script.fork(child, child: 12, childStart: Script.at(2), at: 2)))
        #expect(filter.admit(Script.exec(grandchild, ["make"], at: 3)))
        #expect(!filter.admit(Script.exec(stranger, ["other"], at: 3)))
        #expect(filter.admit(Script.exit(grandchild, .exited(0), at: 4)))
        #expect(filter.processTree?.trackedCount == 2)
    }

    @Test("--pid includes descendants that existed before the trace, but not a recycled pid")
    func existingDescendantsAndReuse() {
        let start = BootInstant(clockTicks: 100)
        let filter = TraceFilter(
            processTree: ProcessTreeFilter(
                root: ProcessKey(pid: 20, startTicks: 100),
                existing: [
                    (pid: 21, ppid: 20, start: start), (pid: 22, ppid: 21, start: start),
                    (pid: 23, ppid: 1, start: start),
                ]))
        #expect(filter.admit(Script.exit(Script.process(22, start: start), .exited(0))))
        #expect(!filter.admit(Script.exit(Script.process(23, start: start), .exited(0))))
        // pid 21 reused by a different process (another start time): not ours.
        #expect(!filter.admit(Script.exec(Script.process(21, start: BootInstant(clockTicks: 900)), ["x"])))
    }

    @Test("signals match when either the sender or the target is in the tree")
    func signalsBothWays() {
        let inside = Script.process(30, start: Script.t0)
        let outside = Script.process(31, start: Script.t0)
        let filter = TraceFilter(
            processTree: ProcessTreeFilter(root: ProcessKey(pid: 30, start: Script.t0), existing: []))
        #expect(filter.admit(Script.signal(from: outside, to: inside, 15)))
        #expect(filter.admit(Script.signal(from: inside, to: outside, 15)))
    }

    @Test("--failed keeps only abnormal exits")
    func failedOnly() {
        let filter = TraceFilter(onlyFailedExits: true)
        let process = Script.process(40)
        #expect(!filter.admit(Script.exit(process, .exited(0))))
        #expect(filter.admit(Script.exit(process, .exited(1))))
        #expect(filter.admit(Script.exit(process, .killed(by: 15))))
        #expect(!filter.admit(Script.exit(process, nil)))  // unknown is not known to be a failure
        #expect(!filter.admit(Script.exec(process, ["x"])))
    }

    @Test("--comm matches the process, or a signal's target; --events and thread creation")
    func commAndKinds() {
        let filter = TraceFilter(kinds: [.exit, .signal], comm: "nginx")
        let nginx = Script.process(50, "nginx")
        let other = Script.process(51, "systemd")
        #expect(filter.admit(Script.exit(nginx, .exited(0))))
        #expect(!filter.admit(Script.exit(other, .exited(0))))
        #expect(filter.admit(Script.signal(from: other, to: nginx, 15)))
        #expect(!filter.admit(Script.exec(nginx, ["nginx"])))

        var threads = TraceFilter()
        #expect(!threads.admit(Script.fork(nginx, child: 52, thread: true)))
        threads.includeThreads = true
        #expect(threads.admit(Script.fork(nginx, child: 52, thread: true)))
    }

    @Test("--comm compares the 15 bytes the kernel keeps")
    func longComm() {
        let filter = TraceFilter(comm: "a-very-long-process-name")
        #expect(filter.admit(Script.exit(Script.process(60, "a-very-long-pro"), .exited(0))))
    }
}

@Suite("Unit filter bookkeeping")
struct UnitFilterBookkeepingTests {
    @Test("a child forked inside the unit is a member even when forks are not shown")
    func hiddenForkStillTracked() throws {
        let tree = TemporaryDirectory(prefix: "aiops-fakecgroup")
        let proc = TemporaryDirectory(prefix: "aiops-fakeproc")
        try FileManager.default.createDirectory(
            atPath: tree.path + "/system.slice/demo.service", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: proc.file("self"), withIntermediateDirectories: false)
        try Data("29 1 0:26 / \(tree.path) rw - cgroup2 cgroup2 rw\n".utf8)
            .write(to: URL(fileURLWithPath: proc.file("self/mountinfo")))
        let hierarchy = try #require(CgroupHierarchy(procfs: ProcFS(root: proc.path)))
        let unitID = try #require(hierarchy.id(forPath: "/system.slice/demo.service"))
        let otherID = try #require(hierarchy.id(forPath: "/system.slice"))

        let filter = TraceFilter(
            kinds: [.signal], cgroup: CgroupFilter(unit: "demo.service", hierarchy: hierarchy))
        var member = Script.process(10)
        member.cgroupID = unitID
        var outsider = Script.process(99)
        outsider.cgroupID = otherID
        let child = Script.process(11, start: Script.at(1))
        // The fork is not shown (--events signal), but it makes pid 11 a member of the unit.
        #expect(!filter.admit(Script.fork(member, child: 11, childStart: Script.at(1), at: 1)))
        #expect(filter.admit(Script.signal(from: outsider, to: child, 15, at: 2)))
        // Its exit (not shown either) ends its membership: a recycled pid 11 is not the unit's.
        var exiting = child
        exiting.cgroupID = unitID
        #expect(!filter.admit(Script.exit(exiting, .killed(by: 15), at: 3)))
        #expect(
            !filter.admit(
                Script.signal(from: outsider, to: Script.process(11, start: Script.at(9)), 15, at: 10)))
    }
}
