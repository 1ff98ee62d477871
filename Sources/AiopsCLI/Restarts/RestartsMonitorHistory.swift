import AiopsAnalyze
import AiopsCore
import AiopsDiagnose
import AiopsReports
import AiopsStore

/// Reads the deaths the monitoring daemon recorded for a unit and matches them to episodes.
/// The history is optional: a host that never ran the daemon has none, and the report says so
/// in one line rather than failing.
enum RestartsMonitorHistory {
    static func join(
        _ episodes: [RestartEpisode], unit: String, execStart: String?, since: Int64, path: String
    ) -> RestartsReport.MonitorHistory {
        var history = RestartsReport.MonitorHistory(path: path)
        let program = execStart.flatMap(ExecCommand.parse)?.programName
        var records: [ExitRecord]
        do {
            let reader = try HistoryReader.open(at: path)
            let from = since &* 1_000 &- MonitorDeathMatcher.toleranceNanoseconds
            records = try reader.exits(ExitQuery(since: from, onlyAbnormal: true, unit: unit))
            // Deaths whose unit the daemon could not name, by the unit's program (the kernel's
            // 15-byte comm). On a cgroup-v1 host the kernel's event carries no usable cgroup and
            // /proc/<pid>/cgroup is gone once systemd has reaped the process; the matcher then
            // also requires the same end, close in time. Two narrow queries, not every abnormal
            // exit on the host.
            if let program, !program.isEmpty {
                let comm = UntrustedText(Array(program.utf8.prefix(15)))
                records += try reader.exits(ExitQuery(since: from, onlyAbnormal: true, comm: comm)).filter {
                    $0.unit == nil
                }
            }
        } catch {
            history.unavailable = error.message
            return history
        }
        history.recorded = records.count
        history.deaths = MonitorDeathMatcher.match(episodes, with: records)
        return history
    }
}
