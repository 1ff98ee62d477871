import AiopsAlert
import AiopsCore
import Testing

@Suite("Deduplication and rate limiting")
struct AlertThrottleTests {
    typealias Throttle = AlertThrottle

    @Test(
        "the same condition within the window is suppressed and counted; the next after the window carries the count"
    )
    func deduplication() {
        var throttle = Throttle(configuration: .init(deduplicationWindow: .seconds(300)))
        let alert = Alert.sample()
        #expect(throttle.admit(alert, at: .seconds(0)).decision == .send(repeats: 0))
        for second in [1, 60, 299] {
            #expect(throttle.admit(alert, at: .seconds(second)).decision == .duplicate)
        }
        // The window runs from the last alert *sent*, not the last seen.
        #expect(throttle.admit(alert, at: .seconds(300)).decision == .send(repeats: 3))
        #expect(throttle.admit(alert, at: .seconds(301)).decision == .duplicate)
        #expect(throttle.admit(alert, at: .seconds(601)).decision == .send(repeats: 1))
        #expect(throttle.admit(alert, at: .seconds(1000)).decision == .send(repeats: 0))
        #expect(throttle.counters == .init(received: 8, sent: 4, duplicates: 4, rateLimited: 0, summaries: 0))
    }

    @Test("the key is kind and subject: another subject or kind is another condition")
    func keys() {
        var throttle = Throttle()
        #expect(throttle.admit(.sample(subject: "nginx"), at: .zero).decision == .send(repeats: 0))
        #expect(throttle.admit(.sample(subject: "postgres"), at: .zero).decision == .send(repeats: 0))
        #expect(
            throttle.admit(.sample(.processRestarted, subject: "nginx"), at: .zero).decision
                == .send(repeats: 0))
        // Summary and pid are not part of the key: a restarted nginx with a new pid is the same condition.
        #expect(
            throttle.admit(.sample(subject: "nginx", pid: 99, summary: "other"), at: .zero).decision
                == .duplicate)
    }

    @Test("critical alerts of different keys are never suppressed by deduplication")
    func criticalDifferentKeys() {
        var throttle = Throttle(configuration: .init(rateLimit: 1000))
        for index in 0..<200 {
            #expect(
                throttle.admit(.sample(subject: "service-\(index)"), at: .milliseconds(index)).decision
                    == .send(repeats: 0))
        }
        #expect(throttle.counters.duplicates == 0)
    }

    @Test("an escalation (warning → critical) is news, not a duplicate; a de-escalation is")
    func escalation() {
        var throttle = Throttle()
        #expect(
            throttle.admit(.sample(.memorySpike, .warning), at: .seconds(0)).decision == .send(repeats: 0))
        #expect(throttle.admit(.sample(.memorySpike, .warning), at: .seconds(1)).decision == .duplicate)
        #expect(
            throttle.admit(.sample(.memorySpike, .critical), at: .seconds(2)).decision == .send(repeats: 1))
        #expect(throttle.admit(.sample(.memorySpike, .warning), at: .seconds(3)).decision == .duplicate)
        #expect(throttle.admit(.sample(.memorySpike, .critical), at: .seconds(4)).decision == .duplicate)
    }

    @Test("the global cap: 30 a minute, the rest counted, one summary when the minute ends")
    func globalCap() throws {
        var throttle = Throttle(configuration: .init(rateLimit: 30, rateWindow: .seconds(60)))
        var decisions: [Throttle.Decision] = []
        for index in 0..<100 {
            let severity: Alert.Severity = index % 2 == 0 ? .critical : .warning
            let verdict = throttle.admit(
                .sample(.processExited, severity, subject: "s\(index)"), at: .milliseconds(100 * index))
            #expect(verdict.summary == nil)
            decisions.append(verdict.decision)
        }
        #expect(decisions.prefix(30).allSatisfy { $0 == .send(repeats: 0) })
        #expect(decisions.dropFirst(30).allSatisfy { $0 == .rateLimited }, "critical ones too")
        #expect(throttle.summaryDeadline == .seconds(60))
        #expect(throttle.expire(at: .seconds(59)) == nil)
        let expired = throttle.expire(at: .seconds(60))
        let summary = try #require(expired)
        #expect(summary == .init(suppressed: 70, criticalSuppressed: 35, limit: 30, window: .seconds(60)))
        #expect(throttle.expire(at: .seconds(61)) == nil, "one summary per window")
        #expect(throttle.summaryDeadline == nil)

        let alert = summary.alert(unixNanoseconds: sampleTime)
        #expect(alert.kind == .monitorProblem)
        #expect(alert.summary == "70 alerts suppressed by the rate limit (30 per 1m)")
        #expect(alert.facts.first == Alert.Fact("suppressed", .integer(70)))

        // The new window sends again, and a capped condition's next alert counts what was missed.
        #expect(throttle.admit(.sample(subject: "s99"), at: .seconds(61)).decision == .send(repeats: 1))
        #expect(throttle.counters.rateLimited == 70 && throttle.counters.summaries == 1)
    }

    @Test(
        "a window that suppressed nothing ends without a summary; the summary also comes with the next alert")
    func summaryWithNextAlert() {
        var throttle = Throttle(configuration: .init(rateLimit: 2, rateWindow: .seconds(10)))
        _ = throttle.admit(.sample(subject: "a"), at: .seconds(0))
        #expect(throttle.summaryDeadline == nil)
        #expect(throttle.expire(at: .seconds(20)) == nil)
        _ = throttle.admit(.sample(subject: "b"), at: .seconds(30))
        _ = throttle.admit(.sample(subject: "c"), at: .seconds(31))
        #expect(throttle.admit(.sample(subject: "d"), at: .seconds(32)).decision == .rateLimited)
        let verdict = throttle.admit(.sample(subject: "e"), at: .seconds(45))
        #expect(verdict.summary?.suppressed == 1)
        #expect(verdict.decision == .send(repeats: 0))
    }

    @Test("flush closes the window early (shutdown) so the count is not lost")
    func flush() {
        var throttle = Throttle(configuration: .init(rateLimit: 1))
        _ = throttle.admit(.sample(subject: "a"), at: .zero)
        _ = throttle.admit(.sample(subject: "b"), at: .zero)
        #expect(throttle.flush()?.suppressed == 1)
        #expect(throttle.flush() == nil)
    }

    @Test("duplicates do not use up the cap")
    func duplicatesAreFree() {
        var throttle = Throttle(configuration: .init(rateLimit: 2))
        _ = throttle.admit(.sample(subject: "a"), at: .zero)
        for _ in 0..<50 {
            #expect(throttle.admit(.sample(subject: "a"), at: .seconds(1)).decision == .duplicate)
        }
        #expect(throttle.admit(.sample(subject: "b"), at: .seconds(2)).decision == .send(repeats: 0))
    }

    @Test("memory stays bounded under a storm of distinct subjects")
    func boundedKeys() {
        var throttle = Throttle(configuration: .init(rateLimit: 1_000_000, maximumTrackedKeys: 100))
        for index in 0..<10_000 {
            _ = throttle.admit(.sample(subject: "s\(index)"), at: .milliseconds(index))
            #expect(throttle.trackedConditions <= 100)
        }
        // The newest are remembered: a repeat of the last one is still a duplicate.
        #expect(throttle.admit(.sample(subject: "s9999"), at: .seconds(11)).decision == .duplicate)
    }
}
