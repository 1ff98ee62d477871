import AiopsCore
import AiopsProc
import AiopsRender

/// `collect processes --json`: one object per process, stable snake_case keys (README).
enum ProcessJSON {
    static func writeHeader(facts: SystemFacts, time: BootInstant, into json: inout JSONWriter) {
        var clock = TimeText(clock: WallClock.measure())
        json.key("time")
        json.string(clock.rfc3339(time))
        json.key("host")
        json.beginObject()
        json.key("memory_total_kb")
        json.integer(facts.memoryTotalKiB)
        json.key("cpus")
        json.integer(facts.cpuCount)
        json.key("uptime_s")
        json.number(facts.uptimeSeconds, digits: 2)
        json.endObject()
    }

    static func write(_ row: ProcessRow, into json: inout JSONWriter) {
        let sample = row.sample
        let stat = sample.stat
        json.beginObject()
        json.key("pid")
        json.integer(stat.pid)
        json.key("ppid")
        json.integer(stat.ppid)
        json.key("user")
        json.string(row.user)
        json.key("uid")
        json.optional(sample.realUID) { $0.integer($1) }
        json.key("euid")
        json.optional(sample.effectiveUID) { $0.integer($1) }
        json.key("cpu_percent")
        json.number(Double(row.cpuPermille) / 10, digits: 1)
        json.key("mem_percent")
        json.number(Double(row.memoryPermille) / 10, digits: 1)
        json.key("vsz_kb")
        json.integer(row.virtualKiB)
        json.key("rss_kb")
        json.integer(row.residentKiB)
        json.key("tty")
        json.string(row.tty)
        json.key("stat")
        json.string(row.stat)
        json.key("state")
        json.string(String(UnicodeScalar(stat.state)))
        json.key("start_time")
        json.string(rfc3339(unixSeconds: row.startUnixSeconds))
        json.key("cpu_time_s")
        json.number(Double(row.cpuTicks) / Double(BootInstant.clockTicksPerSecond), digits: 2)
        json.key("threads")
        json.integer(stat.threads)
        json.key("nice")
        json.integer(stat.nice)
        json.key("kernel_thread")
        json.bool(stat.isKernelThread)
        json.key("unit")
        json.optional(sample.unit) { $0.string($1) }
        json.key("cgroup")
        json.optional(sample.cgroupPath) { $0.string($1) }
        json.key("comm")
        json.string(stat.comm)
        json.key("argv")
        json.beginArray()
        for argument in sample.argv { json.string(argument) }
        json.endArray()
        json.key("argv_truncated")
        json.bool(sample.argvTruncated)
        if row.windowCPUPercent != nil || row.peakResidentKiB != nil {
            json.key("window_cpu_percent")
            json.optional(row.windowCPUPercent) { $0.number($1, digits: 2) }
            json.key("peak_rss_kb")
            json.optional(row.peakResidentKiB) { $0.integer($1) }
            // null: unreadable (another user's process without privilege), never a made-up 0.
            json.key("window_read_bytes")
            json.optional(row.windowIO?.storageReadBytes) { $0.integer($1) }
            json.key("window_write_bytes")
            json.optional(row.windowIO?.storageWriteBytes) { $0.integer($1) }
            json.key("window_read_chars")
            json.optional(row.windowIO?.readCharacters) { $0.integer($1) }
            json.key("window_write_chars")
            json.optional(row.windowIO?.writtenCharacters) { $0.integer($1) }
        }
        json.endObject()
    }

    /// RFC 3339 UTC of a whole second (process start times have clock-tick resolution).
    static func rfc3339(unixSeconds: Int64) -> String {
        var clock = TimeText(clock: WallClock(offsetNanoseconds: 0))
        let text = clock.rfc3339(BootInstant(nanoseconds: UInt64(max(0, unixSeconds)) * 1_000_000_000))
        return String(text.prefix(19)) + "Z"
    }
}

/// `collect processes --csv`: a header, then one line per process (RFC 4180 quoting; text is
/// terminal-escaped, since CSV is often read on a terminal).
enum ProcessCSV {
    static func lines(_ rows: [ProcessRow]) -> [String] {
        var lines = [
            "user,pid,ppid,cpu_percent,mem_percent,vsz_kb,rss_kb,tty,stat,start,time,threads,unit,command"
        ]
        for row in rows {
            let fields = [
                row.user, String(row.sample.pid), String(row.sample.stat.ppid),
                PsColumns.percent(fromPermille: row.cpuPermille),
                PsColumns.percent(fromPermille: row.memoryPermille),
                String(row.virtualKiB), String(row.residentKiB), row.tty, row.stat, row.start, row.cpuTime,
                String(row.sample.stat.threads), row.sample.unit ?? "",
                ProcessTableLayout.commandText(row.sample),
            ]
            lines.append(fields.map(quote).joined(separator: ","))
        }
        return lines
    }

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == " " }) else { return field }
        return "\"" + field.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"")
            + "\""
    }
}
