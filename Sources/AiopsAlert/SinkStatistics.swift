/// What happened to the alerts handed to one sink. Readable at any time; once a shutdown has
/// finished, `accepted == delivered + failed + dropped`.
public struct SinkStatistics: Sendable, Equatable {
    /// "terminal", "file /var/log/aiops/alerts.jsonl", "webhook https://hooks.example.com", "command".
    public var sink: String
    /// Alerts handed to the sink.
    public var accepted: UInt64 = 0
    public var delivered: UInt64 = 0
    /// Attempted and not delivered (after retries), including attempts cut short at shutdown.
    public var failed: UInt64 = 0
    /// Of `failed`: no answer in time (webhook), or killed after the timeout (command).
    public var timedOut: UInt64 = 0
    /// Never attempted: pushed out of a full queue (the oldest goes), or still queued when the
    /// shutdown deadline came.
    public var dropped: UInt64 = 0
    /// Extra attempts made after connection errors or 5xx answers.
    public var retries: UInt64 = 0
    /// Waiting in the queue now.
    public var queued: Int = 0
    /// The last failure, in words ("connection refused", "exit 3", "killed after 10s").
    public var lastError: String?
    /// The last attempt's result: "HTTP 204", "exit 0", "killed by SIGKILL after the 10s timeout".
    public var lastResult: String?

    public init(sink: String) {
        self.sink = sink
    }
}
