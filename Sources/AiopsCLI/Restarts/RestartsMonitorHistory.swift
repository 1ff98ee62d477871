import AiopsAnalyze
import AiopsCore
import AiopsDiagnose
import AiopsStore

/// Reads the deaths the monitoring daemon recorded for a unit and matches them to episodes.
/// The history is optional: a host that never ran the daemon has none, and the report says so
/// in one line rather than failing.
enum RestartsMonitorHistory {
    static func join(
        _ episodes: [RestartEpisode], unit: String, execStart: String?, since: Int64, path: String
    ) -> RestartsReport.MonitorHistory {
        var history = RestartsReport.MonitorHistory(path: path)
        let records: [ExitRecord]
        do {
            let reader = try HistoryReader.open(at: path)
            let from = since &* 1_000 &- MonitorDeathMatcher.toleranceNanoseconds
            records = try reader.exits(ExitQuery(since: from, onlyAbnormal: true))
        } catch {
            history.unavailable = error.message
            return history
        }
        let program = execStart.flatMap(ExecCommand.parse)?.programName
        let candidates = records.filter { belongs($0, to: unit, program: program) }
        history.recorded = candidates.count
        history.deaths = MonitorDeathMatcher.match(episodes, with: candidates)
        return history
    }

    /// A death recorded in the unit; or in no known unit, by the unit's program. The daemon
    /// cannot always name the unit of a process that lived a moment: on a cgroup-v1 host the
    /// kernel's event carries no usable cgroup, and /proc/<pid>/cgroup is gone once systemd
    /// has reaped it. The program name, the end and the time must then all agree.
    static func belongs(_ record: ExitRecord, to unit: String, program: String?) -> Bool {
        if let recorded = record.unit { return recorded == unit }
        guard let program, !program.isEmpty else { return false }
        let name = Array(program.utf8)
        let argv0: [UInt8]? = record.argv.first.map { argument in
            argument.bytes.split(separator: UInt8(ascii: "/")).last.map { Array($0) } ?? []
        }
        return record.comm.bytes == Array(name.prefix(15)) || argv0 == name
    }
}
