import AiopsCore
import AiopsProc

/// Reads what the proc connector and /proc polling cannot carry in their events: a process's
/// identity, names and command line, straight from /proc. Racy by nature — a process that is
/// already gone yields nil fields, which the events then carry as unknown.
struct ProcLookup {
    let procfs: ProcFS
    let cgroups: CgroupHierarchy?
    let argvLimit = Int(4096)

    func stat(_ pid: Int32) -> ProcStat? {
        procfs.read("\(pid)/stat", limit: 2048).bytes.flatMap(ProcStat.parse)
    }

    func eventProcess(pid: Int32, tid: Int32) -> EventProcess {
        let stat = stat(pid)
        return EventProcess(
            pid: pid, tid: tid, ppid: stat?.ppid, uid: realUID(pid),
            comm: stat?.comm ?? UntrustedText(bytes: []),
            start: stat?.start, cgroupID: cgroupID(pid))
    }

    func realUID(_ pid: Int32) -> UInt32? {
        procfs.read("\(pid)/status").bytes.map(ProcStatus.parse)?.realUID
    }

    /// Threads of a process that have not exited (zombie threads excluded), from
    /// /proc/<pid>/task; nil when the process is gone.
    func liveTaskCount(_ pid: Int32) -> Int? {
        let tasks = ProcFS(root: "\(procfs.root)/\(pid)/task")
        let ids = tasks.pids()
        guard !ids.isEmpty else { return nil }
        return ids.filter { tid in
            guard let stat = tasks.read("\(tid)/stat", limit: 2048).bytes.flatMap(ProcStat.parse) else {
                return false
            }
            return !stat.isZombie && stat.state != UInt8(ascii: "X")
        }.count
    }

    /// The target of /proc/<pid>/exe (nil for kernel threads or when unreadable).
    func executable(_ pid: Int32) -> [UInt8]? {
        procfs.readLink("\(pid)/exe")
    }

    func execDetails(pid: Int32) -> ExecDetails {
        let filename =
            procfs.readLink("\(pid)/exe").map { UntrustedText(bytes: $0) } ?? UntrustedText(bytes: [])
        switch procfs.read("\(pid)/cmdline", limit: argvLimit) {
        case .bytes(let bytes, let truncated):
            return ExecDetails(
                filename: filename, argv: ProcCommandLine.parse(bytes), argvTruncated: truncated)
        default:
            return ExecDetails(filename: filename, argv: [], argvTruncated: false, argvMissing: true)
        }
    }

    func cgroupID(_ pid: Int32) -> UInt64? {
        guard let cgroups, let bytes = procfs.read("\(pid)/cgroup").bytes,
            let path = ProcCgroup.unifiedPath(bytes)
        else { return nil }
        return cgroups.id(forPath: path.lossyString)
    }
}
