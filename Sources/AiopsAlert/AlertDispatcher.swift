import AiopsCore
import AiopsPlatform
import Synchronization

/// Owns deduplication, rate limiting and the sinks. The monitoring loop calls `dispatch` for
/// every alert it raises; the call costs microseconds whatever the sinks are doing — slow sinks
/// work on their own threads behind bounded queues (see `QueuedSink`).
///
/// Threads: the caller's (deciding, encoding, queueing, and the terminal line), one per queued
/// sink, and one timer that sends the rate-limit summary when a window that suppressed alerts
/// ends (so it goes out even if no alert follows the storm).
public final class AlertDispatcher: Sendable {
    public struct Configuration: Sendable {
        public var throttle: AlertThrottle.Configuration
        public var hostname: String
        public var clock: AlertClock
        /// Whether the dispatcher's timer thread sends rate-limit summaries on time. Without it
        /// (tests with a fake clock), they go out from the next `dispatch` or `tick`.
        public var summaryTimer: Bool

        public init(
            throttle: AlertThrottle.Configuration = AlertThrottle.Configuration(),
            hostname: String = Hostname.current(), clock: AlertClock = .system, summaryTimer: Bool = true
        ) {
            self.throttle = throttle
            self.hostname = hostname
            self.clock = clock
            self.summaryTimer = summaryTimer
        }
    }

    private let sinks: [any AlertSink]
    private let encoder: AlertJSONEncoder
    private let clock: AlertClock
    /// Guards `state`; the timer thread sleeps on it.
    private let lock = ConditionLock()
    nonisolated(unsafe) private var state: State
    private let closed = Atomic<Bool>(false)
    private let ignored = Atomic<UInt64>(0)

    private struct State {
        var throttle: AlertThrottle
        var timerStopped = false
    }

    public init(sinks: [any AlertSink], configuration: Configuration = Configuration()) {
        self.sinks = sinks
        self.encoder = AlertJSONEncoder(hostname: configuration.hostname)
        self.clock = configuration.clock
        self.state = State(throttle: AlertThrottle(configuration: configuration.throttle))
        if configuration.summaryTimer {
            PlatformThread.start(named: "aiops-alerttime", blockingPipeSignal: true) { [self] in runTimer() }
        }
    }

    /// Hands `alert` over: decides (duplicate, over the cap, or send), and if it goes, encodes it
    /// once and gives it to every sink. Never waits on a sink.
    public func dispatch(_ alert: Alert) {
        guard !closed.load(ordering: .acquiring) else {
            ignored.add(1, ordering: .relaxed)
            return
        }
        let now = clock.monotonic()
        let (summary, decision) = lock.withLock {
            let hadDeadline = state.throttle.summaryDeadline != nil
            let verdict = state.throttle.admit(alert, at: now)
            // The first suppression of a window gives the timer a deadline to sleep until.
            if !hadDeadline && state.throttle.summaryDeadline != nil { lock.broadcast() }
            return verdict
        }
        if let summary { send(summary) }
        if case .send(let repeats) = decision {
            send(OutgoingAlert(alert: alert, repeats: repeats, json: encoder.encode(alert, repeats: repeats)))
        }
    }

    /// Sends the rate-limit summary if its window has ended. The timer does this on time; a loop
    /// running without the timer calls it now and then.
    public func tick() {
        let now = clock.monotonic()
        if let summary = lock.withLock({ state.throttle.expire(at: now) }) { send(summary) }
    }

    public func statistics() -> AlertStatistics {
        let counters = lock.withLock { state.throttle.counters }
        var statistics = AlertStatistics()
        statistics.received = counters.received
        statistics.sent = counters.sent
        statistics.suppressedDuplicates = counters.duplicates
        statistics.suppressedByRateLimit = counters.rateLimited
        statistics.rateLimitSummaries = counters.summaries
        statistics.ignoredAfterShutdown = ignored.load(ordering: .relaxed)
        statistics.sinks = sinks.map { $0.statistics() }
        return statistics
    }

    /// Stops taking alerts, sends the pending rate-limit summary, and lets every sink deliver
    /// what it has queued until shortly before `timeout`; then interrupts what is still running
    /// (requests aborted, commands killed) and counts the rest as dropped. Returns within
    /// `timeout` (plus scheduling noise) — the daemon calls this on SIGTERM and must exit within
    /// seconds — and true when every sink finished cleanly. A second call returns at once.
    @discardableResult
    public func shutdown(timeout: Duration) -> Bool {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return true }
        let deadline = MonotonicInstant.now() + timeout
        let summary = lock.withLock {
            state.timerStopped = true
            lock.broadcast()
            return state.throttle.flush()
        }
        if let summary { send(summary) }
        sinks.forEach { $0.beginShutdown() }
        // Keep a little time to interrupt stragglers, so a killed command is reaped and an
        // aborted request closed before we return.
        let margin = min(timeout / 5, .milliseconds(300))
        let interruptAt = deadline + (.zero - margin)
        var finished = sinks.map { $0.waitUntilFinished(within: interruptAt.remaining) }
        if finished.contains(false) {
            for (sink, done) in zip(sinks, finished) where !done { sink.cancel() }
            finished = sinks.map { $0.waitUntilFinished(within: deadline.remaining) }
        }
        return !finished.contains(false)
    }

    private func send(_ summary: AlertThrottle.RateLimitSummary) {
        let alert = summary.alert(unixNanoseconds: clock.unixNanoseconds())
        send(OutgoingAlert(alert: alert, repeats: 0, json: encoder.encode(alert, repeats: 0)))
    }

    private func send(_ outgoing: OutgoingAlert) {
        for sink in sinks { sink.deliver(outgoing) }
    }

    /// Sleeps until the current rate window's summary is due. The wait is capped at a second so
    /// an injected clock that jumps is noticed; with no summary pending it sleeps until woken.
    private func runTimer() {
        while case .send(let summary) = nextTimerStep() {
            send(summary)  // not under the lock: dispatch must never wait on a sink
        }
    }

    private enum TimerStep {
        case send(AlertThrottle.RateLimitSummary)
        case stop
    }

    private func nextTimerStep() -> TimerStep {
        lock.withLock {
            while !state.timerStopped {
                guard let due = state.throttle.summaryDeadline else {
                    lock.wait(until: nil)
                    continue
                }
                let left = due - clock.monotonic()
                if left > .zero {
                    lock.wait(until: MonotonicInstant.now() + min(left, .seconds(1)))
                    continue
                }
                if let summary = state.throttle.expire(at: clock.monotonic()) { return .send(summary) }
            }
            return .stop
        }
    }
}
