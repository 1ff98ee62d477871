import AiopsCore

/// An alert the dispatcher decided to send, as every sink receives it: the alert, how many
/// identical ones were suppressed since the last one sent, and its JSON, encoded once for all.
public struct OutgoingAlert: Sendable {
    public var alert: Alert
    /// Identical alerts (same `deduplicationKey`) suppressed since the last one of them was sent.
    public var repeats: Int
    /// The alert JSON object (see `AlertJSONEncoder`), without a newline.
    public var json: [UInt8]

    public init(alert: Alert, repeats: Int, json: [UInt8]) {
        self.alert = alert
        self.repeats = repeats
        self.json = json
    }
}
