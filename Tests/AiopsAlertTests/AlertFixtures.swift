import AiopsAlert
import AiopsCore
import Foundation
import Synchronization
import Testing

/// 2026-11-25T10:20:30.123456789Z.
let sampleTime: Int64 = 1_795_602_030_123_456_789

/// What a process can put in its name and arguments: escape sequences, newlines, NUL, quotes,
/// backslashes, a C1 CSI, bidi overrides, and a shell substitution that must stay text.
let hostileText =
    "evil\u{1B}[2J\u{1B}]0;pwned\u{07}\n\r\t\0\"\\\u{9B}31m\u{202E}gnp.exe\u{2066}$(touch pwned)`id`é"

extension Alert {
    static func sample(
        _ kind: Kind = .processExited, _ severity: Severity = .critical, subject: String = "nginx",
        pid: Int32? = 1234, unit: String? = "nginx.service",
        summary: String = "exited with SIGSEGV (core dumped)",
        facts: [Fact] = [], time: Int64 = sampleTime
    ) -> Alert {
        Alert(
            kind: kind, severity: severity, unixNanoseconds: time, subject: subject, pid: pid, unit: unit,
            summary: summary, facts: facts)
    }
}

/// A clock the test moves by hand.
final class FakeClock: Sendable {
    private let now = Mutex<Duration>(.seconds(1000))

    var current: Duration { now.withLock { $0 } }

    func advance(_ duration: Duration) {
        now.withLock { $0 += duration }
    }

    var alertClock: AlertClock {
        AlertClock(monotonic: { self.current }, unixNanoseconds: { sampleTime })
    }
}

/// Problem reports, kept for the test to read.
final class ProblemLog: Sendable {
    private let messages = Mutex<[String]>([])

    var all: [String] { messages.withLock { $0 } }

    var reporter: AlertProblemReporter {
        AlertProblemReporter { message in self.messages.withLock { $0.append(message) } }
    }
}

/// A sink that keeps what it is given.
final class RecordingSink: AlertSink, Sendable {
    private let received = Mutex<[OutgoingAlert]>([])

    var alerts: [OutgoingAlert] { received.withLock { $0 } }

    func deliver(_ alert: OutgoingAlert) {
        received.withLock { $0.append(alert) }
    }

    func statistics() -> SinkStatistics {
        var statistics = SinkStatistics(sink: "recording")
        statistics.delivered = UInt64(alerts.count)
        statistics.accepted = statistics.delivered
        return statistics
    }

    func beginShutdown() {}
    func waitUntilFinished(within timeout: Duration) -> Bool { true }
    func cancel() {}
}

/// Parses one JSON object (both parsers in Foundation must accept the text).
func jsonObject(_ bytes: some Collection<UInt8>) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
}

/// Seconds `body` took.
func measure(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Throttle settings that let everything through: for tests about sinks, not about suppression.
let unthrottled = AlertThrottle.Configuration(deduplicationWindow: .zero, rateLimit: 1_000_000)

func dispatcher(_ sinks: [any AlertSink], throttle: AlertThrottle.Configuration = unthrottled)
    -> AlertDispatcher
{
    AlertDispatcher(
        sinks: sinks, configuration: AlertDispatcher.Configuration(throttle: throttle, hostname: "test-host"))
}
