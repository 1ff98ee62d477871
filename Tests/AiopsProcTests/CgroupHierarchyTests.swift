import AiopsCore
import AiopsProc
import AiopsTestSupport
import Foundation
import Testing

/// A cgroup directory the test creates under the real cgroup2 mount and removes at the end.
final class TestCgroup {
    let path: String  // relative to the mount, "/aiops-test-….service"
    let absolute: String

    init(mountPoint: String, path: String) throws {
        self.path = path
        absolute = mountPoint + path
        guard mkdir(absolute, 0o755) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// Moves `pid` into this cgroup.
    func adopt(_ pid: pid_t) throws {
        try Data("\(pid)\n".utf8).write(to: URL(fileURLWithPath: absolute + "/cgroup.procs"))
    }

    var inode: UInt64 {
        var info = stat()
        return stat(absolute, &info) == 0 ? UInt64(info.st_ino) : 0
    }

    /// rmdir, retried: a cgroup stays busy for a moment after its last task is reaped.
    func remove() {
        if waitUntil({ rmdir(absolute) == 0 || errno == ENOENT }) { return }
        Issue.record("could not remove \(absolute): errno \(errno)")
    }

    static func uniqueName() -> String { "aiops-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))" }
}

@Suite("CgroupHierarchy on the real cgroup2 mount")
struct CgroupHierarchyTests {
    @Test("the mount point found in mountinfo is a cgroup2 file system, as findmnt says")
    func mountPoint() throws {
        let hierarchy = try #require(CgroupHierarchy())
        let fileSystem = try runCommand("/bin/findmnt", ["-n", "-o", "FSTYPE", hierarchy.mountPoint])
        #expect(fileSystem.outputLines == ["cgroup2"])
        #expect(access(hierarchy.mountPoint + "/cgroup.controllers", F_OK) == 0)
        #expect(hierarchy.path(forID: try #require(hierarchy.id(forPath: "/"))) == "/")
    }

    @Test("a child moved into a new unit cgroup is found by name, by id and by its processes")
    func unitCgroup() throws {
        let hierarchy = try #require(CgroupHierarchy(rescanIntervalNanoseconds: 3_600_000_000_000))
        let name = TestCgroup.uniqueName()
        let unit = try TestCgroup(mountPoint: hierarchy.mountPoint, path: "/\(name).service")
        defer { unit.remove() }
        let payload = try TestCgroup(mountPoint: hierarchy.mountPoint, path: "/\(name).service/payload")
        defer { payload.remove() }
        // Same prefix, another cgroup: must not count as a descendant.
        let sibling = try TestCgroup(mountPoint: hierarchy.mountPoint, path: "/\(name).serviceb")
        defer { sibling.remove() }
        let child = try LiveChild(["sleep", "30"])
        defer { child.stop() }
        let neighbour = try LiveChild(["sleep", "30"])
        defer { neighbour.stop() }
        try payload.adopt(child.pid)
        try sibling.adopt(neighbour.pid)
        let cgroupFile = try #require(ProcFS().read("\(child.pid)/cgroup").bytes)
        #expect(ProcCgroup.unifiedPath(cgroupFile) == UntrustedText(payload.path.utf8))

        #expect(hierarchy.paths(named: "\(name).service") == [unit.path])
        #expect(hierarchy.paths(named: "payload").contains(payload.path))
        #expect(hierarchy.processes(under: unit.path) == [child.pid])
        #expect(hierarchy.processes(under: payload.path) == [child.pid])
        #expect(hierarchy.processes(under: sibling.path) == [neighbour.pid])
        #expect(hierarchy.processes(under: "/\(name)").isEmpty)

        let id = try #require(hierarchy.id(forPath: unit.path))
        #expect(id == unit.inode)
        #expect(id != 0)
        #expect(hierarchy.path(forID: id) == unit.path)
        #expect(hierarchy.path(forID: payload.inode) == payload.path)
        #expect(hierarchy.id(forPath: "/\(name).missing") == nil)
        #expect(UnitName.innermostUnit(inCgroupPath: payload.path) == "\(name).service")
    }

    @Test("processes(under:) works on a hierarchy that has not scanned yet")
    func processesBeforeAnyScan() throws {
        let mountPoint = try #require(CgroupHierarchy()).mountPoint
        let unit = try TestCgroup(mountPoint: mountPoint, path: "/\(TestCgroup.uniqueName()).service")
        defer { unit.remove() }
        let child = try LiveChild(["sleep", "30"])
        defer { child.stop() }
        try unit.adopt(child.pid)
        let fresh = try #require(CgroupHierarchy())
        #expect(fresh.processes(under: unit.path) == [child.pid])
    }

    @Test("a lookup that misses rescans at most once per interval")
    func rescanRateLimit() throws {
        let slow = try #require(CgroupHierarchy(rescanIntervalNanoseconds: 3_600_000_000_000))
        let eager = try #require(CgroupHierarchy(rescanIntervalNanoseconds: 0))
        slow.rescan()
        eager.rescan()
        let unit = try TestCgroup(mountPoint: slow.mountPoint, path: "/\(TestCgroup.uniqueName()).service")
        defer { unit.remove() }
        let scans = slow.scans
        // Created after the last scan: the slow hierarchy may not look again for an hour.
        #expect(slow.path(forID: unit.inode) == nil)
        #expect(slow.path(forID: unit.inode) == nil)
        #expect(slow.scans == scans)
        #expect(eager.path(forID: unit.inode) == unit.path)
        // A known id is answered from the map, without a scan.
        let eagerScans = eager.scans
        #expect(eager.path(forID: unit.inode) == unit.path)
        #expect(eager.scans == eagerScans)
    }
}

@Suite("CgroupHierarchy on a fake tree")
struct FakeCgroupHierarchyTests {
    @Test("no cgroup2 line in mountinfo: no hierarchy")
    func cgroupV1Only() throws {
        let proc = TemporaryDirectory(prefix: "aiops-fakeproc")
        defer { withExtendedLifetime(proc) {} }  // removed only after the last read
        try FileManager.default.createDirectory(atPath: proc.file("self"), withIntermediateDirectories: false)
        try Data(
            "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\ngarbage\n- cgroup2\n".utf8
        ).write(to: URL(fileURLWithPath: proc.file("self/mountinfo")))
        #expect(CgroupHierarchy(procfs: ProcFS(root: proc.path)) == nil)
        #expect(CgroupHierarchy(procfs: ProcFS(root: proc.file("missing"))) == nil)
    }

    @Test("a tree of directories with cgroup.procs files, with optional mountinfo fields and junk pids")
    func fakeTree() throws {
        let proc = TemporaryDirectory(prefix: "aiops-fakeproc")
        defer { withExtendedLifetime(proc) {} }  // removed only after the last read
        let tree = TemporaryDirectory(prefix: "aiops-fakecgroup")
        defer { withExtendedLifetime(tree) {} }  // removed only after the last read
        let manager = FileManager.default
        try manager.createDirectory(atPath: proc.file("self"), withIntermediateDirectories: false)
        try Data(
            "29 1 0:26 / \(tree.path) rw,nosuid shared:4 master:1 - cgroup2 cgroup2 rw,nsdelegate\n".utf8
        )
        .write(to: URL(fileURLWithPath: proc.file("self/mountinfo")))
        let files = [
            "/system.slice/nginx.service/cgroup.procs": "12\n34\n",
            "/system.slice/nginx.service/worker/cgroup.procs": "56\nabc\n99999999999\n\n",
            "/system.slice/nginx.serviceb/cgroup.procs": "78\n",
            "/user.slice/nginx.service/cgroup.procs": "90\n",
        ]
        for (path, text) in files {
            try manager.createDirectory(
                atPath: tree.path + (path as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: tree.path + path))
        }
        let hierarchy = try #require(CgroupHierarchy(procfs: ProcFS(root: proc.path)))
        #expect(hierarchy.mountPoint == tree.path)
        #expect(
            hierarchy.paths(named: "nginx.service") == [
                "/system.slice/nginx.service", "/user.slice/nginx.service",
            ])
        #expect(hierarchy.processes(under: "/system.slice/nginx.service").sorted() == [12, 34, 56])
        #expect(hierarchy.processes(under: "/system.slice").sorted() == [12, 34, 56, 78])
        // The root holds everything below it.
        #expect(hierarchy.processes(under: "/").sorted() == [12, 34, 56, 78, 90])
        #expect(hierarchy.paths(named: "absent").isEmpty)
    }
}
