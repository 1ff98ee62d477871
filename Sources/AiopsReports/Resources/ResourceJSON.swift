import AiopsAnalyze
import AiopsCore
import AiopsProc
import AiopsRender

/// The report as one JSON object, for scripts. Keys are snake_case and stable: fields are added,
/// never renamed or retyped ("schema" changes if that ever has to happen). Times are RFC 3339 UTC
/// with microseconds. A value that could not be read is null, with the reason under
/// "unavailable" ("permission", "gone", "missing", "malformed", "failed") — never a zero.
///
/// - schema, time
/// - window: start, end, duration_s, requested_duration_s, interval_s, samples,
///   ended ("completed", "process_exited", "interrupted")
/// - process: pid, requested_pid (a thread id resolves to its process), comm, argv,
///   argv_truncated, executable, state, ppid, uid, start_time, age_s
/// - cpu: percent, user_percent, system_percent (over the window, of one CPU), lifetime_percent
///   (as ps), user_s, system_s, online_cpus
/// - memory: rss_bytes, rss_{anon,file,shmem}_bytes, pss_bytes, pss_{anon,file,shmem}_bytes,
///   swap_bytes, swap_pss_bytes, peak_rss_bytes, locked_bytes, virtual_bytes, ram_bytes,
///   rss_percent_of_ram
/// - io (or null): read_bytes, write_bytes, cancelled_write_bytes, rchar, wchar, syscr, syscw
///   and each as *_per_s over the window
/// - network (or null): sockets, tcp_states {established, listen, close_wait, …: count},
///   listening [{protocol, address, port}], connections [{protocol, local_address, local_port,
///   remote_address, remote_port, state}], udp, unix {count, listening, connected, paths},
///   other_sockets
/// - files (or null): open, regular, deleted, sockets, pipes, anon_inodes, devices, other,
///   unreadable, kinds_truncated
/// - threads: count, voluntary_ctxt_switches, nonvoluntary_ctxt_switches (all threads),
///   voluntary_per_s, nonvoluntary_per_s, switches_partial
/// - limits (or null): [{resource (open_files, processes, core_file_size…), name, soft, hard
///   (a number or "unlimited"), unit, usage, percent_of_soft}]
/// - cgroup (or null): memory {version, cgroup, limit_bytes, limit_cgroup, usage_bytes,
///   peak_bytes, rss_percent_of_limit, usage_percent_of_limit}, pids {version, cgroup, limit,
///   limit_cgroup, current}, cpu {version, cgroup, quota_us, period_us, cpus, limit_cgroup}
///   (limits null when there is none)
/// - same_executable (or null): executable, count, unreadable, rss_median_bytes,
///   cpu_median_percent, processes [{pid, comm, rss_bytes, cpu_percent, threads, open_files}]
/// - trends: rss, open_files, threads: {verdict (too_few_samples, no_growth, shrinking,
///   irregular, growing_too_short, possible_leak, likely_leak), slope_per_min,
///   slope_margin_per_min, r_squared, growth, first, last, window_s, samples, summary}
/// - samples: [{time, rss_bytes, open_files, threads, cpu_s}]
/// - unavailable: {section: reason}; "file_kinds" when some descriptors' links could not be
///   read (their kinds are then counted under files.unreadable, not as any kind)
/// - notes: [{severity (critical, warning, info), text}], most urgent first
public enum ResourceJSON {
    static let schema = "aiops.analyze.process.resources/1"

    public static func encode(_ report: ResourceReport, clock: WallClock) -> [UInt8] {
        var time = TimeText(clock: clock)
        var json = JSONWriter(reservingCapacity: 8192)
        json.beginObject()
        json.field("schema", schema)
        json.key("time")
        json.preformattedString { time.appendRFC3339(report.window.end, to: &$0) }
        window(report.window, into: &json, time: &time)
        process(report.process, into: &json, time: &time)
        cpu(report, into: &json)
        memory(report, into: &json)
        io(report.io, into: &json)
        network(report.network, into: &json)
        files(report.files, into: &json)
        threads(report.threads, into: &json)
        limits(report, into: &json)
        cgroup(report, into: &json)
        peers(report.peers, into: &json)
        trends(report.trends, into: &json)
        samples(report.samples, into: &json, time: &time)
        json.key("unavailable")
        json.beginObject()
        for (name, reason) in unavailable(report) {
            json.field(name, reason.rawValue)
        }
        json.endObject()
        json.key("notes")
        json.beginArray()
        for note in report.notes {
            json.beginObject()
            json.field("severity", note.severity.rawValue)
            json.field("text", note.text)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.bytes
    }

    /// A share of one CPU or of a limit, as a percentage (written with 2 digits).
    private static func percent(_ share: Double?) -> Double? {
        share.map { $0 * 100 }
    }

    private static func window(
        _ window: ResourceReport.Window, into json: inout JSONWriter, time: inout TimeText
    ) {
        json.key("window")
        json.beginObject()
        json.key("start")
        json.preformattedString { time.appendRFC3339(window.start, to: &$0) }
        json.key("end")
        json.preformattedString { time.appendRFC3339(window.end, to: &$0) }
        json.field("duration_s", window.seconds, digits: 3)
        json.field("requested_duration_s", window.requestedSeconds, digits: 3)
        json.field("interval_s", window.intervalSeconds, digits: 3)
        json.field("samples", window.samples)
        json.field("ended", window.ending.rawValue)
        json.endObject()
    }

    private static func process(
        _ process: ResourceReport.Identity, into json: inout JSONWriter, time: inout TimeText
    ) {
        let stat = process.stat
        json.key("process")
        json.beginObject()
        json.field("pid", stat.pid)
        json.field("requested_pid", process.requestedPID)
        json.field("comm", stat.comm)
        json.field("argv", strings: process.argv)
        json.field("argv_truncated", process.argvTruncated)
        json.field("executable", process.executable.value.map { UntrustedText($0) })
        json.field("state", String(decoding: [stat.state], as: UTF8.self))
        json.field("ppid", stat.ppid)
        json.field("uid", process.uid)
        json.key("start_time")
        json.preformattedString { time.appendRFC3339(stat.start, to: &$0) }
        json.field("age_s", process.ageSeconds, digits: 3)
        json.endObject()
    }

    private static func cpu(_ report: ResourceReport, into json: inout JSONWriter) {
        let cpu = report.cpu
        json.key("cpu")
        json.beginObject()
        json.field("percent", percent(cpu.windowShare), digits: 2)
        json.field("user_percent", percent(cpu.windowUserShare), digits: 2)
        json.field("system_percent", percent(cpu.windowSystemShare), digits: 2)
        json.field("lifetime_percent", percent(cpu.lifetimeShare), digits: 2)
        json.field("user_s", cpu.userSeconds, digits: 2)
        json.field("system_s", cpu.systemSeconds, digits: 2)
        json.field("online_cpus", cpu.onlineCPUs)
        json.endObject()
    }

    private static func memory(_ report: ResourceReport, into json: inout JSONWriter) {
        let memory = report.memory
        let status = memory.status.value
        let rollup = memory.rollup.value
        json.key("memory")
        json.beginObject()
        let fields: [(StaticString, UInt64?)] = [
            ("rss_bytes", memory.residentBytes), ("rss_anon_bytes", status?.residentAnonymousBytes),
            ("rss_file_bytes", status?.residentFileBytes),
            ("rss_shmem_bytes", status?.residentSharedMemoryBytes),
            ("pss_bytes", rollup?.proportionalBytes), ("pss_anon_bytes", rollup?.proportionalAnonymousBytes),
            ("pss_file_bytes", rollup?.proportionalFileBytes),
            ("pss_shmem_bytes", rollup?.proportionalSharedMemoryBytes),
            ("swap_bytes", status?.swapBytes), ("swap_pss_bytes", rollup?.proportionalSwapBytes),
            ("peak_rss_bytes", status?.peakResidentBytes), ("locked_bytes", status?.lockedBytes),
            ("virtual_bytes", status?.virtualBytes ?? report.process.stat.virtualBytes),
            ("ram_bytes", memory.ramBytes),
        ]
        for (key, value) in fields { json.field(key, value) }
        let ofRAM = memory.residentBytes.flatMap { resident in
            memory.ramBytes.flatMap { $0 > 0 ? Double(resident) / Double($0) : nil }
        }
        json.field("rss_percent_of_ram", percent(ofRAM), digits: 2)
        json.endObject()
    }

    private static func io(_ io: ResourceReport.IO, into json: inout JSONWriter) {
        json.key("io")
        guard let counters = io.counters.value else { return json.null() }
        json.beginObject()
        let totals: [(StaticString, UInt64)] = [
            ("read_bytes", counters.storageReadBytes), ("write_bytes", counters.storageWriteBytes),
            ("cancelled_write_bytes", counters.cancelledWriteBytes), ("rchar", counters.readCharacters),
            ("wchar", counters.writtenCharacters), ("syscr", counters.readSyscalls),
            ("syscw", counters.writeSyscalls),
        ]
        for (key, value) in totals { json.field(key, value) }
        let rates = io.rates
        let perSecond: [(StaticString, Double?)] = [
            ("read_bytes_per_s", rates?.storageRead), ("write_bytes_per_s", rates?.storageWrite),
            ("rchar_per_s", rates?.readCharacters), ("wchar_per_s", rates?.writtenCharacters),
            ("syscr_per_s", rates?.readSyscalls), ("syscw_per_s", rates?.writeSyscalls),
        ]
        for (key, value) in perSecond { json.field(key, value, digits: 1) }
        json.endObject()
    }

    private static func network(_ network: ProcReading<ProcessSockets>, into json: inout JSONWriter) {
        json.key("network")
        guard let sockets = network.value else { return json.null() }
        json.beginObject()
        json.field("sockets", sockets.internet.count + sockets.unix.count + sockets.otherSockets)
        json.key("tcp_states")
        json.beginObject()
        let states = sockets.tcpStates
        for (key, name) in tcpStateKeys { json.field(key, states[name] ?? 0) }
        json.endObject()
        json.key("listening")
        json.beginArray()
        for socket in sockets.listening {
            json.beginObject()
            json.field("protocol", socket.protocolName)
            json.field("address", socket.localAddress.description)
            json.field("port", socket.localPort)
            json.endObject()
        }
        json.endArray()
        json.key("connections")
        json.beginArray()
        for socket in sockets.connections {
            json.beginObject()
            json.field("protocol", socket.protocolName)
            json.field("local_address", socket.localAddress.description)
            json.field("local_port", socket.localPort)
            json.field("remote_address", socket.remoteAddress.description)
            json.field("remote_port", socket.remotePort)
            json.field("state", socket.stateName)
            json.endObject()
        }
        json.endArray()
        json.field("udp", sockets.internet.filter { $0.transport == .udp }.count)
        json.key("unix")
        json.beginObject()
        json.field("count", sockets.unix.count)
        json.field("listening", sockets.unix.filter(\.isListening).count)
        json.field("connected", sockets.unix.filter(\.isConnected).count)
        json.field("paths", strings: sockets.unix.compactMap(\.path))
        json.endObject()
        json.field("other_sockets", sockets.otherSockets)
        json.endObject()
    }

    /// Every TCP state, always present (0 when none), in snake case.
    static let tcpStateKeys: [(StaticString, String)] = [
        ("established", "ESTABLISHED"), ("syn_sent", "SYN_SENT"), ("syn_recv", "SYN_RECV"),
        ("fin_wait1", "FIN_WAIT1"), ("fin_wait2", "FIN_WAIT2"), ("time_wait", "TIME_WAIT"),
        ("close", "CLOSE"),
        ("close_wait", "CLOSE_WAIT"), ("last_ack", "LAST_ACK"), ("listen", "LISTEN"), ("closing", "CLOSING"),
        ("new_syn_recv", "NEW_SYN_RECV"),
    ]

    private static func files(_ files: ProcReading<OpenFiles>, into json: inout JSONWriter) {
        json.key("files")
        guard let files = files.value else { return json.null() }
        json.beginObject()
        let counts: [(StaticString, Int)] = [
            ("open", files.count), ("regular", files.regularFiles), ("deleted", files.deletedFiles),
            ("sockets", files.sockets), ("pipes", files.pipes), ("anon_inodes", files.anonymousInodes),
            ("devices", files.devices), ("other", files.other), ("unreadable", files.unreadable),
        ]
        for (key, value) in counts { json.field(key, value) }
        json.field("kinds_truncated", files.kindsTruncated)
        json.endObject()
    }

    private static func threads(_ threads: ResourceReport.Threads, into json: inout JSONWriter) {
        json.key("threads")
        json.beginObject()
        json.field("count", threads.count)
        let switches = threads.switches.value
        json.field("voluntary_ctxt_switches", switches?.voluntary)
        json.field("nonvoluntary_ctxt_switches", switches?.involuntary)
        json.field("voluntary_per_s", threads.voluntaryPerSecond, digits: 1)
        json.field("nonvoluntary_per_s", threads.involuntaryPerSecond, digits: 1)
        json.field("switches_partial", switches?.partial)
        json.endObject()
    }

    /// A limit: a number, or "unlimited".
    private static func limit(_ key: StaticString, _ value: ResourceLimit.Value, into json: inout JSONWriter)
    {
        switch value {
        case .unlimited: json.field(key, "unlimited")
        case .limited(let number): json.field(key, number)
        }
    }

    private static func limits(_ report: ResourceReport, into json: inout JSONWriter) {
        json.key("limits")
        guard let rows = report.limits.value else { return json.null() }
        json.beginArray()
        for row in rows {
            json.beginObject()
            json.field("resource", row.limit.kind?.rawValue)
            json.field("name", row.limit.name)
            limit("soft", row.limit.soft, into: &json)
            limit("hard", row.limit.hard, into: &json)
            json.field("unit", row.limit.unit)
            json.field("usage", row.usage)
            json.field("percent_of_soft", percent(row.shareOfSoft), digits: 2)
            json.endObject()
        }
        json.endArray()
    }

    private static func cgroup(_ report: ResourceReport, into json: inout JSONWriter) {
        json.key("cgroup")
        guard let cgroup = report.cgroup.value else { return json.null() }
        json.beginObject()
        json.key("memory")
        if let memory = cgroup.memory {
            json.beginObject()
            json.field("version", memory.version)
            json.field("cgroup", memory.cgroup)
            json.field("limit_bytes", memory.limitBytes)
            json.field("limit_cgroup", memory.limitCgroup)
            json.field("usage_bytes", memory.usageBytes)
            json.field("peak_bytes", memory.peakBytes)
            let limit = memory.limitBytes.flatMap { $0 > 0 ? Double($0) : nil }
            let rss = limit.flatMap { limit in report.memory.residentBytes.map { Double($0) / limit } }
            json.field("rss_percent_of_limit", percent(rss), digits: 2)
            let usage = limit.flatMap { limit in memory.usageBytes.map { Double($0) / limit } }
            json.field("usage_percent_of_limit", percent(usage), digits: 2)

            json.endObject()
        } else {
            json.null()
        }
        json.key("pids")
        if let tasks = cgroup.tasks {
            json.beginObject()
            json.field("version", tasks.version)
            json.field("cgroup", tasks.cgroup)
            json.field("limit", tasks.limit)
            json.field("limit_cgroup", tasks.limitCgroup)
            json.field("current", tasks.current)
            json.endObject()
        } else {
            json.null()
        }
        json.key("cpu")
        if let cpu = cgroup.cpu {
            json.beginObject()
            json.field("version", cpu.version)
            json.field("cgroup", cpu.cgroup)
            json.field("quota_us", cpu.quotaMicroseconds)
            json.field("period_us", cpu.periodMicroseconds)
            json.field("cpus", cpu.cpus, digits: 3)
            json.field("limit_cgroup", cpu.limitCgroup)
            json.endObject()
        } else {
            json.null()
        }
        json.endObject()
    }

    private static func peers(_ peers: ProcReading<ResourceReport.Peers>, into json: inout JSONWriter) {
        json.key("same_executable")
        guard let peers = peers.value else { return json.null() }
        json.beginObject()
        json.field("executable", UntrustedText(peers.executable))
        json.field("count", peers.count)
        json.field("unreadable", peers.unreadable)
        json.field("rss_median_bytes", peers.medianResidentBytes, digits: 0)
        json.field("cpu_median_percent", percent(peers.medianCPUShare), digits: 2)
        json.key("processes")
        json.beginArray()
        for peer in peers.shown {
            json.beginObject()
            json.field("pid", peer.pid)
            json.field("comm", peer.comm)
            json.field("rss_bytes", peer.residentBytes)
            json.field("cpu_percent", percent(peer.cpuShare), digits: 2)
            json.field("threads", peer.threads)
            json.field("open_files", peer.openFiles)
            json.endObject()
        }
        json.endArray()
        json.endObject()
    }

    private static func trends(_ trends: [ResourceReport.Trend], into json: inout JSONWriter) {
        json.key("trends")
        json.beginObject()
        for trend in trends {
            switch trend.key {
            case "rss": json.key("rss")
            case "open_files": json.key("open_files")
            default: json.key("threads")
            }
            let analysis = trend.analysis
            json.beginObject()
            json.field("verdict", analysis.verdict.rawValue)
            json.field("slope_per_min", analysis.slopePerMinute, digits: 3)
            json.field("slope_margin_per_min", analysis.slopeMarginPerMinute, digits: 3)
            json.field("r_squared", analysis.rSquared, digits: 4)
            json.field("growth", analysis.fittedGrowth, digits: 3)
            json.field("first", analysis.first, digits: 3)
            json.field("last", analysis.last, digits: 3)
            json.field("window_s", analysis.windowSeconds, digits: 3)
            json.field("samples", analysis.samples)
            json.field("summary", analysis.summary(unit: trend.unit))
            json.endObject()
        }
        json.endObject()
    }

    private static func samples(
        _ samples: [ProcessResourceSample], into json: inout JSONWriter, time: inout TimeText
    ) {
        json.key("samples")
        json.beginArray()
        for sample in samples {
            json.beginObject()
            json.key("time")
            json.preformattedString { time.appendRFC3339(sample.time, to: &$0) }
            json.field("rss_bytes", sample.residentBytes)
            json.field("open_files", sample.openFiles.value)
            json.field("threads", sample.threads)
            json.field("cpu_s", Double(sample.cpuNanoseconds) / 1e9, digits: 2)
            json.endObject()
        }
        json.endArray()
    }

    /// Sections that could not be read, and why (the JSON's nulls explained).
    static func unavailable(_ report: ResourceReport) -> [(StaticString, ProcUnavailable)] {
        var result: [(StaticString, ProcUnavailable)] = []
        if let reason = report.memory.status.unavailableReason { result.append(("memory_status", reason)) }
        if let reason = report.memory.rollup.unavailableReason { result.append(("pss", reason)) }
        if let reason = report.io.counters.unavailableReason { result.append(("io", reason)) }
        if let reason = report.network.unavailableReason { result.append(("network", reason)) }
        if let reason = report.files.unavailableReason { result.append(("files", reason)) }
        if let files = report.files.value, files.unreadable > 0 { result.append(("file_kinds", .permission)) }
        if let reason = report.threads.switches.unavailableReason {
            result.append(("context_switches", reason))
        }
        if let reason = report.limits.unavailableReason { result.append(("limits", reason)) }
        if let reason = report.cgroup.unavailableReason { result.append(("cgroup", reason)) }
        if let reason = report.process.executable.unavailableReason { result.append(("executable", reason)) }
        if let reason = report.peers.unavailableReason { result.append(("same_executable", reason)) }
        return result
    }
}
