/// Somewhere alerts go. The dispatcher calls `deliver` from the monitoring loop, so it must
/// return at once: slow work belongs on the sink's own thread (see `QueuedSink`). Each sink is
/// independent; one failing never affects another.
public protocol AlertSink: AnyObject, Sendable {
    /// Hands over one alert. Never blocks on the network, a child process or a slow disk.
    func deliver(_ alert: OutgoingAlert)

    func statistics() -> SinkStatistics

    /// Shutdown, step 1: stop accepting alerts; keep delivering those already queued.
    func beginShutdown()

    /// Shutdown, step 2: waits at most `timeout` for everything queued to be handled. Returns
    /// true when the sink has finished.
    func waitUntilFinished(within timeout: Duration) -> Bool

    /// Shutdown, step 3: abandons the rest (counted as dropped) and interrupts the attempt in
    /// flight (an HTTP request is aborted, a command is killed).
    func cancel()
}
