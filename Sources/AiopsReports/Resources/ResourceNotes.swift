import AiopsAnalyze
import AiopsCore
import AiopsProc

#if canImport(Glibc)
    import Glibc
#endif

/// What an operator should read first: limits that are close, growth that looks like a leak,
/// what could not be read, and what the window could not tell. Thresholds: 75% of a limit is a
/// warning (room to act), 90% critical (one burst away from failing).
enum ResourceNotes {
    static let warningShare = 0.75
    static let criticalShare = 0.9

    static func notes(for report: ResourceReport, preface: String?) -> [ResourceReport.Note] {
        var notes: [ResourceReport.Note] = []
        func add(_ severity: ResourceReport.Severity, _ text: String) {
            notes.append(ResourceReport.Note(severity: severity, text: text))
        }
        func severity(_ share: Double) -> ResourceReport.Severity? {
            share >= criticalShare ? .critical : share >= warningShare ? .warning : nil
        }
        let pid = report.process.stat.pid
        if let preface { add(.info, preface) }

        let window = report.window
        switch window.ending {
        case .processExited:
            add(
                .warning,
                "the process exited after \(seconds(window.seconds)) of the \(seconds(window.requestedSeconds)) "
                    + "window: figures are from its last sample")
        case .interrupted:
            add(.info, "interrupted after \(seconds(window.seconds)): rates and trends cover that much")
        case .completed: break
        }
        if report.process.stat.isZombie {
            add(
                .warning,
                "the process is a zombie: it has exited and its parent (\(report.process.stat.ppid)) "
                    + "has not reaped it")
        }

        // Limits, most urgent first.
        if let memory = report.cgroup.value?.memory, let limit = memory.limitBytes, limit > 0,
            let usage = memory.usageBytes, let level = severity(Double(usage) / Double(limit))
        {
            add(
                level,
                "cgroup memory at \(QuantityText.percent(Double(usage) / Double(limit))) of its limit "
                    + "(\(QuantityText.bytes(usage)) of \(QuantityText.bytes(limit)), set on "
                    + "\(memory.limitCgroup ?? memory.cgroup)): at the limit the kernel reclaims, then OOM-kills"
            )
        }
        if let rows = report.limits.value {
            if let row = rows.first(where: { $0.limit.kind == .openFiles }), let share = row.shareOfSoft,
                let level = severity(share), let usage = row.usage, let soft = row.limit.soft.number
            {
                add(
                    level,
                    "open files: \(usage) of the soft limit \(soft) (\(QuantityText.percent(share))): at the limit "
                        + "open/accept/socket fail with EMFILE — raise it (LimitNOFILE=, ulimit -n, "
                        + "prlimit --pid \(pid) --nofile=…) or look for a descriptor leak")
            }
            if report.process.uid != 0, let row = rows.first(where: { $0.limit.kind == .processes }),
                let share = row.shareOfSoft, let level = severity(share)
            {
                add(
                    level,
                    "uid \(report.process.uid.map(String.init) ?? "?") runs \(row.usage ?? 0) tasks of its "
                        + "RLIMIT_NPROC \(row.limit.soft.number ?? 0) (\(QuantityText.percent(share))): at the limit "
                        + "fork and thread creation fail with EAGAIN")
            }
            if let row = rows.first(where: { $0.limit.kind == .addressSpace }), let share = row.shareOfSoft,
                let level = severity(share)
            {
                add(
                    level,
                    "address space at \(QuantityText.percent(share)) of RLIMIT_AS: at the limit mmap and malloc "
                        + "fail with ENOMEM")
            }
            if let row = rows.first(where: { $0.limit.kind == .coreFileSize }), row.limit.soft == .limited(0)
            {
                add(
                    .info,
                    "core dumps are off (core file size 0): a crash leaves no core; enable with "
                        + "prlimit --pid \(pid) --core=unlimited (or LimitCORE=infinity)")
            }
        }
        if let tasks = report.cgroup.value?.tasks, let limit = tasks.limit, limit > 0,
            let current = tasks.current,
            let level = severity(Double(current) / Double(limit))
        {
            add(
                level,
                "cgroup tasks: \(current) of pids.max \(limit) (set on \(tasks.limitCgroup ?? tasks.cgroup)): at the "
                    + "limit fork and clone fail with EAGAIN")
        }
        if let cpu = report.cgroup.value?.cpu, let quota = cpu.cpus, quota > 0,
            let share = report.cpu.windowShare,
            share / quota >= criticalShare
        {
            add(
                .warning,
                "CPU at \(QuantityText.percent(share / quota)) of its cgroup quota of "
                    + "\(QuantityText.decimal(quota, digits: 2)) CPU: it is likely being throttled "
                    + "(cpu.stat nr_throttled)")
        }

        // Trends.
        for trend in report.trends {
            let summary = trend.analysis.summary(unit: trend.unit)
            switch trend.analysis.verdict {
            case .likelyLeak: add(.critical, "\(trend.label): \(summary)")
            case .possibleLeak: add(.warning, "\(trend.label): \(summary)")
            case .growingTooShort:
                add(
                    .info,
                    "\(trend.label) grew steadily, but \(seconds(window.seconds)) cannot tell a leak from warm-up: "
                        + "run again with --duration 60s or longer")
            default: break
            }
        }

        // Other signs.
        if let swap = report.memory.status.value?.swapBytes, swap > 0 {
            add(
                .info, "\(QuantityText.bytes(swap)) swapped out: the system was short of memory at some point"
            )
        }
        if let waiting = report.network.value?.tcpStates["CLOSE_WAIT"], waiting >= 5 {
            add(
                .warning,
                "\(waiting) TCP connections in CLOSE_WAIT: the peers closed them and this process has not — "
                    + "often a missing close()")
        }
        if let deleted = report.files.value?.deletedFiles, deleted > 0 {
            add(
                .info,
                "\(QuantityText.count(deleted, "open file")) already deleted: disk space is freed only when "
                    + "closed")
        }
        if let peers = report.peers.value, peers.count >= 2, let median = peers.medianResidentBytes,
            median > 0,
            let resident = report.memory.residentBytes, Double(resident) >= 2 * median
        {
            add(
                .warning,
                "RSS is \(QuantityText.decimal(Double(resident) / median, digits: 1))× the median of the "
                    + "\(peers.count) other processes of the same executable")
        }

        let unreadable = unavailableByPermission(report)
        if !unreadable.isEmpty {
            let why =
                geteuid() == 0
                ? "even to root: the process is not dumpable or lives in another user namespace"
                : "they need ptrace access — run as root or as uid \(report.process.uid.map(String.init) ?? "?")"
            add(.info, "\(unreadable.joined(separator: ", ")) unavailable (permission) \(why)")
        }
        if !notes.contains(where: { $0.severity != .info }) {
            add(.info, "no limit is near and nothing grew steadily over the window")
        }
        // Most urgent first; the order of discovery within a severity.
        let rank: [ResourceReport.Severity: Int] = [.critical: 0, .warning: 1, .info: 2]
        return notes.enumerated().sorted {
            (rank[$0.element.severity]!, $0.offset) < (rank[$1.element.severity]!, $1.offset)
        }
        .map(\.element)
    }

    /// The sections that could not be read for lack of permission.
    static func unavailableByPermission(_ report: ResourceReport) -> [String] {
        var names: [String] = []
        if report.memory.status.unavailableReason == .permission { names.append("memory details") }
        if report.memory.rollup.unavailableReason == .permission { names.append("PSS") }
        if report.io.counters.unavailableReason == .permission { names.append("IO counters") }
        if report.files.unavailableReason == .permission { names.append("open files") }
        if report.network.unavailableReason == .permission { names.append("sockets") }
        if report.process.executable.unavailableReason == .permission { names.append("executable") }
        if report.limits.unavailableReason == .permission { names.append("limits") }
        return names
    }

    static func seconds(_ value: Double) -> String {
        DurationText.format(seconds: value)
    }
}
