import AiopsCore
import AiopsProc

/// Resolves `--pid` for an analysis, with messages that explain the odd cases.
enum ResourceTarget {
    /// The process to analyze and a note when the pid was a thread's. Throws 66 for no such
    /// process, 2 (usage) for a kernel thread: it has no user memory, files or limits to report.
    static func resolve(pid: Int32, reader: ProcessSnapshotReader) throws(AiopsError) -> (
        ProcStat, note: String?
    ) {
        guard let stat = reader.procfs.read("\(pid)/stat", limit: 2048).bytes.flatMap(ProcStat.parse) else {
            throw AiopsError(.noSuchTarget, "no process with PID \(pid)", hint: "check it with: ps -p \(pid)")
        }
        if stat.isKernelThread {
            throw AiopsError(
                .usage,
                "PID \(pid) (\(stat.comm.terminalSafe)) is a kernel thread: it has no user memory, open files, "
                    + "sockets or rlimits of its own to analyze",
                hint: "analyze a user process; kernel threads' CPU time shows in `ps -p \(pid) -o time`")
        }
        if let tgid = reader.threadGroup(ofTask: pid), tgid != pid {
            guard let process = reader.procfs.read("\(tgid)/stat", limit: 2048).bytes.flatMap(ProcStat.parse)
            else {
                throw AiopsError(.noSuchTarget, "PID \(pid) is a thread of process \(tgid), which is gone")
            }
            return (
                process,
                "PID \(pid) is a thread of process \(tgid) (\(process.comm.terminalSafe)): "
                    + "resources belong to the whole process, so that process is analyzed"
            )
        }
        return (stat, nil)
    }
}
