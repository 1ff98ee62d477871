import AiopsCore

/// Everything known about one process's end, turned into the alert an operator reads and the
/// record the history keeps (with the resource snapshot taken at death).
struct ExitReport {
    var time: BootInstant
    var pid: Int32
    var start: BootInstant?
    var ppid: Int32?
    var uid: UInt32?
    var comm: UntrustedText
    var argv: [UntrustedText]
    var unit: String?
    var details: ExitDetails?
    var lastSample: ResourceSnapshot?
    var source: EventSource
    /// The criterion that made it critical; nil for any other process.
    var target: CriticalTarget?
    /// The exit event never came: the process was found missing from /proc.
    var exitUnseen = false

    var status: ExitStatus? { details?.status }

    /// What the alert is about, without the pid: repeated crashes of one program (a crash loop)
    /// are one condition, deduplicated and counted, not a new alert per pid.
    var subject: String { unit.map { "\(comm.terminalSafe) (\($0))" } ?? comm.terminalSafe }

    var processText: String { "\(comm.terminalSafe) (pid \(pid))" }

    /// "exited 3 (sysexits: EX_…)", "killed by SIGSEGV (core dumped), sent by the kernel".
    var statusText: String {
        guard let status else {
            return exitUnseen ? "is gone; its exit was not seen (events lost)" : "exited, status unknown"
        }
        var text = status.summary
        if let meaning = status.meaning { text += " (\(meaning))" }
        if let killer = details?.killer {
            text +=
                killer.sentByKernel
                ? ", sent by the kernel"
                : ", sent by \(killer.senderComm.terminalSafe) (pid \(killer.senderPID))"
        }
        return text
    }

    var ageSeconds: Double? { start.map { time.seconds(since: $0) } }

    func alert(clock: WallClock) -> Alert {
        let abnormal = status?.isAbnormal ?? true
        let severity: Alert.Severity = target == nil ? .warning : (abnormal ? .critical : .warning)
        var summary = "\(processText) \(statusText)"
        if let age = ageSeconds { summary += " after \(DurationText.format(seconds: age))" }
        if let target, target != .name(comm.lossyString) { summary += " [critical: \(target)]" }
        return Alert(
            kind: .processExited, severity: severity, unixNanoseconds: clock.unixNanoseconds(time),
            subject: subject, pid: pid, unit: unit, summary: summary, facts: facts)
    }

    private var facts: [Alert.Fact] {
        var facts: [Alert.Fact] = [.init("comm", .text(comm.lossyString))]
        if let target { facts.append(.init("critical", .text(target.description))) }
        if let status {
            if let code = status.exitCode { facts.append(.init("exit_code", .integer(Int64(code)))) }
            if let signal = status.signal {
                facts.append(.init("signal", .text(SignalName.of(signal))))
                facts.append(.init("core_dumped", .flag(status.coreDumped)))
            }
        } else {
            facts.append(.init("exit_seen", .flag(!exitUnseen)))
        }
        if let killer = details?.killer {
            facts.append(.init("killer_pid", .integer(Int64(killer.senderPID))))
            facts.append(.init("killer_comm", .text(killer.senderComm.lossyString)))
            facts.append(.init("sent_by_kernel", .flag(killer.sentByKernel)))
        }
        if let age = ageSeconds { facts.append(.init("uptime_s", .number(age))) }
        if let cpu = details?.cpuNanoseconds ?? lastSample?.cpuNanoseconds {
            facts.append(.init("cpu_s", .number(Double(cpu) / 1e9)))
        }
        if let peak = details?.maxRSSBytes {
            facts.append(.init("max_rss_bytes", .integer(Int64(clamping: peak))))
        }
        if let rss = lastSample?.residentBytes {
            facts.append(.init("last_rss_bytes", .integer(Int64(clamping: rss))))
        }
        if let files = lastSample?.openFiles {
            facts.append(.init("last_open_files", .integer(Int64(files))))
        }
        if let threads = lastSample?.threads { facts.append(.init("last_threads", .integer(Int64(threads)))) }
        return facts
    }

    /// The snapshot at death: the last sample, with the CPU time the exit event carried (exact
    /// to the end, where the sample is up to one interval old).
    func record(clock: WallClock) -> ExitRecord {
        var snapshot = lastSample
        if let cpu = details?.cpuNanoseconds {
            if snapshot == nil { snapshot = ResourceSnapshot(time: time) }
            snapshot?.cpuNanoseconds = cpu
        }
        return ExitRecord(
            unixNanoseconds: clock.unixNanoseconds(time), pid: pid, ppid: ppid, uid: uid, comm: comm,
            argv: argv, startUnixNanoseconds: start.map(clock.unixNanoseconds), unit: unit, status: status,
            killerPID: details?.killer?.senderPID, killerComm: details?.killer?.senderComm,
            snapshot: snapshot, peakResidentBytes: details?.maxRSSBytes, source: source)
    }
}
