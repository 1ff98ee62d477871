extension QueuedSink {
    /// POSTs each alert's JSON to `url` (http or https, `Content-Type: application/json`) from a
    /// thread of its own. A dead or slow webhook only fills this sink's queue: the oldest alerts
    /// are dropped and counted, monitoring never waits. Throws AlertSinkSetupError for a bad URL.
    public static func webhook(
        url: String, configuration: WebhookConfiguration = WebhookConfiguration(),
        reporter: AlertProblemReporter = .standardError
    ) throws(AlertSinkSetupError) -> QueuedSink {
        let transport = WebhookTransport(url: try WebhookURL(url), configuration: configuration)
        return QueuedSink(transport: transport, capacity: configuration.queueCapacity, reporter: reporter)
    }
}

public struct WebhookConfiguration: Sendable, Equatable {
    public var connectTimeout: Duration
    /// For the whole request, connection included.
    public var totalTimeout: Duration
    /// Extra attempts after a connection error or a 5xx answer (not after a timeout: a slow
    /// server would hold the queue three times as long).
    public var retries: Int
    /// The wait before the first retry; doubled for each next one.
    public var retryDelay: Duration
    public var queueCapacity: Int

    public init(
        connectTimeout: Duration = .seconds(3), totalTimeout: Duration = .seconds(10), retries: Int = 2,
        retryDelay: Duration = .milliseconds(500), queueCapacity: Int = 100
    ) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.retries = max(retries, 0)
        self.retryDelay = retryDelay
        self.queueCapacity = queueCapacity
    }
}

struct WebhookTransport: AlertTransport {
    let url: WebhookURL
    let configuration: WebhookConfiguration
    var name: String { "webhook \(url.redacted)" }
    var threadName: String { "aiops-webhook" }

    func send(_ alert: OutgoingAlert, control: SinkControl) -> TransportResult {
        var retries = 0
        var delay = configuration.retryDelay
        while true {
            let outcome = HTTPPost.send(
                url: url.text, body: alert.json, headers: ["Content-Type: application/json"],
                connectTimeout: configuration.connectTimeout, totalTimeout: configuration.totalTimeout,
                control: control)
            let failure: String
            switch outcome {
            case .response(let status) where (200..<300).contains(status):
                return TransportResult(status: .delivered, detail: "HTTP \(status)", retries: retries)
            case .response(let status) where status >= 500:
                failure = "HTTP \(status)"
            case .response(let status):
                return TransportResult(status: .failed, detail: "HTTP \(status)", retries: retries)
            case .connectFailed(let message), .transferFailed(let message):
                failure = message
            case .timedOut(let message):
                return TransportResult(status: .timedOut, detail: message, retries: retries)
            case .cancelled:
                return TransportResult(status: .failed, detail: "cancelled at shutdown", retries: retries)
            case .failed(let message):
                return TransportResult(status: .failed, detail: message, retries: retries)
            }
            guard retries < configuration.retries, control.pause(delay) else {
                return TransportResult(status: .failed, detail: failure, retries: retries)
            }
            retries += 1
            delay = delay * 2
        }
    }
}
