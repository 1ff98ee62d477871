import AiopsCore

/// Decides which alerts go out: deduplication per condition, then a global cap. Pure logic on
/// an injected clock (any monotonic `Duration`), so its rules are tested without waiting.
///
/// Rules:
/// - **Deduplication.** Alerts with the same `deduplicationKey` (kind and subject) within
///   `deduplicationWindow` of the last one *sent* are suppressed and counted; the first one sent
///   after the window carries `repeats` = that count. An alert more severe than the last one sent
///   for its key (warning → critical) is never a duplicate: an escalation is news. Alerts of
///   different keys never suppress each other, whatever their severity.
/// - **Global cap.** At most `rateLimit` alerts are sent per `rateWindow` (a window opens with the
///   first alert sent after the previous one closed). Alerts over the cap — critical ones too —
///   are suppressed and counted, and also count as repeats of their key, so the next alert of
///   that condition says how many were missed. When a window that suppressed anything ends, one
///   summary (`RateLimitSummary`) goes out: it is not subject to the cap or deduplication.
/// - **Memory.** At most `maximumTrackedKeys` conditions are remembered; past that, keys whose
///   window has expired are forgotten first (their pending repeat counts with them), then the
///   oldest.
public struct AlertThrottle: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var deduplicationWindow: Duration
        public var rateLimit: Int
        public var rateWindow: Duration
        public var maximumTrackedKeys: Int

        public init(
            deduplicationWindow: Duration = .seconds(300), rateLimit: Int = 30,
            rateWindow: Duration = .seconds(60),
            maximumTrackedKeys: Int = 10_000
        ) {
            self.deduplicationWindow = deduplicationWindow
            self.rateLimit = max(rateLimit, 1)
            self.rateWindow = rateWindow
            self.maximumTrackedKeys = max(maximumTrackedKeys, 1)
        }
    }

    public enum Decision: Sendable, Equatable {
        /// Send it, saying that `repeats` identical alerts were suppressed since the last one.
        case send(repeats: Int)
        /// Same condition as an alert sent less than the deduplication window ago.
        case duplicate
        /// Over the global cap of this rate window.
        case rateLimited
    }

    /// The end of a rate window in which alerts were suppressed by the cap.
    public struct RateLimitSummary: Sendable, Equatable {
        public var suppressed: Int
        /// Of `suppressed`, how many were critical.
        public var criticalSuppressed: Int
        public var limit: Int
        public var window: Duration

        public init(suppressed: Int, criticalSuppressed: Int, limit: Int, window: Duration) {
            self.suppressed = suppressed
            self.criticalSuppressed = criticalSuppressed
            self.limit = limit
            self.window = window
        }
    }

    public struct Counters: Sendable, Equatable {
        public var received: UInt64 = 0
        public var sent: UInt64 = 0
        public var duplicates: UInt64 = 0
        public var rateLimited: UInt64 = 0
        public var summaries: UInt64 = 0

        public init(
            received: UInt64 = 0, sent: UInt64 = 0, duplicates: UInt64 = 0, rateLimited: UInt64 = 0,
            summaries: UInt64 = 0
        ) {
            self.received = received
            self.sent = sent
            self.duplicates = duplicates
            self.rateLimited = rateLimited
            self.summaries = summaries
        }
    }

    public let configuration: Configuration
    public private(set) var counters = Counters()

    private struct Condition {
        /// When the last alert of this key was sent; nil if none was (only rate-limited so far).
        var lastSent: Duration?
        var severity: Alert.Severity
        var suppressed: Int
    }

    private var conditions: [String: Condition] = [:]
    private var windowStart: Duration?
    private var sentInWindow = 0
    private var limitedInWindow = 0
    private var criticalLimitedInWindow = 0

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Conditions remembered now (at most `maximumTrackedKeys`).
    public var trackedConditions: Int { conditions.count }

    /// When the current rate window ends, if it has suppressed anything: a summary is due then.
    public var summaryDeadline: Duration? {
        guard let windowStart, limitedInWindow > 0 else { return nil }
        return windowStart + configuration.rateWindow
    }

    /// Decides about `alert` at `now`. A rate window that ended before `now` is closed first, and
    /// its summary (to send before the alert) returned with the decision.
    public mutating func admit(_ alert: Alert, at now: Duration) -> (
        summary: RateLimitSummary?, decision: Decision
    ) {
        counters.received += 1
        let summary = expire(at: now)
        let key = alert.deduplicationKey
        var condition = conditions[key] ?? Condition(lastSent: nil, severity: alert.severity, suppressed: 0)
        if let lastSent = condition.lastSent, now - lastSent < configuration.deduplicationWindow,
            alert.severity <= condition.severity
        {
            condition.suppressed += 1
            conditions[key] = condition
            counters.duplicates += 1
            return (summary, .duplicate)
        }
        if windowStart == nil { windowStart = now }
        guard sentInWindow < configuration.rateLimit else {
            limitedInWindow += 1
            if alert.severity == .critical { criticalLimitedInWindow += 1 }
            condition.suppressed += 1
            remember(key, condition, at: now)
            counters.rateLimited += 1
            return (summary, .rateLimited)
        }
        sentInWindow += 1
        let repeats = condition.suppressed
        remember(key, Condition(lastSent: now, severity: alert.severity, suppressed: 0), at: now)
        counters.sent += 1
        return (summary, .send(repeats: repeats))
    }

    /// Closes the rate window if it has ended by `now`; returns its summary if it suppressed
    /// anything. The dispatcher calls this from a timer, so a summary goes out even when no
    /// alert follows the storm.
    public mutating func expire(at now: Duration) -> RateLimitSummary? {
        guard let windowStart, now >= windowStart + configuration.rateWindow else { return nil }
        return closeWindow()
    }

    /// Closes the rate window now, whatever its age (shutdown: the count must not be lost).
    public mutating func flush() -> RateLimitSummary? {
        closeWindow()
    }

    private mutating func closeWindow() -> RateLimitSummary? {
        defer {
            windowStart = nil
            sentInWindow = 0
            limitedInWindow = 0
            criticalLimitedInWindow = 0
        }
        guard limitedInWindow > 0 else { return nil }
        counters.summaries += 1
        return RateLimitSummary(
            suppressed: limitedInWindow, criticalSuppressed: criticalLimitedInWindow,
            limit: configuration.rateLimit, window: configuration.rateWindow)
    }

    private mutating func remember(_ key: String, _ condition: Condition, at now: Duration) {
        conditions[key] = condition
        guard conditions.count > configuration.maximumTrackedKeys else { return }
        let window = configuration.deduplicationWindow
        conditions = conditions.filter { _, kept in kept.lastSent.map { now - $0 < window } ?? true }
        guard conditions.count > configuration.maximumTrackedKeys else { return }
        // Still too many live conditions (a storm of distinct subjects): keep the newest half.
        let newest = conditions.sorted { ($0.value.lastSent ?? now) > ($1.value.lastSent ?? now) }
            .prefix(configuration.maximumTrackedKeys / 2 + 1)
        conditions = Dictionary(uniqueKeysWithValues: newest.map { ($0.key, $0.value) })
    }
}

extension AlertThrottle.RateLimitSummary {
    /// The summary as an alert of its own, sent to every sink.
    public func alert(unixNanoseconds: Int64) -> Alert {
        let seconds = Double(window.components.seconds) + Double(window.components.attoseconds) / 1e18
        let noun = suppressed == 1 ? "alert" : "alerts"
        return Alert(
            kind: .monitorProblem, severity: .warning, unixNanoseconds: unixNanoseconds,
            subject: "aiops alerts",
            summary:
                "\(suppressed) \(noun) suppressed by the rate limit (\(limit) per \(DurationText.format(seconds: seconds)))",
            facts: [
                Alert.Fact("suppressed", .integer(Int64(suppressed))),
                Alert.Fact("critical_suppressed", .integer(Int64(criticalSuppressed))),
                Alert.Fact("limit", .integer(Int64(limit))),
                Alert.Fact("window_s", .number(seconds)),
            ])
    }
}
