import AiopsCore
import AiopsProc
import AiopsRender
import AiopsReports
import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One `aiops analyze process --resources` run: resolve the target, sample it for the window,
/// read the rest once, then print the report or the JSON object.
final class ResourceSession {
    private let options: ResourceOptions
    private let procfs = ProcFS()

    init(options: ResourceOptions) {
        self.options = options
    }

    func run() throws(AiopsError) {
        let (target, note) = try ProcessTarget.analysis.resolve(
            pid: options.pid, reader: ProcessSnapshotReader(procfs: procfs))
        let key = target.key
        let sampler = ProcessResourceSampler(procfs: procfs)
        guard let first = sampler.sample(key) else {
            throw AiopsError(.noSuchTarget, "process \(key.pid) exited before it could be sampled")
        }
        let stop = WindowStopper()
        stop.install()
        defer { stop.uninstall() }
        printError(
            "sampling PID \(key.pid) (\(target.comm.terminalSafe)) for "
                + "\(DurationText.format(seconds: Double(options.durationNanoseconds) / 1e9)) every "
                + "\(DurationText.format(seconds: Double(options.intervalNanoseconds) / 1e9)); Ctrl-C ends it early"
        )

        let switchesFirst = sampler.contextSwitches(pid: key.pid)
        let detailsAtStart = ResourceDetails.read(key, procfs: procfs)
        let peers = detailsAtStart.map {
            PeerSampling.begin(executable: $0.executable, target: key.pid, procfs: procfs)
        }

        var samples = [first]
        var ending = ResourceReport.Ending.completed
        let count = Int(options.durationNanoseconds / options.intervalNanoseconds)
        for index in 1...max(count, 1) {
            // Deadlines from the first sample, so a slow read does not stretch the window.
            let deadline = first.time.nanoseconds + UInt64(index) * options.intervalNanoseconds
            if stop.wait(untilBootNanoseconds: deadline) {
                ending = .interrupted
                break
            }
            guard let sample = sampler.sample(key) else {
                ending = .processExited
                break
            }
            samples.append(sample)
        }
        let switchesLast = sampler.contextSwitches(pid: key.pid)
        let detailsAtEnd = ending == .processExited ? nil : ResourceDetails.read(key, procfs: procfs)
        guard let details = detailsAtEnd ?? detailsAtStart else {
            throw AiopsError(.noSuchTarget, "process \(key.pid) exited before it could be read")
        }
        if detailsAtEnd == nil && ending != .processExited { ending = .processExited }

        let builder = ResourceReportBuilder(
            requestedPID: options.pid, durationNanoseconds: options.durationNanoseconds,
            intervalNanoseconds: options.intervalNanoseconds, samples: samples, ending: ending, note: note,
            details: details,
            switchesFirst: switchesFirst,
            switchesLast: switchesLast.value != nil ? switchesLast : switchesFirst,
            peers: peers.map { $0.map { $0.finish(procfs: procfs) } } ?? .unavailable(.gone),
            ramBytes: procfs.read("meminfo").bytes.map(MemInfo.parse)?.totalBytes,
            userTasks: details.uid.map { procfs.taskCount(realUID: $0) },
            onlineCPUs: max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1))
        let report = builder.build()

        let clock = WallClock.measure()
        try ReportOutput.write(
            json: options.json, encode: { ResourceJSON.encode(report, clock: clock) },
            panel: { ResourceTable.panel(report, clock: clock) })
    }
}

/// Ends the sampling window early on SIGINT or SIGTERM; a second Ctrl-C exits at once.
final class WindowStopper: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)
    private let interrupts = Atomic<Int>(0)
    private var sources: [DispatchSourceSignal] = []

    func install() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                if interrupts.add(1, ordering: .relaxed).newValue > 1 { exit(128 + number) }
                stopped.store(true, ordering: .releasing)
                semaphore.signal()
            }
            source.resume()
            sources.append(source)
        }
    }

    func uninstall() {
        for source in sources { source.cancel() }
        sources = []
        for number in [SIGINT, SIGTERM] { signal(number, SIG_DFL) }
    }

    /// Sleeps until the boot clock reaches `deadline`; true when stopped instead.
    func wait(untilBootNanoseconds deadline: UInt64) -> Bool {
        while !stopped.load(ordering: .acquiring) {
            let now = BootInstant.now().nanoseconds
            guard now < deadline else { return false }
            _ = semaphore.wait(timeout: .now() + .nanoseconds(Int(min(deadline - now, 1_000_000_000))))
        }
        return true
    }
}
