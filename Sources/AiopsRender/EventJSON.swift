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
        json.field("event", event.kind.rawValue)
        writeProcess(event.process, into: &json)
        json.field("source", event.source.rawValue)

        switch event.payload {
        case .exec(let exec):
            json.field("filename", exec.filename)
            json.field("filename_truncated", exec.filenameTruncated)
            json.field("argv", strings: exec.argv)
            json.field("argv_truncated", exec.argvTruncated)
            json.field("argv_missing", exec.argvMissing)

        case .fork(let fork):
            json.field("child_pid", fork.childPID)
            json.field("child_tid", fork.childTID)
            json.field("thread", fork.isThread)

        case .exit(let exit):
            writeExit(exit, event: event, into: &json)

        case .signal(let signal):
            json.field("signal", signal.signal)
            json.field("signal_name", SignalName.of(signal.signal))
            json.field("sender_pid", event.process.pid)
            json.field("sender_comm", event.process.comm)
            // True: the kernel raised it (a timer, I/O, SI_KERNEL); sender_pid is only the task
            // that happened to be running.
            json.field("sender_kernel", signal.sentByKernel)
            json.field("target_pid", signal.targetPID)
            json.field("target_tid", signal.targetTID)
            json.field("target_comm", signal.targetComm)
            json.field("code", signal.code)
            json.field("code_name", SignalCode.name(signal.code, signal: signal.signal))
            json.field("result", SignalResult.name(signal.result))
            json.field("group", signal.toGroup)
        }
        json.endObject()
    }

    private mutating func writeProcess(_ process: EventProcess, into json: inout JSONWriter) {
        json.field("pid", process.pid)
        json.field("tid", process.tid)
        json.field("ppid", process.ppid)
        json.field("uid", process.uid)
        json.field("comm", process.comm)
        json.key("start_time")
        if let start = process.start {
            json.preformattedString { time.appendRFC3339(start, to: &$0) }
        } else {
            json.null()
        }
        json.field("unit", process.cgroupID.flatMap(unitOf))
    }

    private func writeExit(_ exit: ExitDetails, event: LifecycleEvent, into json: inout JSONWriter) {
        let status = exit.status
        json.field("exit_code", status?.exitCode)
        json.field("signal", status?.signal)
        json.field("signal_name", status?.signal.map(SignalName.of))
        json.field("core_dumped", status?.coreDumped ?? false)
        json.field("status_known", status != nil)
        json.field("meaning", status?.meaning)
        json.field("age_s", event.ageSeconds, digits: 6)
        json.field("cpu_s", exit.cpuNanoseconds.map { Double($0) / 1e9 }, digits: 6)
        json.field("max_rss_kb", exit.maxRSSBytes.map { $0 / 1024 })
        json.field("argv", strings: exit.argv)
        json.key("killer")
        if let killer = exit.killer {
            json.beginObject()
            json.field("pid", killer.senderPID)
            json.field("comm", killer.senderComm)
            json.field("signal_name", SignalName.of(killer.signal))
            json.field("code_name", SignalCode.name(killer.code, signal: killer.signal))
            json.field("by_kernel", killer.sentByKernel)
            json.endObject()
        } else {
            json.null()
        }
    }
}
