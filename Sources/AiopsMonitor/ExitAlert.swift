import AiopsCore

/// A process's end leaves the engine in one shape, the history's `ExitRecord`; the alert is
/// written from that record. What the history does not keep and the alert needs comes beside
/// it: the killer's signal code (sent by the kernel or by a process), the --critical criterion,
/// and whether the exit was seen at all.
extension ExitRecord {
    /// The record of an end at `time`: the last sample, with the CPU time the exit event
    /// carried (exact to the end, where the sample is up to one interval old).
    init(
        at time: BootInstant, pid: Int32, start: BootInstant?, ppid: Int32?, uid: UInt32?,
        comm: UntrustedText,
        argv: [UntrustedText], unit: String?, details: ExitDetails?, lastSample: ResourceSnapshot?,
        source: EventSource, clock: WallClock
    ) {
        var snapshot = lastSample
        if let cpu = details?.cpuNanoseconds {
            if snapshot == nil { snapshot = ResourceSnapshot(time: time) }
            snapshot?.cpuNanoseconds = cpu
        }
        self.init(
            unixNanoseconds: clock.unixNanoseconds(time), pid: pid, ppid: ppid, uid: uid, comm: comm,
            argv: argv,
            startUnixNanoseconds: start.map(clock.unixNanoseconds), unit: unit, status: details?.status,
            killerPID: details?.killer?.senderPID, killerComm: details?.killer?.senderComm,
            snapshot: snapshot,
            peakResidentBytes: details?.maxRSSBytes, source: source)
    }
}

/// The alert an operator reads when a process ends.
struct ExitAlert {
    var record: ExitRecord
    /// Who sent the signal it died of (with the signal's code, which the record does not keep).
    var killer: Killer?
    /// The criterion that made it critical; nil for any other process.
    var target: CriticalTarget?
    /// The exit event never came: the process was found missing from /proc.
    var exitUnseen = false

    /// What the alert is about, without the pid: repeated crashes of one program (a crash loop)
    /// are one condition, deduplicated and counted, not a new alert per pid.
    var subject: String {
        record.unit.map { "\(record.comm.terminalSafe) (\($0))" } ?? record.comm.terminalSafe
    }

    /// "exited 3 (sysexits: EX_…)", "killed by SIGTERM, sent by 1 (systemd)".
    var statusText: String {
        guard let status = record.status else {
            return exitUnseen ? "is gone; its exit was not seen (events lost)" : "exited, status unknown"
        }
        var text = status.summary
        if let meaning = status.meaning { text += " (\(meaning))" }
        if let killer { text += killer.sentByText }
        return text
    }

    var ageSeconds: Double? {
        record.startUnixNanoseconds.map { start in
            record.unixNanoseconds >= start ? Double(record.unixNanoseconds - start) / 1e9 : 0
        }
    }

    var alert: Alert {
        let abnormal = record.status?.isAbnormal ?? true
        let severity: Alert.Severity = target == nil ? .warning : (abnormal ? .critical : .warning)
        var summary = "\(record.comm.terminalSafe) (pid \(record.pid)) \(statusText)"
        if let age = ageSeconds { summary += " after \(DurationText.format(seconds: age))" }
        if let target, target != .name(record.comm.lossyString) { summary += " [critical: \(target)]" }
        return Alert(
            kind: .processExited, severity: severity, unixNanoseconds: record.unixNanoseconds,
            subject: subject, pid: record.pid, unit: record.unit, summary: summary, facts: facts)
    }

    private var facts: [Alert.Fact] {
        var facts: [Alert.Fact] = [.init("comm", .text(record.comm.lossyString))]
        if let target { facts.append(.init("critical", .text(target.description))) }
        if let status = record.status {
            if let code = status.exitCode { facts.append(.init("exit_code", .integer(Int64(code)))) }
            if let signal = status.signal {
                facts.append(.init("signal", .text(SignalName.of(signal))))
                facts.append(.init("core_dumped", .flag(status.coreDumped)))
            }
        } else {
            facts.append(.init("exit_seen", .flag(!exitUnseen)))
        }
        if let killer {
            facts.append(.init("killer_pid", .integer(Int64(killer.senderPID))))
            facts.append(.init("killer_comm", .text(killer.senderComm.lossyString)))
            facts.append(.init("sent_by_kernel", .flag(killer.sentByKernel)))
        }
        if let age = ageSeconds { facts.append(.init("uptime_s", .number(age))) }
        // The record's snapshot already holds the exit event's CPU time over the last sample's.
        let snapshot = record.snapshot
        if let cpu = snapshot?.cpuNanoseconds { facts.append(.init("cpu_s", .number(Double(cpu) / 1e9))) }
        if let peak = record.peakResidentBytes {
            facts.append(.init("max_rss_bytes", .integer(Int64(clamping: peak))))
        }
        if let rss = snapshot?.residentBytes {
            facts.append(.init("last_rss_bytes", .integer(Int64(clamping: rss))))
        }
        if let files = snapshot?.openFiles { facts.append(.init("last_open_files", .integer(Int64(files)))) }
        if let threads = snapshot?.threads { facts.append(.init("last_threads", .integer(Int64(threads)))) }
        return facts
    }
}
