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
        json.field("path", history.path)
        json.field("available", history.unavailable == nil)
        json.field("reason", history.unavailable)
        json.field("deaths_recorded", history.recorded)
        json.field("matched", history.deaths.count)
        json.endObject()
    }

    static func death(_ record: ExitRecord, into json: inout JSONWriter) {
        json.beginObject()
        json.field("time", UnixTimeText.rfc3339(record.unixNanoseconds / 1_000))
        json.field("pid", record.pid)
        json.field("comm", record.comm)
        json.field("argv", strings: record.argv)
        json.field("killer_pid", record.killerPID)
        json.field("killer_comm", record.killerComm)
        json.field("source", record.source.rawValue)
        json.field("peak_rss_bytes", record.peakResidentBytes)
        json.key("at_death")
        json.optional(record.snapshot) { json, snapshot in
            json.beginObject()
            json.field("cpu_s", snapshot.cpuNanoseconds.map { Double($0) / 1e9 }, digits: 6)

            json.field("rss_bytes", snapshot.residentBytes)
            json.field("vsz_bytes", snapshot.virtualBytes)
            json.field("read_bytes", snapshot.readBytes)
            json.field("write_bytes", snapshot.writeBytes)
            json.field("threads", snapshot.threads)
            json.field("open_files", snapshot.openFiles)
            json.endObject()
        }
        json.endObject()
    }
}
