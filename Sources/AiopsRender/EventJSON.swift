import AiopsCore

/// One event as one JSON object: the `aiops trace --json` line format documented in the README.
/// Field names and types are a stable interface: add fields, never rename or retype them.
public struct EventJSONEncoder {
    private var time: TimeText
    /// The systemd unit (or scope) of a cgroup id, when known.
    private let unitOf: (UInt64) -> String?
    /// Reused for every line, so its storage is allocated once per session.
    private var writer = JSONWriter(reservingCapacity: 1024)

    public init(clock: WallClock, unitOf: @escaping (UInt64) -> String? = { _ in nil }) {
        self.time = TimeText(clock: clock)
        self.unitOf = unitOf
    }

    /// The JSON object for `event`, without a newline.
    public mutating func encode(_ event: LifecycleEvent) -> [UInt8] {
        var bytes: [UInt8] = []
        append(event, to: &bytes)
        bytes.removeLast()
        return bytes
    }

    /// Appends the JSON line for `event` (object and newline) to `output`.
    public mutating func append(_ event: LifecycleEvent, to output: inout [UInt8]) {
        var json = JSONWriter(reservingCapacity: 0)
        swap(&json, &writer)
        defer {
            output.append(contentsOf: json.bytes)
            output.append(10)
            swap(&json, &writer)
        }
        json.reset()
        json.beginObject()
        json.key("time")
        json.preformattedString { time.appendRFC3339(event.time, to: &$0) }
        json.key("event")
        json.string(event.kind.rawValue)
        writeProcess(event.process, into: &json)
        json.key("source")
        json.string(event.source.rawValue)

        switch event.payload {
        case .exec(let exec):
            json.key("filename")
            json.string(exec.filename)
            json.key("filename_truncated")
            json.bool(exec.filenameTruncated)
            json.key("argv")
            writeArguments(exec.argv, into: &json)
            json.key("argv_truncated")
            json.bool(exec.argvTruncated)
            json.key("argv_missing")
            json.bool(exec.argvMissing)

        case .fork(let fork):
            json.key("child_pid")
            json.integer(fork.childPID)
            json.key("child_tid")
            json.integer(fork.childTID)
            json.key("thread")
            json.bool(fork.isThread)

        case .exit(let exit):
            writeExit(exit, event: event, into: &json)

        case .signal(let signal):
            json.key("signal")
            json.integer(signal.signal)
            json.key("signal_name")
            json.string(SignalName.of(signal.signal))
            json.key("sender_pid")
            json.integer(event.process.pid)
            json.key("sender_comm")
            json.string(event.process.comm)
            // True: the kernel raised it (a timer, I/O, SI_KERNEL); sender_pid is only the task
            // that happened to be running.
            json.key("sender_kernel")
            json.bool(signal.sentByKernel)
            json.key("target_pid")
            json.integer(signal.targetPID)
            json.key("target_tid")
            json.integer(signal.targetTID)
            json.key("target_comm")
            json.string(signal.targetComm)
            json.key("code")
            json.integer(signal.code)
            json.key("code_name")
            json.string(SignalCode.name(signal.code, signal: signal.signal))
            json.key("result")
            json.string(SignalResult.name(signal.result))
            json.key("group")
            json.bool(signal.toGroup)
        }
        json.endObject()
    }

    private mutating func writeProcess(_ process: EventProcess, into json: inout JSONWriter) {
        json.key("pid")
        json.integer(process.pid)
        json.key("tid")
        json.integer(process.tid)
        json.key("ppid")
        json.optional(process.ppid) { $0.integer($1) }
        json.key("uid")
        json.optional(process.uid) { $0.integer($1) }
        json.key("comm")
        json.string(process.comm)
        json.key("start_time")
        if let start = process.start {
            json.preformattedString { time.appendRFC3339(start, to: &$0) }
        } else {
            json.null()
        }
        json.key("unit")
        json.optional(process.cgroupID.flatMap(unitOf)) { $0.string($1) }
    }

    private func writeExit(_ exit: ExitDetails, event: LifecycleEvent, into json: inout JSONWriter) {
        let status = exit.status
        json.key("exit_code")
        json.optional(status?.exitCode) { $0.integer($1) }
        json.key("signal")
        json.optional(status?.signal) { $0.integer($1) }
        json.key("signal_name")
        json.optional(status?.signal.map(SignalName.of)) { $0.string($1) }
        json.key("core_dumped")
        json.bool(status?.coreDumped ?? false)
        json.key("status_known")
        json.bool(status != nil)
        json.key("meaning")
        json.optional(status?.meaning) { $0.string($1) }
        json.key("age_s")
        json.optional(event.ageSeconds) { $0.number($1) }
        json.key("cpu_s")
        json.optional(exit.cpuNanoseconds) { $0.number(Double($1) / 1e9) }
        json.key("max_rss_kb")
        json.optional(exit.maxRSSBytes) { $0.integer($1 / 1024) }
        json.key("argv")
        if let argv = exit.argv { writeArguments(argv, into: &json) } else { json.null() }
        json.key("killer")
        if let killer = exit.killer {
            json.beginObject()
            json.key("pid")
            json.integer(killer.senderPID)
            json.key("comm")
            json.string(killer.senderComm)
            json.key("signal_name")
            json.string(SignalName.of(killer.signal))
            json.key("code_name")
            json.string(SignalCode.name(killer.code, signal: killer.signal))
            json.key("by_kernel")
            json.bool(killer.sentByKernel)
            json.endObject()
        } else {
            json.null()
        }
    }

    private func writeArguments(_ arguments: [UntrustedText], into json: inout JSONWriter) {
        json.beginArray()
        for argument in arguments { json.string(argument) }
        json.endArray()
    }
}
