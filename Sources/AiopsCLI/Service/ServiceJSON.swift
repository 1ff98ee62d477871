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
enum ServiceJSON {
    static let schema = "aiops.analyze.service/1"

    static func encode(_ report: ServiceReport) -> [UInt8] {
        var json = JSONWriter(reservingCapacity: 8192)
        json.beginObject()
        json.key("schema")
        json.string(schema)
        json.key("time")
        json.string(UnixTimeText.rfc3339(report.now))
        json.key("unit")
        json.string(report.unit)
        json.key("description")
        json.optional(report.description) { $0.string($1) }
        json.key("load_state")
        json.string(report.state.load)
        json.key("active_state")
        json.string(report.state.active)
        json.key("sub_state")
        json.string(report.state.sub)
        json.key("result")
        json.optional(report.state.result) { $0.string($1) }
        json.key("unit_file_state")
        json.optional(report.state.unitFileState) { $0.string($1) }
        json.key("invocation_id")
        json.optional(report.invocationID) { $0.string($1) }
        json.key("active_since")
        ServiceJSONFields.time(report.activeSince, into: &json)
        json.key("state_changed_at")
        ServiceJSONFields.time(report.stateChangedAt, into: &json)
        json.key("uptime_s")
        json.optional(report.uptimeSeconds) { $0.number($1, digits: 3) }
        mainProcess(report, into: &json)
        json.key("last_exit")
        json.optional(report.lastExit) { ServiceJSONFields.exit($1.exit, time: $1.time, into: &$0) }
        json.key("control_group")
        json.optional(report.controlGroup) { $0.string($1) }
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
        json.key("unit_file")
        json.optional(report.unitFile) { $0.string($1) }
        json.key("drop_ins")
        json.optional(report.dropIns) { $0.string($1) }
        json.key("exec_start")
        json.optional(report.execStart) { $0.string($1) }
        json.key("exec_start_commands")
        json.beginArray()
        for command in report.execCommands {
            json.beginObject()
            json.key("path")
            json.string(command.path)
            json.key("argv")
            json.beginArray()
            for word in command.words { json.string(word) }
            json.endArray()
            json.key("ignores_errors")
            json.bool(command.ignoresErrors)
            json.endObject()
        }
        json.endArray()
        json.key("user")
        json.optional(report.user) { $0.string($1) }
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
        json.key("pid")
        json.integer(main.pid)
        json.key("comm")
        json.optional(main.process?.snapshot.stat.comm) { $0.string($1) }
        json.key("argv")
        json.optional(main.process?.snapshot.argv) { json, argv in
            json.beginArray()
            for argument in argv { json.string(argument) }
            json.endArray()
        }
        json.key("started_at")
        ServiceJSONFields.time(main.startedAt, into: &json)
        json.key("rss_bytes")
        json.optional(main.process?.residentBytes) { $0.integer($1) }
        json.key("cpu_s")
        json.optional(main.process?.cpuSeconds) { $0.number($1, digits: 2) }
        json.key("threads")
        json.optional(main.process?.threads) { $0.integer($1) }
        json.endObject()
    }

    private static func process(_ process: ServiceProcess, into json: inout JSONWriter) {
        let stat = process.snapshot.stat
        json.beginObject()
        json.key("pid")
        json.integer(stat.pid)
        json.key("ppid")
        json.integer(stat.ppid)
        json.key("comm")
        json.string(stat.comm)
        json.key("argv")
        json.beginArray()
        for argument in process.snapshot.argv { json.string(argument) }
        json.endArray()
        json.key("state")
        json.string(String(decoding: [stat.state], as: UTF8.self))
        json.key("rss_bytes")
        json.optional(process.residentBytes) { $0.integer($1) }
        json.key("cpu_s")
        json.number(process.cpuSeconds, digits: 2)
        json.key("threads")
        json.integer(process.threads)
        json.endObject()
    }

    private static func limits(_ limits: ServiceReport.Limits, into json: inout JSONWriter) {
        json.key("memory")
        json.beginObject()
        json.key("current_bytes")
        ServiceJSONFields.quantity(limits.memoryCurrent, into: &json)
        json.key("max_bytes")
        ServiceJSONFields.quantity(limits.memoryMax, into: &json)
        json.key("max_unlimited")
        json.bool(limits.memoryMax == .infinity)
        json.key("high_bytes")
        ServiceJSONFields.quantity(limits.memoryHigh, into: &json)
        json.key("rss_sum_bytes")
        json.optional(limits.residentBytes) { $0.integer($1) }
        json.endObject()
        json.key("tasks")
        json.beginObject()
        json.key("current")
        ServiceJSONFields.quantity(limits.tasksCurrent, into: &json)
        json.key("max")
        ServiceJSONFields.quantity(limits.tasksMax, into: &json)
        json.key("max_unlimited")
        json.bool(limits.tasksMax == .infinity)
        json.endObject()
    }

    private static func policy(_ policy: ServiceReport.RestartPolicy, into json: inout JSONWriter) {
        json.key("restart_policy")
        json.beginObject()
        json.key("restart")
        json.string(policy.restart)
        json.key("restart_delay_s")
        json.optional(policy.restartDelayMicroseconds) { $0.number(Double($1) / 1e6, digits: 3) }
        json.key("start_limit_burst")
        json.optional(policy.startLimitBurst) { $0.integer($1) }
        json.key("start_limit_interval_s")
        json.optional(policy.startLimitIntervalMicroseconds) { $0.number(Double($1) / 1e6, digits: 3) }
        json.key("n_restarts")
        json.optional(policy.automaticRestarts) { $0.integer($1) }
        json.endObject()
    }
}
