import AiopsCore
import AiopsRender
import AiopsSystemd

/// `analyze service --json`: one object, snake_case keys that are added, never renamed; times
/// RFC 3339 UTC with microseconds; untrusted text escaped into valid JSON.
///
/// - schema, time, unit, description, load_state, active_state, sub_state, result,
///   unit_file_state, invocation_id, active_since, state_changed_at, uptime_s
/// - main_process (or null): pid, comm, argv, started_at (ExecMainStartTimestamp), rss_bytes,
///   cpu_s, threads
/// - last_exit (or null): code (exited, killed, dumped), status, signal_name, core_dumped,
///   meaning, clean, time
/// - control_group, processes [{pid, ppid, comm, argv, state, rss_bytes, cpu_s, threads}] (null
///   when the cgroup is not there)
/// - memory {current_bytes, max_bytes, max_unlimited, high_bytes, rss_sum_bytes};
///   tasks {current, max, max_unlimited}
/// - restart_policy {restart, restart_delay_s, start_limit_burst, start_limit_interval_s,
///   n_restarts (systemd's in-memory counter, reset by stop)}
/// - unit_file, drop_ins, exec_start (systemctl's text), exec_start_commands [{path, argv,
///   ignores_errors}] (argv split at spaces: systemctl does not quote), user
/// - events [{time, kind, invocation_id, exit?, result?, job_type?, restart_counter?, errno?,
///   signal_name? (signal_sent: systemctl kill),
///   message}], journal_tail [{time, identifier, pid, message}]
public enum ServiceJSON {
    static let schema = "aiops.analyze.service/1"

    public static func encode(_ report: ServiceReport) -> [UInt8] {
        var json = JSONWriter(reservingCapacity: 8192)
        json.beginObject()
        json.field("schema", schema)
        json.field("time", UnixTimeText.rfc3339(report.now))
        json.field("unit", report.unit)
        json.field("description", report.description)
        json.field("load_state", report.state.load)
        json.field("active_state", report.state.active)
        json.field("sub_state", report.state.sub)
        json.field("result", report.state.result)
        json.field("unit_file_state", report.state.unitFileState)
        json.field("invocation_id", report.invocationID)
        json.field("active_since", report.activeSince.map(UnixTimeText.rfc3339))
        json.field("state_changed_at", report.stateChangedAt.map(UnixTimeText.rfc3339))
        json.field("uptime_s", report.uptimeSeconds, digits: 3)
        mainProcess(report, into: &json)
        json.key("last_exit")
        json.optional(report.lastExit) { ServiceJSONFields.exit($1.exit, time: $1.time, into: &$0) }
        json.field("control_group", report.controlGroup)
        json.key("processes")
        if let processes = report.processes {
            json.beginArray()
            for process in processes { self.process(process, into: &json) }
            json.endArray()
        } else {
            json.null()
        }
        limits(report.limits, into: &json)
        policy(report.policy, into: &json)
        json.field("unit_file", report.unitFile)
        json.field("drop_ins", report.dropIns)
        json.field("exec_start", report.execStart)
        json.key("exec_start_commands")
        json.beginArray()
        for command in report.execCommands {
            json.beginObject()
            json.field("path", command.path)
            json.field("argv", strings: command.words)
            json.field("ignores_errors", command.ignoresErrors)
            json.endObject()
        }
        json.endArray()
        json.field("user", report.user)
        json.key("events")
        json.beginArray()
        for event in report.journal.events { ServiceJSONFields.event(event, into: &json) }
        json.endArray()
        json.key("journal_tail")
        json.beginArray()
        for line in report.journal.tail { ServiceJSONFields.journalLine(line, into: &json) }
        json.endArray()
        json.endObject()
        return json.bytes
    }

    private static func mainProcess(_ report: ServiceReport, into json: inout JSONWriter) {
        json.key("main_process")
        guard let main = report.main else { return json.null() }
        json.beginObject()
        json.field("pid", main.pid)
        json.field("comm", main.process?.snapshot.stat.comm)
        json.field("argv", strings: main.process?.snapshot.argv)
        json.field("started_at", main.startedAt.map(UnixTimeText.rfc3339))
        json.field("rss_bytes", main.process?.residentBytes)
        json.field("cpu_s", main.process?.cpuSeconds, digits: 2)
        json.field("threads", main.process?.threads)
        json.endObject()
    }

    private static func process(_ process: ServiceProcess, into json: inout JSONWriter) {
        let stat = process.snapshot.stat
        json.beginObject()
        json.field("pid", stat.pid)
        json.field("ppid", stat.ppid)
        json.field("comm", stat.comm)
        json.field("argv", strings: process.snapshot.argv)
        json.field("state", String(decoding: [stat.state], as: UTF8.self))
        json.field("rss_bytes", process.residentBytes)
        json.field("cpu_s", process.cpuSeconds, digits: 2)
        json.field("threads", process.threads)
        json.endObject()
    }

    /// A limit or a reading is a number, or null: "unlimited" is told apart by max_unlimited.
    private static func limits(_ limits: ServiceReport.Limits, into json: inout JSONWriter) {
        json.key("memory")
        json.beginObject()
        json.field("current_bytes", limits.memoryCurrent.number)
        json.field("max_bytes", limits.memoryMax.number)
        json.field("max_unlimited", limits.memoryMax == .infinity)
        json.field("high_bytes", limits.memoryHigh.number)
        json.field("rss_sum_bytes", limits.residentBytes)
        json.endObject()
        json.key("tasks")
        json.beginObject()
        json.field("current", limits.tasksCurrent.number)
        json.field("max", limits.tasksMax.number)
        json.field("max_unlimited", limits.tasksMax == .infinity)
        json.endObject()
    }

    private static func policy(_ policy: ServiceReport.RestartPolicy, into json: inout JSONWriter) {
        json.key("restart_policy")
        json.beginObject()
        json.field("restart", policy.restart)
        json.field("restart_delay_s", policy.restartDelayMicroseconds.map { Double($0) / 1e6 }, digits: 3)
        json.field("start_limit_burst", policy.startLimitBurst)
        json.field(
            "start_limit_interval_s", policy.startLimitIntervalMicroseconds.map { Double($0) / 1e6 },
            digits: 3)

        json.field("n_restarts", policy.automaticRestarts)
        json.endObject()
    }
}
