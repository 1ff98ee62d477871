/// The dispatcher's counts and each sink's.
public struct AlertStatistics: Sendable, Equatable {
    /// Alerts passed to `dispatch`.
    public var received: UInt64 = 0
    /// Alerts sent to the sinks (rate-limit summaries not included).
    public var sent: UInt64 = 0
    /// Suppressed as duplicates of an alert sent less than the deduplication window ago.
    public var suppressedDuplicates: UInt64 = 0
    /// Suppressed by the global cap.
    public var suppressedByRateLimit: UInt64 = 0
    /// "N alerts suppressed by the rate limit" alerts sent.
    public var rateLimitSummaries: UInt64 = 0
    /// Dispatched after `shutdown` began: ignored.
    public var ignoredAfterShutdown: UInt64 = 0
    public var sinks: [SinkStatistics] = []

    public init() {}
}
