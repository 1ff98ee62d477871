import AiopsCore
import AiopsProc
import AiopsTrace

/// Resolves what `--pid` and `--unit` point at, before anything is traced, with messages that
/// explain the odd cases (a thread id, a kernel thread, a unit that is not running).
enum TraceTargets {
    /// The process to follow for `--pid`. A thread id resolves to its process (with a note).
    static func process(pid: Int32, reader: ProcessSnapshotReader) throws(AiopsError) -> (
        ProcStat, note: String?
    ) {
        guard let stat = reader.procfs.read("\(pid)/stat", limit: 2048).bytes.flatMap(ProcStat.parse) else {
            throw AiopsError(.noSuchTarget, "no process with PID \(pid)", hint: "check it with: ps -p \(pid)")
        }
        if stat.isKernelThread {
            throw AiopsError(
                .usage,
                "PID \(pid) (\(stat.comm.terminalSafe)) is a kernel thread: it never execs and has no user-space "
                    + "descendants to trace",
                hint: "trace a user process, or everything (no --pid)")
        }
        if let tgid = reader.threadGroup(ofTask: pid), tgid != pid {
            guard let process = reader.procfs.read("\(tgid)/stat", limit: 2048).bytes.flatMap(ProcStat.parse)
            else {
                throw AiopsError(.noSuchTarget, "PID \(pid) is a thread of process \(tgid), which is gone")
            }
            return (
                process,
                "PID \(pid) is a thread of process \(tgid) (\(process.comm.terminalSafe)): tracing that process"
            )
        }
        return (stat, nil)
    }

    static func cgroupHierarchy() throws(AiopsError) -> CgroupHierarchy {
        guard let hierarchy = CgroupHierarchy() else {
            throw AiopsError(
                .unavailable, "no cgroup v2 hierarchy is mounted, so units cannot be told apart by cgroup",
                hint: "mount cgroup2, or filter with --comm or --pid")
        }
        return hierarchy
    }
}
