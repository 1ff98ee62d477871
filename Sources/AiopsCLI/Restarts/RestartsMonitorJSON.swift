import AiopsCore
import AiopsRender

/// The monitoring daemon's side of `analyze restarts --json`.
///
/// - monitor_history {path, available, reason (null when read), deaths_recorded, matched}
/// - an episode's monitor {time, pid, comm, argv, killer_pid, killer_comm, source,
///   peak_rss_bytes (the kernel's high-water mark, from the exit event; null without BPF),
///   at_death {cpu_s, rss_bytes, vsz_bytes, read_bytes, write_bytes, threads, open_files} or null}
enum RestartsMonitorJSON {
    static func history(_ history: RestartsReport.MonitorHistory, into json: inout JSONWriter) {
        json.key("monitor_history")
        json.beginObject()
        json.key("path")
        json.string(history.path)
        json.key("available")
        json.bool(history.unavailable == nil)
        json.key("reason")
        json.optional(history.unavailable) { $0.string($1) }
        json.key("deaths_recorded")
        json.integer(history.recorded)
        json.key("matched")
        json.integer(history.deaths.count)
        json.endObject()
    }

    static func death(_ record: ExitRecord, into json: inout JSONWriter) {
        json.beginObject()
        json.key("time")
        json.string(UnixTimeText.rfc3339(record.unixNanoseconds / 1_000))
        json.key("pid")
        json.integer(record.pid)
        json.key("comm")
        json.string(record.comm)
        json.key("argv")
        json.beginArray()
        for argument in record.argv { json.string(argument) }
        json.endArray()
        json.key("killer_pid")
        json.optional(record.killerPID) { $0.integer($1) }
        json.key("killer_comm")
        json.optional(record.killerComm) { $0.string($1) }
        json.key("source")
        json.string(record.source.rawValue)
        json.key("peak_rss_bytes")
        json.optional(record.peakResidentBytes) { $0.integer($1) }
        json.key("at_death")
        json.optional(record.snapshot) { json, snapshot in
            json.beginObject()
            json.key("cpu_s")
            json.optional(snapshot.cpuNanoseconds) { $0.number(Double($1) / 1e9, digits: 6) }
            json.key("rss_bytes")
            json.optional(snapshot.residentBytes) { $0.integer($1) }
            json.key("vsz_bytes")
            json.optional(snapshot.virtualBytes) { $0.integer($1) }
            json.key("read_bytes")
            json.optional(snapshot.readBytes) { $0.integer($1) }
            json.key("write_bytes")
            json.optional(snapshot.writeBytes) { $0.integer($1) }
            json.key("threads")
            json.optional(snapshot.threads) { $0.integer($1) }
            json.key("open_files")
            json.optional(snapshot.openFiles) { $0.integer($1) }
            json.endObject()
        }
        json.endObject()
    }
}
