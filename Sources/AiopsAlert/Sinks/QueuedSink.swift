import AiopsPlatform
import Synchronization

/// The slow half of a sink: delivers one alert, taking as long as it must, on the sink's thread.
protocol AlertTransport: Sendable {
    /// "webhook https://hooks.example.com": for statistics and problem reports.
    var name: String { get }
    /// At most 15 bytes: shows in top -H.
    var threadName: String { get }
    func send(_ alert: OutgoingAlert, control: SinkControl) -> TransportResult
}

struct TransportResult: Sendable {
    enum Status: Sendable {
        case delivered, failed, timedOut
    }

    var status: Status
    /// "HTTP 204", "exit 3", "connection refused".
    var detail: String
    var retries = 0
}

/// A sink whose deliveries run on a thread of its own behind a bounded queue, so the monitoring
/// loop never waits on it: a full queue drops its oldest alert (counted), a failure is counted
/// and reported once per episode, and a shutdown drains it within a deadline.
public final class QueuedSink: AlertSink, @unchecked Sendable {
    private let transport: any AlertTransport
    private let queue: BoundedQueue<OutgoingAlert>
    private let control = SinkControl()
    private let counters: Mutex<SinkStatistics>
    private let reporter: AlertProblemReporter
    private let finished = ConditionLock()
    private var isFinished = false  // guarded by `finished`
    // Touched by the sink's thread only.
    private var failing = false
    private var failuresInEpisode = 0

    init(transport: any AlertTransport, capacity: Int, reporter: AlertProblemReporter) {
        self.transport = transport
        self.queue = BoundedQueue(capacity: max(capacity, 1))
        self.counters = Mutex(SinkStatistics(sink: transport.name))
        self.reporter = reporter
        PlatformThread.start(named: transport.threadName, blockingPipeSignal: true) { [self] in run() }
    }

    public func deliver(_ alert: OutgoingAlert) {
        let result = queue.push(alert)
        counters.withLock { statistics in
            statistics.accepted += 1
            if result != .accepted { statistics.dropped += 1 }
        }
    }

    public func statistics() -> SinkStatistics {
        var statistics = counters.withLock { $0 }
        statistics.queued = queue.count
        return statistics
    }

    public func beginShutdown() {
        queue.close()
    }

    public func waitUntilFinished(within timeout: Duration) -> Bool {
        let deadline = MonotonicInstant.now() + timeout
        return finished.withLock {
            while !isFinished {
                if !finished.wait(until: deadline) { return isFinished }
            }
            return true
        }
    }

    public func cancel() {
        control.cancel()
        queue.close()
        let abandoned = queue.removeAll()
        counters.withLock { $0.dropped += UInt64(abandoned) }
    }

    private func run() {
        while let alert = queue.pop() {
            if control.isCancelled {
                counters.withLock { $0.dropped += 1 }
                continue
            }
            record(transport.send(alert, control: control))
        }
        finished.withLock {
            isFinished = true
            finished.broadcast()
        }
    }

    private func record(_ result: TransportResult) {
        counters.withLock { statistics in
            statistics.retries += UInt64(result.retries)
            statistics.lastResult = result.detail
            switch result.status {
            case .delivered:
                statistics.delivered += 1
            case .failed, .timedOut:
                statistics.failed += 1
                if result.status == .timedOut { statistics.timedOut += 1 }
                statistics.lastError = result.detail
            }
        }
        switch result.status {
        case .delivered:
            if failing {
                let noun = failuresInEpisode == 1 ? "alert" : "alerts"
                reporter(
                    "\(transport.name): delivering again (\(failuresInEpisode) \(noun) failed meanwhile)")
            }
            failing = false
            failuresInEpisode = 0
        case .failed, .timedOut:
            if !failing {
                reporter(
                    "\(transport.name): \(result.detail) (reported once; later alerts are still tried, "
                        + "failures are counted)")
            }
            failing = true
            failuresInEpisode += 1
        }
    }
}
