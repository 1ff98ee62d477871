extension ProcFS {
    /// Tasks (processes and their threads) whose real uid is `uid`, system-wide: the number
    /// RLIMIT_NPROC is checked against at fork. Processes that vanish mid-scan are skipped; the
    /// count is a moment's, like the limit check itself.
    public func taskCount(realUID uid: UInt32) -> Int {
        var total = 0
        for pid in pids() {
            guard let bytes = read("\(pid)/status").bytes else { continue }
            let status = ProcStatus.parse(bytes)
            if status.realUID == uid { total += status.threads ?? 1 }
        }
        return total
    }
}
