import AiopsCore
import AiopsProc
import AiopsRender

/// `collect processes --json`: one object per process, stable snake_case keys (README).
enum ProcessJSON {
    static func writeHeader(facts: SystemFacts, time: BootInstant, into json: inout JSONWriter) {
        var clock = TimeText(clock: WallClock.measure())
        json.field("time", clock.rfc3339(time))
        json.key("host")
        json.beginObject()
        json.field("memory_total_kb", facts.memoryTotalKiB)
        json.field("cpus", facts.cpuCount)
        json.field("uptime_s", facts.uptimeSeconds, digits: 2)
        json.endObject()
    }

    static func write(_ row: ProcessRow, into json: inout JSONWriter) {
        let sample = row.sample
        let stat = sample.stat
        json.beginObject()
        json.field("pid", stat.pid)
        json.field("ppid", stat.ppid)
        json.field("user", row.user)
        json.field("uid", sample.realUID)
        json.field("euid", sample.effectiveUID)
        json.field("cpu_percent", Double(row.cpuPermille) / 10, digits: 1)
        json.field("mem_percent", Double(row.memoryPermille) / 10, digits: 1)
        json.field("vsz_kb", row.virtualKiB)
        json.field("rss_kb", row.residentKiB)
        json.field("tty", row.tty)
        json.field("stat", row.stat)
        json.field("state", String(UnicodeScalar(stat.state)))
        json.field("start_time", rfc3339(unixSeconds: row.startUnixSeconds))
        json.field("cpu_time_s", Double(row.cpuTicks) / Double(BootInstant.clockTicksPerSecond), digits: 2)
        json.field("threads", stat.threads)
        json.field("nice", stat.nice)
        json.field("kernel_thread", stat.isKernelThread)
        json.field("unit", sample.unit)
        json.field("cgroup", sample.cgroupPath)
        json.field("comm", stat.comm)
        json.field("argv", strings: sample.argv)
        json.field("argv_truncated", sample.argvTruncated)
        if row.windowCPUPercent != nil || row.peakResidentKiB != nil {
            json.field("window_cpu_percent", row.windowCPUPercent, digits: 2)
            json.field("peak_rss_kb", row.peakResidentKiB)
            // null: unreadable (another user's process without privilege), never a made-up 0.
            json.field("window_read_bytes", row.windowIO?.storageReadBytes)
            json.field("window_write_bytes", row.windowIO?.storageWriteBytes)
            json.field("window_read_chars", row.windowIO?.readCharacters)
            json.field("window_write_chars", row.windowIO?.writtenCharacters)
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
public enum ProcessCSV {
    public static func lines(_ rows: [ProcessRow]) -> [String] {
        var lines = [
            "user,pid,ppid,cpu_percent,mem_percent,vsz_kb,rss_kb,tty,stat,start,time,threads,unit,command"
        ]
        for row in rows {
            let fields = [
                inert(row.user), String(row.sample.pid), String(row.sample.stat.ppid),
                PsColumns.percent(fromPermille: row.cpuPermille),
                PsColumns.percent(fromPermille: row.memoryPermille),
                String(row.virtualKiB), String(row.residentKiB), row.tty, row.stat, row.start, row.cpuTime,
                String(row.sample.stat.threads), inert(row.sample.unit ?? ""),
                inert(ProcessTableLayout.commandText(row.sample)),
            ]
            lines.append(fields.map(quote).joined(separator: ","))
        }
        return lines
    }

    /// Text a process chose (its command line, its unit's name, a user name): a spreadsheet
    /// opening the CSV runs a cell that begins with = + - @ (or a tab or carriage return before
    /// one) as a formula, e.g. `=cmd|' /C calc'!A0`. A leading apostrophe makes it text, as
    /// OWASP advises; the numeric columns are ours and stay numbers.
    static func inert(_ field: String) -> String {
        guard let first = field.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else {
            return field
        }
        return "'" + field
    }

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == " " }) else { return field }
        return "\"" + field.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"")
            + "\""
    }
}
