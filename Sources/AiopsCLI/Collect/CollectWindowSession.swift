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
        let session = try openLifecycleSession(options.backend)
        if let banner = session.fallbackBanner { printError(banner) }
        let recorder = LifecycleRecorder(exitListLimit: exitListLimit)
        let consumer = Task.detached { await recorder.consume(session.deliveries()) }

        let interval = options.intervalNanoseconds
        let duration = durationNanoseconds
        let sampling = Task {
            await WindowSampling.run(intervalNanoseconds: interval, forNanoseconds: duration)
        }
        // SIGINT or SIGTERM ends the window early: the report covers what was seen so far.
        let stopper = SessionStopper { _ in sampling.cancel() }
        stopper.attach(session)
        let (window, facts) = await sampling.value
        session.stop()
        await consumer.value
        stopper.uninstall()
        CollectWindowReport(
            options: options, window: window, facts: facts, events: await recorder.result(),
            statistics: session.statistics(), backend: session.backend, limitations: session.limitations
        ).print()
    }
}

/// The window's rounds of /proc samples.
enum WindowSampling {
    /// Every process each interval, until the window ends or the task is cancelled (then once
    /// more, at once: the window's last round).
    static func run(intervalNanoseconds: UInt64, forNanoseconds duration: UInt64) async -> (
        ProcessWindow, SystemFacts
    ) {
        let sampler = ProcessSampler(readsIO: true)
        var window = ProcessWindow()
        let end = BootInstant.now().nanoseconds + duration
        var facts = SystemFacts.read()
        while true {
            let now = BootInstant.now()
            window.add(sampler.sampleAll(), at: now)
            facts = SystemFacts.read()
            guard now.nanoseconds < end, !Task.isCancelled else { break }
            let next = min(now.nanoseconds + intervalNanoseconds, end)
            let pause = next > BootInstant.now().nanoseconds ? next - BootInstant.now().nanoseconds : 0
            try? await Task.sleep(nanoseconds: pause)
        }
        return (window, facts)
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

    func consume(_ deliveries: SessionDeliveries) async {
        for await case .events(let batch) in deliveries {
            for event in batch {
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
