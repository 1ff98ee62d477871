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
enum ResourceJSON {
    static let schema = "aiops.analyze.process.resources/1"

    static func encode(_ report: ResourceReport, clock: WallClock) -> [UInt8] {
        var time = TimeText(clock: clock)
        var json = JSONWriter(reservingCapacity: 8192)
        json.beginObject()
        json.key("schema")
        json.string(schema)
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
            json.key(name)
            json.string(reason.rawValue)
        }
        json.endObject()
        json.key("notes")
        json.beginArray()
        for note in report.notes {
            json.beginObject()
            json.key("severity")
            json.string(note.severity.rawValue)
            json.key("text")
            json.string(note.text)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.bytes
    }

    private static func optionalInteger<T: BinaryInteger>(_ value: T?, _ json: inout JSONWriter) {
        json.optional(value) { $0.integer($1) }
    }

    private static func optionalNumber(_ value: Double?, _ json: inout JSONWriter, digits: Int = 3) {
        json.optional(value) { $0.number($1, digits: digits) }
    }

    /// A share of one CPU or of a limit, as a percentage.
    private static func optionalPercent(_ share: Double?, _ json: inout JSONWriter) {
        optionalNumber(share.map { $0 * 100 }, &json, digits: 2)
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
        json.key("duration_s")
        json.number(window.seconds, digits: 3)
        json.key("requested_duration_s")
        json.number(window.requestedSeconds, digits: 3)
        json.key("interval_s")
        json.number(window.intervalSeconds, digits: 3)
        json.key("samples")
        json.integer(window.samples)
        json.key("ended")
        json.string(window.ending.rawValue)
        json.endObject()
    }

    private static func process(
        _ process: ResourceReport.Identity, into json: inout JSONWriter, time: inout TimeText
    ) {
        let stat = process.stat
        json.key("process")
        json.beginObject()
        json.key("pid")
        json.integer(stat.pid)
        json.key("requested_pid")
        json.integer(process.requestedPID)
        json.key("comm")
        json.string(stat.comm)
        json.key("argv")
        json.beginArray()
        for argument in process.argv { json.string(argument) }
        json.endArray()
        json.key("argv_truncated")
        json.bool(process.argvTruncated)
        json.key("executable")
        json.optional(process.executable.value) { $0.string(UntrustedText($1)) }
        json.key("state")
        json.string(String(decoding: [stat.state], as: UTF8.self))
        json.key("ppid")
        json.integer(stat.ppid)
        json.key("uid")
        optionalInteger(process.uid, &json)
        json.key("start_time")
        json.preformattedString { time.appendRFC3339(stat.start, to: &$0) }
        json.key("age_s")
        json.number(process.ageSeconds, digits: 3)
        json.endObject()
    }

    private static func cpu(_ report: ResourceReport, into json: inout JSONWriter) {
        let cpu = report.cpu
        json.key("cpu")
        json.beginObject()
        json.key("percent")
        optionalPercent(cpu.windowShare, &json)
        json.key("user_percent")
        optionalPercent(cpu.windowUserShare, &json)
        json.key("system_percent")
        optionalPercent(cpu.windowSystemShare, &json)
        json.key("lifetime_percent")
        optionalPercent(cpu.lifetimeShare, &json)
        json.key("user_s")
        json.number(cpu.userSeconds, digits: 2)
        json.key("system_s")
        json.number(cpu.systemSeconds, digits: 2)
        json.key("online_cpus")
        json.integer(cpu.onlineCPUs)
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
        for (key, value) in fields {
            json.key(key)
            optionalInteger(value, &json)
        }
        json.key("rss_percent_of_ram")
        optionalPercent(
            memory.residentBytes.flatMap { resident in
                memory.ramBytes.flatMap { $0 > 0 ? Double(resident) / Double($0) : nil }
            }, &json)
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
        for (key, value) in totals {
            json.key(key)
            json.integer(value)
        }
        let rates = io.rates
        let perSecond: [(StaticString, Double?)] = [
            ("read_bytes_per_s", rates?.storageRead), ("write_bytes_per_s", rates?.storageWrite),
            ("rchar_per_s", rates?.readCharacters), ("wchar_per_s", rates?.writtenCharacters),
            ("syscr_per_s", rates?.readSyscalls), ("syscw_per_s", rates?.writeSyscalls),
        ]
        for (key, value) in perSecond {
            json.key(key)
            optionalNumber(value, &json, digits: 1)
        }
        json.endObject()
    }

    private static func network(_ network: ProcReading<ProcessSockets>, into json: inout JSONWriter) {
        json.key("network")
        guard let sockets = network.value else { return json.null() }
        json.beginObject()
        json.key("sockets")
        json.integer(sockets.internet.count + sockets.unix.count + sockets.otherSockets)
        json.key("tcp_states")
        json.beginObject()
        let states = sockets.tcpStates
        for (key, name) in tcpStateKeys {
            json.key(key)
            json.integer(states[name] ?? 0)
        }
        json.endObject()
        json.key("listening")
        json.beginArray()
        for socket in sockets.listening {
            json.beginObject()
            json.key("protocol")
            json.string(socket.protocolName)
            json.key("address")
            json.string(socket.localAddress.description)
            json.key("port")
            json.integer(socket.localPort)
            json.endObject()
        }
        json.endArray()
        json.key("connections")
        json.beginArray()
        for socket in sockets.connections {
            json.beginObject()
            json.key("protocol")
            json.string(socket.protocolName)
            json.key("local_address")
            json.string(socket.localAddress.description)
            json.key("local_port")
            json.integer(socket.localPort)
            json.key("remote_address")
            json.string(socket.remoteAddress.description)
            json.key("remote_port")
            json.integer(socket.remotePort)
            json.key("state")
            json.string(socket.stateName)
            json.endObject()
        }
        json.endArray()
        json.key("udp")
        json.integer(sockets.internet.filter { $0.transport == .udp }.count)
        json.key("unix")
        json.beginObject()
        json.key("count")
        json.integer(sockets.unix.count)
        json.key("listening")
        json.integer(sockets.unix.filter(\.isListening).count)
        json.key("connected")
        json.integer(sockets.unix.filter(\.isConnected).count)
        json.key("paths")
        json.beginArray()
        for path in sockets.unix.compactMap(\.path) { json.string(path) }
        json.endArray()
        json.endObject()
        json.key("other_sockets")
        json.integer(sockets.otherSockets)
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
        for (key, value) in counts {
            json.key(key)
            json.integer(value)
        }
        json.key("kinds_truncated")
        json.bool(files.kindsTruncated)
        json.endObject()
    }

    private static func threads(_ threads: ResourceReport.Threads, into json: inout JSONWriter) {
        json.key("threads")
        json.beginObject()
        json.key("count")
        json.integer(threads.count)
        let switches = threads.switches.value
        json.key("voluntary_ctxt_switches")
        optionalInteger(switches?.voluntary, &json)
        json.key("nonvoluntary_ctxt_switches")
        optionalInteger(switches?.involuntary, &json)
        json.key("voluntary_per_s")
        optionalNumber(threads.voluntaryPerSecond, &json, digits: 1)
        json.key("nonvoluntary_per_s")
        optionalNumber(threads.involuntaryPerSecond, &json, digits: 1)
        json.key("switches_partial")
        json.optional(switches) { $0.bool($1.partial) }
        json.endObject()
    }

    private static func limitValue(_ value: ResourceLimit.Value, _ json: inout JSONWriter) {
        switch value {
        case .unlimited: json.string("unlimited")
        case .limited(let number): json.integer(number)
        }
    }

    private static func limits(_ report: ResourceReport, into json: inout JSONWriter) {
        json.key("limits")
        guard let rows = report.limits.value else { return json.null() }
        json.beginArray()
        for row in rows {
            json.beginObject()
            json.key("resource")
            json.optional(row.limit.kind) { $0.string($1.rawValue) }
            json.key("name")
            json.string(row.limit.name)
            json.key("soft")
            limitValue(row.limit.soft, &json)
            json.key("hard")
            limitValue(row.limit.hard, &json)
            json.key("unit")
            json.optional(row.limit.unit) { $0.string($1) }
            json.key("usage")
            optionalInteger(row.usage, &json)
            json.key("percent_of_soft")
            optionalPercent(row.shareOfSoft, &json)
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
            json.key("version")
            json.integer(memory.version)
            json.key("cgroup")
            json.string(memory.cgroup)
            json.key("limit_bytes")
            json.optional(memory.limitBytes) { $0.integer($1) }
            json.key("limit_cgroup")
            json.optional(memory.limitCgroup) { $0.string($1) }
            json.key("usage_bytes")
            optionalInteger(memory.usageBytes, &json)
            json.key("peak_bytes")
            optionalInteger(memory.peakBytes, &json)
            let limit = memory.limitBytes.flatMap { $0 > 0 ? Double($0) : nil }
            json.key("rss_percent_of_limit")
            optionalPercent(
                limit.flatMap { limit in report.memory.residentBytes.map { Double($0) / limit } }, &json)
            json.key("usage_percent_of_limit")
            optionalPercent(limit.flatMap { limit in memory.usageBytes.map { Double($0) / limit } }, &json)
            json.endObject()
        } else {
            json.null()
        }
        json.key("pids")
        if let tasks = cgroup.tasks {
            json.beginObject()
            json.key("version")
            json.integer(tasks.version)
            json.key("cgroup")
            json.string(tasks.cgroup)
            json.key("limit")
            optionalInteger(tasks.limit, &json)
            json.key("limit_cgroup")
            json.optional(tasks.limitCgroup) { $0.string($1) }
            json.key("current")
            optionalInteger(tasks.current, &json)
            json.endObject()
        } else {
            json.null()
        }
        json.key("cpu")
        if let cpu = cgroup.cpu {
            json.beginObject()
            json.key("version")
            json.integer(cpu.version)
            json.key("cgroup")
            json.string(cpu.cgroup)
            json.key("quota_us")
            optionalInteger(cpu.quotaMicroseconds, &json)
            json.key("period_us")
            optionalInteger(cpu.periodMicroseconds, &json)
            json.key("cpus")
            optionalNumber(cpu.cpus, &json)
            json.key("limit_cgroup")
            json.optional(cpu.limitCgroup) { $0.string($1) }
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
        json.key("executable")
        json.string(UntrustedText(peers.executable))
        json.key("count")
        json.integer(peers.count)
        json.key("unreadable")
        json.integer(peers.unreadable)
        json.key("rss_median_bytes")
        optionalNumber(peers.medianResidentBytes, &json, digits: 0)
        json.key("cpu_median_percent")
        optionalPercent(peers.medianCPUShare, &json)
        json.key("processes")
        json.beginArray()
        for peer in peers.shown {
            json.beginObject()
            json.key("pid")
            json.integer(peer.pid)
            json.key("comm")
            json.string(peer.comm)
            json.key("rss_bytes")
            optionalInteger(peer.residentBytes, &json)
            json.key("cpu_percent")
            optionalPercent(peer.cpuShare, &json)
            json.key("threads")
            json.integer(peer.threads)
            json.key("open_files")
            optionalInteger(peer.openFiles, &json)
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
            json.key("verdict")
            json.string(analysis.verdict.rawValue)
            json.key("slope_per_min")
            optionalNumber(analysis.slopePerMinute, &json)
            json.key("slope_margin_per_min")
            optionalNumber(analysis.slopeMarginPerMinute, &json)
            json.key("r_squared")
            optionalNumber(analysis.rSquared, &json, digits: 4)
            json.key("growth")
            optionalNumber(analysis.fittedGrowth, &json)
            json.key("first")
            optionalNumber(analysis.first, &json)
            json.key("last")
            optionalNumber(analysis.last, &json)
            json.key("window_s")
            json.number(analysis.windowSeconds, digits: 3)
            json.key("samples")
            json.integer(analysis.samples)
            json.key("summary")
            json.string(analysis.summary(unit: trend.unit))
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
            json.key("rss_bytes")
            optionalInteger(sample.residentBytes, &json)
            json.key("open_files")
            optionalInteger(sample.openFiles.value, &json)
            json.key("threads")
            json.integer(sample.threads)
            json.key("cpu_s")
            json.number(Double(sample.cpuNanoseconds) / 1e9, digits: 2)
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
