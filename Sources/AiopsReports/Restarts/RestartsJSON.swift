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
public enum RestartsJSON {
    static let schema = "aiops.analyze.restarts/1"

    public static func encode(_ report: RestartsReport) -> [UInt8] {
        var json = JSONWriter(reservingCapacity: 16384)
        json.beginObject()
        json.field("schema", schema)
        json.field("time", UnixTimeText.rfc3339(report.now))
        json.field("unit", report.unit)
        json.key("period")
        json.beginObject()
        json.field("since", UnixTimeText.rfc3339(report.since))
        json.field("until", UnixTimeText.rfc3339(report.now))
        json.field("seconds", report.periodSeconds, digits: 3)
        json.field("covered_since", UnixTimeText.rfc3339(report.coveredSince))
        json.field("covered_seconds", report.coveredSeconds, digits: 3)
        json.field("journal_starts_at", report.journalStartsAt.map(UnixTimeText.rfc3339))
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
        var log: (reason: String?, kills: Int?, lost: Int?) = (nil, nil, nil)
        switch report.kernelLog {
        case .read(let kills, let lost): (log.kills, log.lost) = (kills, lost)
        case .unavailable(let reason): log.reason = reason
        }
        json.field("available", log.reason == nil)
        json.field("reason", log.reason)
        json.field("oom_kills", log.kills)
        json.field("lost_records", log.lost)
        json.endObject()
        kernelJournal(report, into: &json)
        json.field("systemd_n_restarts", report.systemdRestartCounter)
        json.field("journal_entries", report.journalEntries)
        RestartsMonitorJSON.history(report.monitorHistory, into: &json)
        json.key("advice")
        json.beginArray()
        for item in report.advice {
            json.beginObject()
            json.field("term", item.term.rawValue)
            json.field("text", item.text)
            json.field("command", item.command)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.bytes
    }

    private static func kernelJournal(_ report: RestartsReport, into json: inout JSONWriter) {
        json.key("kernel_journal")
        json.beginObject()
        var journal: (reason: String?, kills: Int?, entries: Int?, narrowed: Bool?) = (nil, nil, nil, nil)
        switch report.kernelJournal {
        case .read(let kills, let entries, let narrowed):
            (journal.kills, journal.entries, journal.narrowed) = (kills, entries, narrowed)
        case .unavailable(let reason): journal.reason = reason
        }
        json.field("available", journal.reason == nil)
        json.field("reason", journal.reason)
        json.field("oom_kills", journal.kills)
        json.field("entries", journal.entries)
        json.field("grep", journal.narrowed)
        json.endObject()
        json.field("kernel_oom_kills", report.kernelOOMKills)
    }

    private static func current(_ report: RestartsReport, into json: inout JSONWriter) {
        json.key("current")
        json.beginObject()
        json.field("loaded", report.current.loaded)
        json.field("active_state", report.current.active)
        json.field("sub_state", report.current.sub)
        json.field("main_pid", report.current.mainPID)
        json.field("active_since", report.current.activeSince.map(UnixTimeText.rfc3339))
        json.field("uptime_s", report.uptimeSeconds, digits: 3)
        json.endObject()
    }

    private static func statistics(_ statistics: RestartStatistics, into json: inout JSONWriter) {
        json.key("statistics")
        json.beginObject()
        json.field("restarts", statistics.restarts)
        json.field("episodes", statistics.episodes)
        json.field("completed_runs", statistics.completedRuns)
        json.field("restarts_per_day", statistics.restartsPerDay, digits: 3)
        json.field("rate_warning", statistics.rateIsHigh)
        json.field("warning_per_day", RestartStatistics.warningRestartsPerDay, digits: 6)
        json.field("mean_uptime_s", statistics.meanUptimeSeconds, digits: 3)
        json.field("mttr_s", statistics.meanRecoverySeconds, digits: 3)
        json.field("max_recovery_s", statistics.maximumRecoverySeconds, digits: 3)
        json.key("intervals")
        json.optional(statistics.intervals) { json, intervals in
            json.beginObject()
            json.field("min_s", intervals.minimumSeconds, digits: 3)
            json.field("median_s", intervals.medianSeconds, digits: 3)
            json.field("max_s", intervals.maximumSeconds, digits: 3)
            json.key("buckets")
            json.beginObject()
            json.field("under_1m", intervals.buckets[0])
            json.field("1m_10m", intervals.buckets[1])
            json.field("10m_1h", intervals.buckets[2])
            json.field("1h_1d", intervals.buckets[3])
            json.field("over_1d", intervals.buckets[4])
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
            json.field("category", cause.category)
            json.field("count", cause.count)
            json.field(
                "share", statistics.episodes > 0 ? Double(cause.count) / Double(statistics.episodes) : 0,
                digits: 4)
            json.endObject()
        }
        json.endArray()
        RestartPatternJSON.patterns(statistics.patterns, into: &json)
        json.endObject()
    }

    private static func episode(_ episode: RestartEpisode, death: ExitRecord?, into json: inout JSONWriter) {
        json.beginObject()
        json.field("time", UnixTimeText.rfc3339(episode.time))
        json.field("category", episode.category)
        json.field("cause", episode.cause.category)
        json.field("invocation_id", episode.invocationID)
        json.field("automatic", episode.automatic)
        json.field("restart_counter", episode.restartCounter)
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
        json.field("signal", signal ?? episode.exit?.signal)
        json.field("signal_name", (signal ?? episode.exit?.signal).map(SignalName.of))
        json.field("core_dumped", core || episode.exit?.coreDumped == true)
        json.field("exit_status", episode.exit?.code == .exited ? episode.exit?.status : nil)
        json.key("exit")
        json.optional(episode.exit) { ServiceJSONFields.exit($1, into: &$0) }
        json.field("result", episode.result)
        json.field("start_limit_hit", episode.startLimitHit)
        json.field("run_started_at", episode.runStartedAt.map(UnixTimeText.rfc3339))
        json.field("uptime_s", episode.uptimeSeconds, digits: 6)
        json.field("recovered_at", episode.recoveredAt.map(UnixTimeText.rfc3339))
        json.field("recovery_s", episode.recoverySeconds, digits: 6)
        json.field("errno", errno)
        json.key("kernel_oom")
        json.optional(kernel) { json, kill in
            json.beginObject()
            json.field("time", UnixTimeText.rfc3339(kill.time))
            json.field("constraint", kill.constraint)
            json.field("task_cgroup", kill.taskCgroup)
            json.field("limit_cgroup", kill.limitCgroup)
            json.field("host_pid", kill.pid)
            json.field("command", kill.command)
            json.field("anon_rss_bytes", kill.anonymousResidentKB.map { $0 &* 1024 })
            json.endObject()
        }
        json.field("core_dump_executable", episode.coreDumpExecutable)
        json.field("signal_sent", episode.signalSent.map(SignalName.of))

        json.field("log_tail", strings: episode.logTail)
        json.key("monitor")
        json.optional(death) { RestartsMonitorJSON.death($1, into: &$0) }
        json.endObject()
    }
}
