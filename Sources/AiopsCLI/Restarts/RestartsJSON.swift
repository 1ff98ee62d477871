import AiopsAnalyze
import AiopsCore
import AiopsRender

/// `analyze restarts --json`: one object; keys are added, never renamed; times RFC 3339 UTC µs.
///
/// - schema, time, unit, period {since, until, seconds, covered_since, covered_seconds,
///   journal_starts_at}: the statistics cover covered_since–until, the part of the period the
///   journal reaches back to (covered_seconds < seconds: the journal starts inside the period)
/// - current {loaded, active_state, sub_state, main_pid, active_since, uptime_s}
/// - statistics {restarts, episodes, completed_runs (runs that ended cleanly, not restarted by
///   systemd: a oneshot or timer unit's; in no other number), restarts_per_day (over covered_seconds), rate_warning, warning_per_day,
///   mean_uptime_s, mttr_s, max_recovery_s, intervals {min_s, median_s, max_s, buckets
///   {under_1m, 1m_10m, 10m_1h, 1h_1d, over_1d}} or null, by_hour [24 counts, local time],
///   causes [{category, count, share}], patterns [{kind, text, …}] (RestartPatternJSON; empty
///   under 3 restarts)}
/// - episodes (oldest first) [{time, category (crash, exit_code, oom_kill, watchdog, timeout,
///   manual_restart, manual_stop, dependency, clean_exit, start_limit_hit, other), cause
///   (the failure behind a start_limit_hit too), invocation_id, automatic, restart_counter,
///   signal, signal_name, core_dumped, exit_status, exit {…} or null, result, start_limit_hit,
///   run_started_at, uptime_s, recovered_at, recovery_s, errno, kernel_oom {…} or null,
///   core_dump_executable, signal_sent (systemctl kill's signal, e.g. "SIGTERM"), log_tail [..], monitor {…} or null (RestartsMonitorJSON)}]
/// - kernel_log {available, reason, oom_kills, lost_records}: the /dev/kmsg ring
/// - kernel_journal {available, reason, oom_kills, entries, grep}: the journal's kernel entries
///   (`_TRANSPORT=kernel`) of the period; grep: journalctl narrowed them to OOM lines itself
/// - kernel_oom_kills: the OOM kills of both, a kill in both counted once
/// - systemd_n_restarts, journal_entries
/// - monitor_history {path, available, reason, deaths_recorded, matched}
/// - advice [{term ("short": steps to take now; "long": what finds the cause and catches the
///   next death), text, command}], the short-term ones first
enum RestartsJSON {
    static let schema = "aiops.analyze.restarts/1"

    static func encode(_ report: RestartsReport) -> [UInt8] {
        var json = JSONWriter(reservingCapacity: 16384)
        json.beginObject()
        json.key("schema")
        json.string(schema)
        json.key("time")
        json.string(UnixTimeText.rfc3339(report.now))
        json.key("unit")
        json.string(report.unit)
        json.key("period")
        json.beginObject()
        json.key("since")
        json.string(UnixTimeText.rfc3339(report.since))
        json.key("until")
        json.string(UnixTimeText.rfc3339(report.now))
        json.key("seconds")
        json.number(report.periodSeconds, digits: 3)
        json.key("covered_since")
        json.string(UnixTimeText.rfc3339(report.coveredSince))
        json.key("covered_seconds")
        json.number(report.coveredSeconds, digits: 3)
        json.key("journal_starts_at")
        ServiceJSONFields.time(report.journalStartsAt, into: &json)
        json.endObject()
        current(report, into: &json)
        statistics(report.statistics, into: &json)
        json.key("episodes")
        json.beginArray()
        for (index, episode) in report.episodes.enumerated() {
            self.episode(episode, death: report.monitorHistory.deaths[index], into: &json)
        }
        json.endArray()
        json.key("kernel_log")
        json.beginObject()
        switch report.kernelLog {
        case .read(let kills, let lost):
            json.key("available")
            json.bool(true)
            json.key("reason")
            json.null()
            json.key("oom_kills")
            json.integer(kills)
            json.key("lost_records")
            json.integer(lost)
        case .unavailable(let reason):
            json.key("available")
            json.bool(false)
            json.key("reason")
            json.string(reason)
            json.key("oom_kills")
            json.null()
            json.key("lost_records")
            json.null()
        }
        json.endObject()
        kernelJournal(report, into: &json)
        json.key("systemd_n_restarts")
        json.optional(report.systemdRestartCounter) { $0.integer($1) }
        json.key("journal_entries")
        json.integer(report.journalEntries)
        RestartsMonitorJSON.history(report.monitorHistory, into: &json)
        json.key("advice")
        json.beginArray()
        for item in report.advice {
            json.beginObject()
            json.key("term")
            json.string(item.term.rawValue)
            json.key("text")
            json.string(item.text)
            json.key("command")
            json.optional(item.command) { $0.string($1) }
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.bytes
    }

    private static func kernelJournal(_ report: RestartsReport, into json: inout JSONWriter) {
        json.key("kernel_journal")
        json.beginObject()
        switch report.kernelJournal {
        case .read(let kills, let entries, let narrowed):
            json.key("available")
            json.bool(true)
            json.key("reason")
            json.null()
            json.key("oom_kills")
            json.integer(kills)
            json.key("entries")
            json.integer(entries)
            json.key("grep")
            json.bool(narrowed)
        case .unavailable(let reason):
            json.key("available")
            json.bool(false)
            json.key("reason")
            json.string(reason)
            json.key("oom_kills")
            json.null()
            json.key("entries")
            json.null()
            json.key("grep")
            json.null()
        }
        json.endObject()
        json.key("kernel_oom_kills")
        json.integer(report.kernelOOMKills)
    }

    private static func current(_ report: RestartsReport, into json: inout JSONWriter) {
        json.key("current")
        json.beginObject()
        json.key("loaded")
        json.bool(report.current.loaded)
        json.key("active_state")
        json.string(report.current.active)
        json.key("sub_state")
        json.string(report.current.sub)
        json.key("main_pid")
        json.optional(report.current.mainPID) { $0.integer($1) }
        json.key("active_since")
        ServiceJSONFields.time(report.current.activeSince, into: &json)
        json.key("uptime_s")
        json.optional(report.uptimeSeconds) { $0.number($1, digits: 3) }
        json.endObject()
    }

    private static func statistics(_ statistics: RestartStatistics, into json: inout JSONWriter) {
        json.key("statistics")
        json.beginObject()
        json.key("restarts")
        json.integer(statistics.restarts)
        json.key("episodes")
        json.integer(statistics.episodes)
        json.key("completed_runs")
        json.integer(statistics.completedRuns)
        json.key("restarts_per_day")
        json.number(statistics.restartsPerDay, digits: 3)
        json.key("rate_warning")
        json.bool(statistics.rateIsHigh)
        json.key("warning_per_day")
        json.number(RestartStatistics.warningRestartsPerDay)
        json.key("mean_uptime_s")
        json.optional(statistics.meanUptimeSeconds) { $0.number($1, digits: 3) }
        json.key("mttr_s")
        json.optional(statistics.meanRecoverySeconds) { $0.number($1, digits: 3) }
        json.key("max_recovery_s")
        json.optional(statistics.maximumRecoverySeconds) { $0.number($1, digits: 3) }
        json.key("intervals")
        json.optional(statistics.intervals) { json, intervals in
            json.beginObject()
            json.key("min_s")
            json.number(intervals.minimumSeconds, digits: 3)
            json.key("median_s")
            json.number(intervals.medianSeconds, digits: 3)
            json.key("max_s")
            json.number(intervals.maximumSeconds, digits: 3)
            json.key("buckets")
            json.beginObject()
            json.key("under_1m")
            json.integer(intervals.buckets[0])
            json.key("1m_10m")
            json.integer(intervals.buckets[1])
            json.key("10m_1h")
            json.integer(intervals.buckets[2])
            json.key("1h_1d")
            json.integer(intervals.buckets[3])
            json.key("over_1d")
            json.integer(intervals.buckets[4])
            json.endObject()
            json.endObject()
        }
        json.key("by_hour")
        json.beginArray()
        for count in statistics.byHour { json.integer(count) }
        json.endArray()
        json.key("causes")
        json.beginArray()
        for cause in statistics.causes {
            json.beginObject()
            json.key("category")
            json.string(cause.category)
            json.key("count")
            json.integer(cause.count)
            json.key("share")
            json.number(
                statistics.episodes > 0 ? Double(cause.count) / Double(statistics.episodes) : 0, digits: 4)
            json.endObject()
        }
        json.endArray()
        RestartPatternJSON.patterns(statistics.patterns, into: &json)
        json.endObject()
    }

    private static func episode(_ episode: RestartEpisode, death: ExitRecord?, into json: inout JSONWriter) {
        json.beginObject()
        json.key("time")
        json.string(UnixTimeText.rfc3339(episode.time))
        json.key("category")
        json.string(episode.category)
        json.key("cause")
        json.string(episode.cause.category)
        json.key("invocation_id")
        json.optional(episode.invocationID) { $0.string($1) }
        json.key("automatic")
        json.bool(episode.automatic)
        json.key("restart_counter")
        json.optional(episode.restartCounter) { $0.integer($1) }
        var signal: Int32?
        var core = false
        var errno: Int32?
        var kernel: KernelOOMKill?
        switch episode.cause {
        case .crash(let number, let dumped): (signal, core) = (number, dumped)
        case .exitCode(_, let number): errno = number
        case .oomKill(.kernel(let kill)): kernel = kill
        default: break
        }
        json.key("signal")
        json.optional(signal ?? episode.exit?.signal) { $0.integer($1) }
        json.key("signal_name")
        json.optional(signal ?? episode.exit?.signal) { $0.string(SignalName.of($1)) }
        json.key("core_dumped")
        json.bool(core || episode.exit?.coreDumped == true)
        json.key("exit_status")
        json.optional(episode.exit?.code == .exited ? episode.exit?.status : nil) { $0.integer($1) }
        json.key("exit")
        json.optional(episode.exit) { ServiceJSONFields.exit($1, into: &$0) }
        json.key("result")
        json.optional(episode.result) { $0.string($1) }
        json.key("start_limit_hit")
        json.bool(episode.startLimitHit)
        json.key("run_started_at")
        ServiceJSONFields.time(episode.runStartedAt, into: &json)
        json.key("uptime_s")
        json.optional(episode.uptimeSeconds) { $0.number($1, digits: 6) }
        json.key("recovered_at")
        ServiceJSONFields.time(episode.recoveredAt, into: &json)
        json.key("recovery_s")
        json.optional(episode.recoverySeconds) { $0.number($1, digits: 6) }
        json.key("errno")
        json.optional(errno) { $0.integer($1) }
        json.key("kernel_oom")
        json.optional(kernel) { json, kill in
            json.beginObject()
            json.key("time")
            json.string(UnixTimeText.rfc3339(kill.time))
            json.key("constraint")
            json.string(kill.constraint)
            json.key("task_cgroup")
            json.string(kill.taskCgroup)
            json.key("limit_cgroup")
            json.optional(kill.limitCgroup) { $0.string($1) }
            json.key("host_pid")
            json.integer(kill.pid)
            json.key("command")
            json.string(kill.command)
            json.key("anon_rss_bytes")
            json.optional(kill.anonymousResidentKB) { $0.integer($1 &* 1024) }
            json.endObject()
        }
        json.key("core_dump_executable")
        json.optional(episode.coreDumpExecutable) { $0.string($1) }
        json.key("signal_sent")
        json.optional(episode.signalSent) { $0.string(SignalName.of($1)) }
        json.key("log_tail")
        json.beginArray()
        for line in episode.logTail { json.string(line) }
        json.endArray()
        json.key("monitor")
        json.optional(death) { RestartsMonitorJSON.death($1, into: &$0) }
        json.endObject()
    }
}
