import AiopsCore
import AiopsProc

/// Resolves a `--pid` before anything is read or traced, with messages that explain the odd
/// cases: no such process (66), a kernel thread (2: the command has nothing to do with one),
/// a thread id (its process is taken, with a note saying so).
struct ProcessTarget: Sendable {
    /// Why a kernel thread cannot be the target, and what to do instead.
    var kernelThreadReason: String
    var kernelThreadHint: @Sendable (Int32) -> String
    /// The end of the note for a thread id: "tracing that process".
    var threadNote: String

    /// `analyze process`: resources belong to processes.
    static let analysis = ProcessTarget(
        kernelThreadReason: "it has no user memory, open files, sockets or rlimits of its own to analyze",
        kernelThreadHint: {
            "analyze a user process; kernel threads' CPU time shows in `ps -p \($0) -o time`"
        },
        threadNote: "resources belong to the whole process, so that process is analyzed")

    /// `trace --pid`: the tree of a user process.
    static let trace = ProcessTarget(
        kernelThreadReason: "it never execs and has no user-space descendants to trace",
        kernelThreadHint: { _ in "trace a user process, or everything (no --pid)" },
        threadNote: "tracing that process")

    /// The process and a note when `pid` was a thread's.
    func resolve(pid: Int32, reader: ProcessSnapshotReader) throws(AiopsError) -> (ProcStat, note: String?) {
        guard let stat = reader.procfs.read("\(pid)/stat", limit: 2048).bytes.flatMap(ProcStat.parse) else {
            throw AiopsError(.noSuchTarget, "no process with PID \(pid)", hint: "check it with: ps -p \(pid)")
        }
        if stat.isKernelThread {
            throw AiopsError(
                .usage, "PID \(pid) (\(stat.comm.terminalSafe)) is a kernel thread: \(kernelThreadReason)",
                hint: kernelThreadHint(pid))
        }
        guard let tgid = reader.threadGroup(ofTask: pid), tgid != pid else { return (stat, nil) }
        guard let process = reader.procfs.read("\(tgid)/stat", limit: 2048).bytes.flatMap(ProcStat.parse)
        else {
            throw AiopsError(.noSuchTarget, "PID \(pid) is a thread of process \(tgid), which is gone")
        }
        return (
            process, "PID \(pid) is a thread of process \(tgid) (\(process.comm.terminalSafe)): \(threadNote)"
        )
    }
}
