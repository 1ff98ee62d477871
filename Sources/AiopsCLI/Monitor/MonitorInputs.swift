import AiopsCore
import AiopsTrace
import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Everything the monitoring loop reacts to, merged into one stream so the loop (and the
/// engine's state) stays on one task: event batches, the scan and tick timers, signals.
enum MonitorInput: Sendable {
    case events([LifecycleEvent])
    /// The lifecycle stream ended (after a stop, once everything queued was delivered).
    case sourceEnded
    /// Every second: fork storms, history writes, alert summaries.
    case tick
    /// Every --interval: the /proc scan.
    case scan
    /// SIGHUP.
    case reload
    /// SIGTERM, SIGINT or the end of --duration.
    case stop
}

/// Produces `MonitorInput`s. Timers and signals run on Dispatch, not on Swift's cooperative
/// threads, so a busy loop cannot delay the clock that drives it.
final class MonitorInputs: @unchecked Sendable {
    let stream: AsyncStream<MonitorInput>
    private let continuation: AsyncStream<MonitorInput>.Continuation
    private let intervalSeconds = Atomic<Int>(10)
    private var timer: DispatchSourceTimer?
    private var signalSources: [DispatchSourceSignal] = []
    private let stops = Atomic<Int>(0)
    /// Events forwarded but not yet processed by the loop. Above `maxPendingEvents` the forwarder
    /// stops taking batches, so the source's own bounded queue fills and counts what it drops:
    /// a loop that falls behind in a storm costs counted events, not unbounded memory.
    private let pendingEvents = Atomic<Int>(0)
    static let maxPendingEvents = 16_384

    /// Events handed to the loop and not yet processed.
    var pending: Int { pendingEvents.load(ordering: .relaxed) }

    init(intervalNanoseconds: UInt64) {
        (stream, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
        setInterval(intervalNanoseconds)
    }

    func setInterval(_ nanoseconds: UInt64) {
        intervalSeconds.store(max(1, Int(nanoseconds / 1_000_000_000)), ordering: .relaxed)
    }

    /// Forwards the source's batches; `.sourceEnded` when it has delivered everything.
    func forward(_ source: any LifecycleSource) {
        let batches = source.start()
        Task.detached { [self] in
            for await batch in batches {
                while pendingEvents.load(ordering: .relaxed) > Self.maxPendingEvents {
                    try? await Task.sleep(nanoseconds: 2_000_000)
                }
                pendingEvents.add(batch.count, ordering: .relaxed)
                continuation.yield(.events(batch))
            }
            continuation.yield(.sourceEnded)
        }
    }

    /// The loop has processed a batch of `count` events.
    func processed(_ count: Int) {
        pendingEvents.subtract(count, ordering: .relaxed)
    }

    func startClock(durationNanoseconds: UInt64?) {
        let timer = DispatchSource.makeTimerSource(queue: .global())
        var seconds = 0
        timer.schedule(deadline: .now() + .seconds(1), repeating: .seconds(1), leeway: .milliseconds(100))
        timer.setEventHandler { [self] in
            seconds += 1
            continuation.yield(.tick)
            if seconds % intervalSeconds.load(ordering: .relaxed) == 0 { continuation.yield(.scan) }
        }
        timer.resume()
        self.timer = timer
        if let durationNanoseconds {
            DispatchQueue.global().asyncAfter(
                deadline: .now() + .nanoseconds(Int(min(durationNanoseconds, UInt64(Int.max))))
            ) {
                [continuation] in continuation.yield(.stop)
            }
        }
    }

    /// SIGTERM/SIGINT stop (a second one exits at once), SIGHUP reloads. `onStop` runs in the
    /// handler, at once, whatever the loop is doing.
    func installSignals(onStop: @escaping @Sendable () -> Void) {
        signal(SIGPIPE, SIG_IGN)
        for number in [SIGTERM, SIGINT, SIGHUP] {
            signal(number, SIG_IGN)
            let handler = DispatchSource.makeSignalSource(signal: number, queue: .global())
            handler.setEventHandler { [self] in
                guard number != SIGHUP else {
                    continuation.yield(.reload)
                    return
                }
                if stops.add(1, ordering: .relaxed).newValue > 1 { _exit(128 + number) }
                onStop()
                continuation.yield(.stop)
            }
            handler.resume()
            signalSources.append(handler)
        }
    }

    func finish() {
        timer?.cancel()
        for handler in signalSources { handler.cancel() }
        continuation.finish()
    }
}
