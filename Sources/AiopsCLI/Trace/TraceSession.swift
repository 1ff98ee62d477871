import AiopsCore
import AiopsPlatform
import AiopsProc
import AiopsRender
import AiopsReports
import AiopsTrace

#if canImport(Glibc)
    import Glibc
#endif

/// One `aiops trace` run: opens a source, seeds the process table, then turns every batch of
/// events into table lines or JSON lines until stopped, and ends with the summary.
///
/// The consumer runs in a nonisolated async function, never on the main actor: on the main actor
/// an AsyncStream consumer was measured ≈12× slower, and lost most of a storm.
final class TraceSession {
    private let options: TraceOptions
    private let reader = ProcessSnapshotReader()
    private let output = OutputSink(fd: 1)
    private var notes: [String] = []
    private var root: ProcStat?
    private var cgroups: CgroupHierarchy?

    init(options: TraceOptions) throws(AiopsError) {
        self.options = options
        if let pid = options.pid {
            let (process, note) = try ProcessTarget.trace.resolve(pid: pid, reader: reader)
            root = process
            if let note { notes.append(note) }
        }
        if options.unit != nil || options.json {
            cgroups = options.unit != nil ? try TraceTargets.cgroupHierarchy() : CgroupHierarchy()
        }
    }

    func run() async throws(AiopsError) {
        var sourceOptions = SourceOptions()
        sourceOptions.emitThreads = options.includeThreads
        sourceOptions.emitSIGCHLD = options.includeSIGCHLD
        sourceOptions.ringBytes = options.ringBytes
        sourceOptions.pollIntervalNanoseconds = options.pollIntervalNanoseconds
        let session = try openLifecycleSession(options.backend, options: sourceOptions, reader: reader)
        for note in notes { printError(note) }
        if let banner = session.fallbackBanner { printError(banner) }
        let filter = try makeFilter(snapshots: session.seed)

        printError("tracing with \(session.backend.rawValue); Ctrl-C to stop")
        signal(SIGPIPE, SIG_IGN)  // a closed stdout becomes EPIPE, handled by the output sink
        let stopper = SessionStopper()
        stopper.attach(session, stopAfterNanoseconds: options.durationNanoseconds)
        let started = BootInstant.now()

        let style = TerminalStyle.detect(for: output)
        let clock = WallClock.measure()
        var rows = EventTableRenderer(clock: clock, style: style)
        var encoder = EventJSONEncoder(clock: clock, unitOf: unitResolver())
        if !options.json {
            output.writeLine(rows.headerLine())
            output.flush()
        }

        var shown = KindCounts()
        let json = options.json
        for await case .events(let batch) in session.deliveries() {
            guard !output.isBroken else { continue }  // keep draining so the source can stop
            for event in batch {
                guard filter.admit(event) else { continue }
                shown[event.kind] += 1
                output.append { buffer in
                    if json {
                        encoder.append(event, to: &buffer)
                    } else {
                        rows.appendLine(event, to: &buffer)
                    }
                }
                // Bounded output buffer: a storm's batch is thousands of lines.
                if output.bufferedByteCount >= 64 << 10 && !output.flush() { break }
            }
            if !output.flush() { session.stop() }
            if let tree = filter.processTree, tree.trackedCount == 0 { session.stop() }
        }
        stopper.uninstall()
        try checkOutput()

        let summary = TraceSummary(
            backend: session.backend, seconds: BootInstant.now().seconds(since: started), shown: shown,
            statistics: session.statistics(), tableEvictions: session.table.evictions,
            duplicateExits: session.table.duplicateExits, limitations: session.limitations)
        if options.json {
            output.write(summary.json())
            output.write([10])
        } else {
            for line in summary.lines(style: style) { output.writeLine(line) }
        }
        output.flush()
        try checkOutput()
    }

    /// `| head` closing the pipe ends the session quietly (exit 0); any other write failure is an
    /// error: a trace that silently lost its output must not look successful.
    private func checkOutput() throws(AiopsError) {
        guard case .writeFailed(let error) = output.failure else { return }
        throw AiopsError.writeFailed("the trace", errno: error)
    }

    private func makeFilter(snapshots: [ProcessSnapshot]) throws(AiopsError) -> TraceFilter {
        var filter = TraceFilter(
            kinds: options.kinds, includeThreads: options.includeThreads,
            onlyFailedExits: options.onlyFailedExits,
            comm: options.comm)
        if let root {
            // The process may have exited between the argument check and the attach: its exit
            // was not traced, so the session would wait for it forever.
            guard snapshots.contains(where: { $0.key == root.key && !$0.stat.isZombie }) else {
                throw AiopsError(.noSuchTarget, "process \(root.pid) exited before tracing started")
            }
            filter.processTree = ProcessTreeFilter(
                root: root.key, existing: snapshots.map { ($0.pid, $0.stat.ppid, $0.stat.start) })
        }
        if let unit = options.unit, let cgroups {
            let cgroupFilter = CgroupFilter(unit: unit, hierarchy: cgroups)
            if !cgroupFilter.unitCurrentlyExists {
                printError("no cgroup of \(unit) exists now: waiting for it to start")
            }
            filter.cgroup = cgroupFilter
        }
        return filter
    }

    /// cgroup id -> innermost unit name, for the JSON `unit` field.
    private func unitResolver() -> (UInt64) -> String? {
        guard let cgroups else { return { _ in nil } }
        let units = CgroupUnits(hierarchy: cgroups)
        return { id in units.unit(ofCgroupID: id) }
    }
}
