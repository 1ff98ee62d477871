import AiopsAnalyze
import AiopsCore
import AiopsProc

/// Turns the samples and readings of one session into the report: rates over the window,
/// usage beside each limit, trends, and the notes an operator should read first.
public struct ResourceReportBuilder {
    /// What was asked: the pid given (a thread id resolves to its process), the window, the pace.
    var requestedPID: Int32
    var durationNanoseconds: UInt64
    var intervalNanoseconds: UInt64
    var samples: [ProcessResourceSample]
    var ending: ResourceReport.Ending
    var note: String?
    var details: ResourceDetails
    var switchesFirst: ProcReading<ContextSwitches>
    var switchesLast: ProcReading<ContextSwitches>
    var peers: ProcReading<ResourceReport.Peers>
    var ramBytes: UInt64?
    var userTasks: Int?
    var onlineCPUs: Int

    public init(
        requestedPID: Int32, durationNanoseconds: UInt64, intervalNanoseconds: UInt64,
        samples: [ProcessResourceSample], ending: ResourceReport.Ending, note: String?,
        details: ResourceDetails,
        switchesFirst: ProcReading<ContextSwitches>, switchesLast: ProcReading<ContextSwitches>,
        peers: ProcReading<ResourceReport.Peers>, ramBytes: UInt64?, userTasks: Int?, onlineCPUs: Int
    ) {
        self.requestedPID = requestedPID
        self.durationNanoseconds = durationNanoseconds
        self.intervalNanoseconds = intervalNanoseconds
        self.samples = samples
        self.ending = ending
        self.note = note
        self.details = details
        self.switchesFirst = switchesFirst
        self.switchesLast = switchesLast
        self.peers = peers
        self.ramBytes = ramBytes
        self.userTasks = userTasks
        self.onlineCPUs = onlineCPUs
    }

    public func build() -> ResourceReport {
        let first = samples[0]
        let last = samples[samples.count - 1]
        let seconds = last.time.seconds(since: first.time)
        let window = ResourceReport.Window(
            start: first.time, end: last.time, requestedSeconds: Double(durationNanoseconds) / 1e9,
            intervalSeconds: Double(intervalNanoseconds) / 1e9, samples: samples.count, ending: ending
        )
        let ticksPerSecond = Double(BootInstant.clockTicksPerSecond)
        let age = last.time.seconds(since: last.stat.start)

        func rate(_ before: UInt64, _ after: UInt64) -> Double? {
            // Counters only grow; a decrease (a thread's counts leaving a sum) is not a rate.
            seconds > 0 ? Double(after >= before ? after - before : 0) / seconds : nil
        }
        let cpuTotal = Double(last.stat.userTicks + last.stat.systemTicks) / ticksPerSecond
        let cpu = ResourceReport.CPU(
            userSeconds: Double(last.stat.userTicks) / ticksPerSecond,
            systemSeconds: Double(last.stat.systemTicks) / ticksPerSecond,
            windowUserShare: rate(first.stat.userTicks, last.stat.userTicks).map { $0 / ticksPerSecond },
            windowSystemShare: rate(first.stat.systemTicks, last.stat.systemTicks).map {
                $0 / ticksPerSecond
            },
            lifetimeShare: age > 0 ? cpuTotal / age : nil, onlineCPUs: onlineCPUs)

        var rates: ResourceReport.IORates?
        if let before = first.io.value, let after = last.io.value, seconds > 0 {
            rates = ResourceReport.IORates(
                storageRead: rate(before.storageReadBytes, after.storageReadBytes) ?? 0,
                storageWrite: rate(before.storageWriteBytes, after.storageWriteBytes) ?? 0,
                readCharacters: rate(before.readCharacters, after.readCharacters) ?? 0,
                writtenCharacters: rate(before.writtenCharacters, after.writtenCharacters) ?? 0,
                readSyscalls: rate(before.readSyscalls, after.readSyscalls) ?? 0,
                writeSyscalls: rate(before.writeSyscalls, after.writeSyscalls) ?? 0)
        }

        var threads = ResourceReport.Threads(
            count: last.threads, switches: switchesLast, voluntaryPerSecond: nil, involuntaryPerSecond: nil)
        if let before = switchesFirst.value, let after = switchesLast.value {
            threads.voluntaryPerSecond = rate(before.voluntary, after.voluntary)
            threads.involuntaryPerSecond = rate(before.involuntary, after.involuntary)
        }

        let memory = ResourceReport.Memory(
            status: last.status, rollup: details.rollup, ramBytes: ramBytes, residentBytes: last.residentBytes
        )
        var report = ResourceReport(
            window: window,
            process: ResourceReport.Identity(
                requestedPID: requestedPID, stat: last.stat, argv: details.argv,
                argvTruncated: details.argvTruncated,
                executable: details.executable, uid: details.uid, ageSeconds: age),
            cpu: cpu, memory: memory, io: ResourceReport.IO(counters: last.io, rates: rates),
            network: details.network, files: details.files, threads: threads,
            limits: details.limits.map { limitRows($0, last: last) }, userTasks: userTasks,
            cgroup: details.cgroup,
            peers: peers, trends: trends(), samples: samples, notes: [])
        report.notes = ResourceNotes.notes(for: report, preface: note)
        return report
    }

    private func limitRows(_ limits: [ResourceLimit], last: ProcessResourceSample) -> [ResourceReport
        .LimitRow]
    {
        let status = last.status.value
        return limits.map { limit in
            var row = ResourceReport.LimitRow(limit: limit, usage: nil, usageUnavailable: nil, remark: nil)
            switch limit.kind {
            case .openFiles?:
                row.usage = details.files.value.map { UInt64($0.count) }
                row.usageUnavailable = details.files.unavailableReason
            case .processes?:
                row.usage = userTasks.map { UInt64($0) }
                // RLIMIT_NPROC counts every task of the real uid, and is not checked for root.
                row.remark = details.uid == 0 ? "root exempt" : details.uid.map { "uid \($0)" }
            case .lockedMemory?: row.usage = status?.lockedBytes
            case .addressSpace?: row.usage = status?.virtualBytes ?? last.stat.virtualBytes
            case .residentSet?:
                row.usage = last.residentBytes
                row.remark = "not enforced"
            case .cpuTime?:
                row.usage = (last.stat.userTicks + last.stat.systemTicks) / BootInstant.clockTicksPerSecond
            case .pendingSignals?:
                row.usage = status?.queuedSignals
                row.remark = "per uid"
            default: break
            }
            return row
        }
    }

    private func trends() -> [ResourceReport.Trend] {
        func points(_ value: (ProcessResourceSample) -> Double?) -> [GrowthPoint] {
            samples.compactMap { sample in value(sample).map { GrowthPoint(time: sample.time, value: $0) } }
        }
        var trends = [
            ResourceReport.Trend(
                key: "rss", label: "RSS", unit: .bytes,
                analysis: GrowthDetector(thresholds: .memory).analyze(
                    points { $0.residentBytes.map { Double($0) } }))
        ]
        if samples.contains(where: { $0.openFiles.value != nil }) {
            trends.append(
                ResourceReport.Trend(
                    key: "open_files", label: "Open files", unit: .count("fds"),
                    analysis: GrowthDetector(thresholds: .count).analyze(
                        points { $0.openFiles.value.map { Double($0) } })
                ))
        }
        trends.append(
            ResourceReport.Trend(
                key: "threads", label: "Threads", unit: .count("threads"),
                analysis: GrowthDetector(thresholds: .count).analyze(points { Double($0.threads) })))
        return trends
    }
}
