import AiopsCore
import AiopsProc
import AiopsReports

/// The readings taken once per end of the window (ResourceDetails), and the same executable's
/// other processes read at both ends.
extension ResourceDetails {
    /// nil when the process is no longer `key` once everything was read (gone, or its pid
    /// reused meanwhile): readings of a stranger must not be reported as the target's.
    static func read(_ key: ProcessKey, procfs: ProcFS) -> ResourceDetails? {
        let pid = key.pid
        let files = procfs.openFiles(pid: pid)
        let network: ProcReading<ProcessSockets>
        switch files {
        case .value(let files):
            // Sockets are found from the descriptors' inodes; if none could be read (PID 1 of a
            // sandbox lists descriptors but refuses their links), the sockets are unknown.
            network =
                files.unreadable > 0 && files.socketInodes.isEmpty
                ? .unavailable(.permission) : procfs.sockets(pid: pid, inodes: files.socketInodes)
        case .unavailable(let reason):
            network = .unavailable(reason)
        }
        var argv: [UntrustedText] = []
        var argvTruncated = false
        if case .bytes(let bytes, let cut) = procfs.read("\(pid)/cmdline", limit: 4096) {
            argv = ProcCommandLine.parse(bytes)
            argvTruncated = cut
        }
        let details = ResourceDetails(
            limits: procfs.reading(pid: pid, "limits", parse: ProcLimits.parse),
            files: files, network: network,
            cgroup: CgroupLimitReader(procfs: procfs).limits(pid: pid),
            rollup: procfs.reading(pid: pid, "smaps_rollup", parse: SmapsRollup.parse),
            executable: procfs.executable(pid: pid), argv: argv, argvTruncated: argvTruncated,
            uid: procfs.read("\(pid)/status").bytes.map(ProcStatus.parse)?.realUID)
        guard let stat = procfs.read("\(pid)/stat", limit: 2048).bytes.flatMap(ProcStat.parse),
            stat.startTicks == key.startTicks
        else { return nil }
        return details
    }
}

/// Other processes of the same executable, read at the start and end of the window so their CPU
/// share covers the same time as the target's.
struct PeerSampling {
    var scan: SameExecutableScan
    var start: [Int32: ProcStat]
    var startTime: BootInstant

    static func begin(executable: ProcReading<[UInt8]>, target: Int32, procfs: ProcFS) -> ProcReading<
        PeerSampling
    > {
        switch executable {
        case .value(let path):
            let scan = procfs.processes(runningExecutable: path, excluding: target)
            var start: [Int32: ProcStat] = [:]
            for pid in scan.pids {
                if let stat = procfs.read("\(pid)/stat", limit: 2048).bytes.flatMap(ProcStat.parse) {
                    start[pid] = stat
                }
            }
            return .value(PeerSampling(scan: scan, start: start, startTime: BootInstant.now()))
        case .unavailable(let reason):
            return .unavailable(reason)
        }
    }

    func finish(procfs: ProcFS) -> ResourceReport.Peers {
        let end = BootInstant.now()
        let seconds = end.seconds(since: startTime)
        var peers: [ResourceReport.Peer] = []
        for (pid, first) in start {
            guard let last = procfs.read("\(pid)/stat", limit: 2048).bytes.flatMap(ProcStat.parse),
                last.startTicks == first.startTicks
            else { continue }  // exited (or replaced) during the window
            let ticks = Double((last.userTicks &+ last.systemTicks) &- (first.userTicks &+ first.systemTicks))
            let share = seconds > 0 ? ticks / Double(BootInstant.clockTicksPerSecond) / seconds : nil
            let resident =
                last.residentPages >= 0 ? UInt64(last.residentPages) &* ProcessResourceSampler.pageSize : nil
            peers.append(
                ResourceReport.Peer(
                    pid: pid, comm: last.comm, residentBytes: resident, cpuShare: share,
                    threads: Int(last.threads),
                    openFiles: nil))
        }
        peers.sort { ($0.residentBytes ?? 0, $1.pid) > ($1.residentBytes ?? 0, $0.pid) }
        var shown = Array(peers.prefix(ResourceReport.Peers.shownLimit))
        for index in shown.indices {
            shown[index].openFiles = procfs.openFileCount(pid: shown[index].pid).value
        }
        return ResourceReport.Peers(
            executable: scan.executable, count: peers.count, unreadable: scan.unreadable, shown: shown,
            medianResidentBytes: median(peers.compactMap { $0.residentBytes.map { Double($0) } }),
            medianCPUShare: median(peers.compactMap(\.cpuShare)))
    }
}

func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
