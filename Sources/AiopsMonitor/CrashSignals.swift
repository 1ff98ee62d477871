import AiopsCore

/// Which ends of an ordinary (not critical) process are worth an alert or a history row.
enum ExitInterest {
    /// Signals whose default action is a crash: a bug, not an operator's decision.
    static let crashSignals: Set<Int32> = [4, 5, 6, 7, 8, 11, 31]  // ILL TRAP ABRT BUS FPE SEGV SYS

    /// A crash: a crash signal or a core dump. Not a SIGKILL from the kernel: the OOM killer
    /// sends it, but so does every PID-namespace teardown (a container stopping), and the two
    /// cannot be told apart from the signal alone; those ends are kept in the history.
    static func isCrash(_ status: ExitStatus) -> Bool {
        if status.coreDumped { return true }
        return status.signal.map(crashSignals.contains) ?? false
    }

    /// Kept in the history: every abnormal end except SIGPIPE, the normal end of a pipeline's
    /// writer (`yes | head`), which would drown the rest.
    static func isRecorded(_ status: ExitStatus) -> Bool {
        status.isAbnormal && status.signal != 13
    }
}
