import AiopsCore
import AiopsPlatform
import AiopsProc
import AiopsReports

#if canImport(Glibc)
    import Glibc
#endif

/// The processes in a unit's cgroup, with what /proc says of each: the cgroup, not the process
/// tree, is what systemd tracks, so a daemonized child that escaped its parent is still listed.
enum ServiceProcesses {
    /// Every pid in `controlGroup` (as systemd names it, e.g. "/system.slice/nginx.service") and its
    /// sub-cgroups, read from the cgroup2 mount or the v1 name=systemd one; nil when neither
    /// holds the cgroup (a stopped unit has none).
    static func pids(controlGroup: String, procfs: ProcFS = ProcFS()) -> [Int32]? {
        guard let mountInfo = procfs.read("self/mountinfo", limit: 1 << 20).bytes else { return nil }
        let mounts = CgroupMount.parseMountInfo(mountInfo)
        let candidates =
            mounts.filter { $0.version == 2 } + mounts.filter { $0.controllers.contains("name=systemd") }
        for mount in candidates {
            guard let directory = mount.directory(for: controlGroup), isDirectory(directory) else { continue }
            var pids: [Int32] = []
            collect(directory, into: &pids, depth: 0)
            return pids.sorted()
        }
        return nil
    }

    static func read(pids: [Int32], procfs: ProcFS = ProcFS()) -> [ServiceProcess] {
        let reader = ProcessSnapshotReader(procfs: procfs)
        return pids.compactMap { pid in
            guard let snapshot = reader.snapshot(pid: pid) else { return nil }  // exited meanwhile
            let status = procfs.read("\(pid)/status").bytes.map(ProcStatusResources.parse)
            let ticks = Double(snapshot.stat.userTicks + snapshot.stat.systemTicks)
            return ServiceProcess(
                snapshot: snapshot, residentBytes: status?.residentBytes,
                cpuSeconds: ticks / Double(BootInstant.clockTicksPerSecond),
                threads: Int(snapshot.stat.threads))
        }
    }

    private static func collect(_ directory: String, into pids: inout [Int32], depth: Int) {
        if let text = readSmallFile(directory + "/cgroup.procs") {
            pids += text.split(separator: 10).compactMap { Int32(String(decoding: $0, as: UTF8.self)) }
        }
        guard depth < 16 else { return }
        var children: [String] = []
        DirectoryListing.forEachEntry(in: directory) { entry in
            if entry.isDirectory { children.append(entry.name) }
            return .next
        }
        for child in children { collect(directory + "/" + child, into: &pids, depth: depth + 1) }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    private static func readSmallFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while result.count < 1 << 20 {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            guard count > 0 else { break }
            result += buffer[0..<count]
        }
        return result
    }
}
