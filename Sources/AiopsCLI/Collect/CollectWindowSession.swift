import AiopsCore
import AiopsProc
import AiopsRender
import AiopsTrace

#if canImport(Glibc)
    import Glibc
#endif

/// `collect processes --duration`: samples every process each interval while a lifecycle source
/// records every exit, so processes too short-lived to be sampled still appear, with their exit.
final class CollectWindowSession {
    private let options: CollectOptions
    private let durationNanoseconds: UInt64
    /// Exits kept for the report; past this, exits are counted but not listed.
    private let exitListLimit = 10_000

    init(options: CollectOptions, durationNanoseconds: UInt64) {
        self.options = options
        self.durationNanoseconds = durationNanoseconds
    }

    func run() async throws(AiopsError) {
        let opened = try openLifecycleSourceWorded(options.backend, options: SourceOptions())
        if !opened.fallbackReasons.isEmpty {
            printError(
                "\(opened.fallbackReasons.joined(separator: "; ")) — exits come from \(opened.source.backend.rawValue), "
                    + "which cannot see: " + opened.source.limitations.joined(separator: "; "))
        }
        let source = opened.source
        let recorder = LifecycleRecorder(exitListLimit: exitListLimit)
        let batches = source.start()
        let consumer = Task.detached { await recorder.consume(batches) }

        let sampler = ProcessSampler(readsIO: true)
        var window = ProcessWindow()
        let started = BootInstant.now()
        let end = started.nanoseconds + durationNanoseconds
        var facts = SystemFacts.read()
        while true {
            let now = BootInstant.now()
            window.add(sampler.sampleAll(), at: now)
            facts = SystemFacts.read()
            guard now.nanoseconds < end else { break }
            let next = min(now.nanoseconds + options.intervalNanoseconds, end)
            let pause = next > BootInstant.now().nanoseconds ? next - BootInstant.now().nanoseconds : 0
            try? await Task.sleep(nanoseconds: pause)
        }
        source.stop()
        await consumer.value
        CollectWindowReport(
            options: options, window: window, facts: facts, events: await recorder.result(),
            statistics: source.statistics(), backend: source.backend, limitations: source.limitations
        ).print()
    }
}

/// Consumes the lifecycle stream during a window: every exit (completed by a process table, so
/// it carries its command line) and the number of processes started.
actor LifecycleRecorder {
    struct Result {
        var exits: [LifecycleEvent]
        var exitsNotListed: Int
        var started: Int
    }

    private let exitListLimit: Int
    private var exits: [LifecycleEvent] = []
    private var exitsNotListed = 0
    private var started = 0

    init(exitListLimit: Int) {
        self.exitListLimit = exitListLimit
    }

    func consume(_ batches: EventBatches) async {
        let table = ProcessTable()
        table.seed(ProcessSnapshotReader().all())
        for await batch in batches {
            for event in batch {
                guard let event = table.apply(event) else { continue }
                switch event.payload {
                case .fork(let fork) where !fork.isThread: started += 1
                case .exit:
                    if exits.count < exitListLimit { exits.append(event) } else { exitsNotListed += 1 }
                default: break
                }
            }
        }
    }

    func result() -> Result { Result(exits: exits, exitsNotListed: exitsNotListed, started: started) }
}
