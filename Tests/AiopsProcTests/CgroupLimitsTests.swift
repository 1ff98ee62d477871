import AiopsProc
import AiopsTestSupport
import Foundation
import Testing

/// Cgroup limits: membership and mounts on fixtures, limits on fixture trees laid out like
/// cgroupfs (v1, v2, a hybrid of both), then a real v1 memory cgroup on this host.
@Suite("Cgroup limits")
struct CgroupLimitsTests {
    @Test("this host's /proc/self/cgroup and mountinfo: hybrid, memory in v1, v2 at unified")
    func hybridFixtures() throws {
        let membership = CgroupMembership.parse(ResourceFixtures.cgroup)
        #expect(membership.entries.count == 10)
        #expect(membership.unifiedPath == "/")
        #expect(membership.v1Path(controller: "memory") == "/process_api/4d3113779815b0327b39242882f6afc0")
        #expect(membership.v1Path(controller: "cpuacct") == "/")
        #expect(membership.v1Path(controller: "name=systemd") == "/")
        let mounts = CgroupMount.parseMountInfo(ResourceFixtures.mountinfo)
        #expect(mounts.count == 10)
        let memory = try #require(mounts.first { $0.controllers.contains("memory") })
        #expect(memory.version == 1)
        #expect(memory.mountPoint == "/sys/fs/cgroup/memory")
        #expect(memory.directory(for: "/a/b") == "/sys/fs/cgroup/memory/a/b")
        #expect(memory.directory(for: "/") == "/sys/fs/cgroup/memory")
        let unified = try #require(mounts.first { $0.version == 2 })
        #expect(unified.mountPoint == "/sys/fs/cgroup/unified")
        #expect(unified.controllers.isEmpty)
    }

    @Test("membership: colons in paths, combined controllers, hostile and cut lines")
    func membershipParsing() {
        let text = Array(
            ("12:cpu,cpuacct:/a:b/c\n0::/system.slice/x.service\n3:memory:relative\n4:pids:/../etc\n"
                + "x:memory:/y\n5:blkio:/ok\n6:devices:/cut").utf8)
        let membership = CgroupMembership.parse(text)
        #expect(membership.v1Path(controller: "cpu") == "/a:b/c")
        #expect(membership.v1Path(controller: "cpuacct") == "/a:b/c")
        #expect(membership.unifiedPath == "/system.slice/x.service")
        #expect(membership.v1Path(controller: "memory") == nil)
        #expect(membership.v1Path(controller: "pids") == nil)
        #expect(membership.v1Path(controller: "blkio") == "/ok")
        #expect(membership.v1Path(controller: "devices") == nil)
        let invalid = CgroupMembership.parse([UInt8]("0::/a".utf8) + [0xFF, 0x0A])
        #expect(invalid.entries.isEmpty)
    }

    @Test("a namespaced mount shows only a subtree: paths outside it have no directory")
    func subtreeMount() throws {
        let text = Array("50 40 0:38 /kubepods/pod1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n".utf8)
        let mount = try #require(CgroupMount.parseMountInfo(text).first)
        #expect(mount.root == "/kubepods/pod1")
        #expect(mount.directory(for: "/kubepods/pod1") == "/sys/fs/cgroup")
        #expect(mount.directory(for: "/kubepods/pod1/c1") == "/sys/fs/cgroup/c1")
        #expect(mount.directory(for: "/kubepods/pod10") == nil)
        #expect(mount.directory(for: "/") == nil)
    }

    /// A directory tree shaped like cgroupfs, with the given files.
    static func tree(_ files: [String: String]) throws -> TemporaryDirectory {
        let directory = TemporaryDirectory(prefix: "aiops-cgroupfs")
        for (path, content) in files {
            let url = URL(fileURLWithPath: directory.path + path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: url)
        }
        return directory
    }

    @Test("v2: the tightest limit on the way up wins and is named; usage and peak are the leaf's")
    func v2Limits() throws {
        let root = try Self.tree([
            "/v2/cgroup.controllers": "cpu memory pids\n",
            "/v2/app.slice/memory.max": "1073741824\n",
            "/v2/app.slice/pids.max": "max\n",
            "/v2/app.slice/cpu.max": "50000 100000\n",
            "/v2/app.slice/web.service/memory.max": "max\n",
            "/v2/app.slice/web.service/memory.current": "805306368\n",
            "/v2/app.slice/web.service/memory.peak": "900000000\n",
            "/v2/app.slice/web.service/pids.max": "100\n",
            "/v2/app.slice/web.service/pids.current": "7\n",
            "/v2/app.slice/web.service/cpu.max": "80000 200000\n",
        ])
        let membership = CgroupMembership.parse(Array("0::/app.slice/web.service\n".utf8))
        let mounts = [CgroupMount(version: 2, mountPoint: root.path + "/v2", root: "/", controllers: [])]
        let limits = CgroupLimitReader.limits(membership: membership, mounts: mounts)
        let memory = try #require(limits.memory)
        #expect(memory.version == 2)
        #expect(memory.cgroup == "/app.slice/web.service")
        #expect(memory.limitBytes == 1_073_741_824)
        #expect(memory.limitCgroup == "/app.slice")
        #expect(memory.usageBytes == 805_306_368)
        #expect(memory.peakBytes == 900_000_000)
        let tasks = try #require(limits.tasks)
        #expect(tasks.limit == 100)
        #expect(tasks.limitCgroup == "/app.slice/web.service")
        #expect(tasks.current == 7)
        let cpu = try #require(limits.cpu)
        #expect(cpu.quotaMicroseconds == 80000)  // 0.4 CPU beats the parent's 0.5
        #expect(cpu.periodMicroseconds == 200_000)
        #expect(cpu.cpus == 0.4)
        #expect(cpu.limitCgroup == "/app.slice/web.service")
    }

    @Test("v1: the 'no limit' sentinel, cfs quota -1, and a limit on the parent")
    func v1Limits() throws {
        let root = try Self.tree([
            "/memory/memory.limit_in_bytes": "9223372036854771712\n",
            "/memory/batch/memory.limit_in_bytes": "536870912\n",
            "/memory/batch/job/memory.limit_in_bytes": "9223372036854771712\n",
            "/memory/batch/job/memory.usage_in_bytes": "104857600\n",
            "/memory/batch/job/memory.max_usage_in_bytes": "209715200\n",
            "/cpu,cpuacct/batch/job/cpu.cfs_quota_us": "-1\n",
            "/cpu,cpuacct/batch/job/cpu.cfs_period_us": "100000\n",
            "/pids/batch/job/pids.max": "max\n",
            "/pids/batch/job/pids.current": "3\n",
        ])
        let membership = CgroupMembership.parse(
            Array("4:memory:/batch/job\n2:cpu,cpuacct:/batch/job\n8:pids:/batch/job\n0::/\n".utf8))
        let mounts = [
            CgroupMount(version: 1, mountPoint: root.path + "/memory", root: "/", controllers: ["memory"]),
            CgroupMount(
                version: 1, mountPoint: root.path + "/cpu,cpuacct", root: "/",
                controllers: ["cpu", "cpuacct"]),
            CgroupMount(version: 1, mountPoint: root.path + "/pids", root: "/", controllers: ["pids"]),
            // The unified hierarchy of a hybrid host, without controllers.
            CgroupMount(version: 2, mountPoint: root.path + "/unified", root: "/", controllers: []),
        ]
        let limits = CgroupLimitReader.limits(membership: membership, mounts: mounts)
        let memory = try #require(limits.memory)
        #expect(memory.version == 1)
        #expect(memory.limitBytes == 536_870_912)
        #expect(memory.limitCgroup == "/batch")
        #expect(memory.usageBytes == 104_857_600)
        #expect(memory.peakBytes == 209_715_200)
        let cpu = try #require(limits.cpu)
        #expect(cpu.version == 1)
        #expect(cpu.quotaMicroseconds == nil)
        #expect(cpu.cpus == nil)
        let tasks = try #require(limits.tasks)
        #expect(tasks.limit == nil)
        #expect(tasks.current == 3)
    }

    @Test("the v1 'unlimited' sentinel for 4 KiB and 64 KiB pages, and real limits beside it")
    func v1Sentinel() {
        #expect(CgroupLimits.isV1Unlimited(9_223_372_036_854_771_712))
        #expect(CgroupLimits.isV1Unlimited(9_223_372_036_854_710_272))
        #expect(CgroupLimits.isV1Unlimited(UInt64(Int64.max)))
        #expect(!CgroupLimits.isV1Unlimited(4 << 30))
        #expect(!CgroupLimits.isV1Unlimited(1 << 62))
    }

    @Test("garbage in limit files is no limit, not a wrong one")
    func garbageFiles() throws {
        let root = try Self.tree([
            "/v2/x/memory.max": "12abc\n",
            "/v2/x/memory.current": "5",  // no newline: a cut read
            "/v2/x/pids.max": "-1\n",
            "/v2/x/pids.current": "\n",
            "/v2/x/cpu.max": "max\n",
        ])
        let limits = CgroupLimitReader.limits(
            membership: CgroupMembership.parse(Array("0::/x\n".utf8)),
            mounts: [CgroupMount(version: 2, mountPoint: root.path + "/v2", root: "/", controllers: [])])
        #expect(limits.memory?.limitBytes == nil)
        #expect(limits.memory?.usageBytes == nil)
        #expect(limits.tasks?.limit == nil)
        #expect(limits.tasks?.current == nil)
        #expect(limits.cpu?.quotaMicroseconds == nil)
    }

    @Test("a real v1 memory cgroup: the limit set, the child's usage, named as the limiting cgroup")
    func realV1MemoryCgroup() throws {
        let base = "/sys/fs/cgroup/memory"
        try #require(access(base + "/cgroup.procs", W_OK) == 0, "needs root and a v1 memory hierarchy")
        let name = "/aiops-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try #require(mkdir(base + name, 0o755) == 0)
        let child = try LiveChild(["grow", "8", "1", "0"])
        defer {
            child.stop()
            // The killed child leaves the cgroup a moment after it is reaped.
            waitUntil { rmdir(base + name) == 0 || errno == ENOENT }
        }
        try Data("268435456\n".utf8).write(to: URL(fileURLWithPath: base + name + "/memory.limit_in_bytes"))
        try Data("\(child.pid)\n".utf8).write(to: URL(fileURLWithPath: base + name + "/cgroup.procs"))
        let limits = try #require(CgroupLimitReader().limits(pid: child.pid).value)
        let memory = try #require(limits.memory)
        #expect(memory.version == 1)
        #expect(memory.cgroup == name)
        #expect(memory.limitBytes == 268_435_456)
        #expect(memory.limitCgroup == name)
        #expect(memory.usageBytes != nil)
    }

    @Test("a process that is gone has no limits, and says gone")
    func gone() throws {
        let pid = try ProcFSTests.impossiblePID()
        #expect(CgroupLimitReader().limits(pid: pid).unavailableReason == .gone)
    }
}
