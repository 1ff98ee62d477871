import AiopsAlert
import AiopsCore
import AiopsTestSupport
import Foundation
import Testing

@Suite("Dispatcher")
struct AlertDispatcherTests {
    static func fakeClocked(
        _ sink: RecordingSink, _ clock: FakeClock, _ throttle: AlertThrottle.Configuration
    )
        -> AlertDispatcher
    {
        AlertDispatcher(
            sinks: [sink],
            configuration: .init(
                throttle: throttle, hostname: "h", clock: clock.alertClock, summaryTimer: false))
    }

    @Test("sent alerts reach the sink with their repeats and their JSON; duplicates do not")
    func repeatsReachSinks() throws {
        let sink = RecordingSink()
        let clock = FakeClock()
        let dispatcher = Self.fakeClocked(sink, clock, .init(deduplicationWindow: .seconds(300)))
        for _ in 0..<5 {
            dispatcher.dispatch(.sample())
            clock.advance(.seconds(10))
        }
        clock.advance(.seconds(300))
        dispatcher.dispatch(.sample())
        #expect(sink.alerts.map(\.repeats) == [0, 4])
        let object = try jsonObject(sink.alerts[1].json)
        #expect(object["repeats"] as? Int == 4)
        #expect(object["host"] as? String == "h")
        let statistics = dispatcher.statistics()
        #expect(statistics.received == 6 && statistics.sent == 2 && statistics.suppressedDuplicates == 4)
        dispatcher.shutdown(timeout: .seconds(1))
    }

    @Test("a storm over the cap: the rest counted, then one summary alert when the window ends (tick)")
    func rateLimitSummary() throws {
        let sink = RecordingSink()
        let clock = FakeClock()
        let dispatcher = Self.fakeClocked(sink, clock, .init(rateLimit: 30, rateWindow: .seconds(60)))
        for index in 0..<50 { dispatcher.dispatch(.sample(subject: "p\(index)")) }
        #expect(sink.alerts.count == 30)
        dispatcher.tick()
        #expect(sink.alerts.count == 30, "the window has not ended")
        clock.advance(.seconds(60))
        dispatcher.tick()
        let summary = try #require(sink.alerts.last)
        #expect(sink.alerts.count == 31)
        #expect(summary.alert.kind == .monitorProblem)
        #expect(summary.alert.summary == "20 alerts suppressed by the rate limit (30 per 1m)")
        #expect(try jsonObject(summary.json)["kind"] as? String == "monitor_problem")
        dispatcher.tick()
        #expect(sink.alerts.count == 31)
        #expect(dispatcher.statistics().suppressedByRateLimit == 20)
        #expect(dispatcher.statistics().rateLimitSummaries == 1)
        dispatcher.shutdown(timeout: .seconds(1))
    }

    @Test("with the real clock, the timer sends the summary on time even if no alert follows")
    func summaryTimer() throws {
        let sink = RecordingSink()
        let dispatcher = AlertDispatcher(
            sinks: [sink], configuration: .init(throttle: .init(rateLimit: 2, rateWindow: .milliseconds(300)))
        )
        for index in 0..<5 { dispatcher.dispatch(.sample(subject: "p\(index)")) }
        #expect(sink.alerts.count == 2)
        #expect(waitUntil { sink.alerts.count == 3 })
        #expect(sink.alerts.last?.alert.summary.hasPrefix("3 alerts suppressed by the rate limit") == true)
        dispatcher.shutdown(timeout: .seconds(1))
    }

    @Test("shutdown sends the pending summary at once; later alerts are ignored and counted")
    func shutdownFlushes() {
        let sink = RecordingSink()
        let clock = FakeClock()
        let dispatcher = Self.fakeClocked(sink, clock, .init(rateLimit: 1))
        dispatcher.dispatch(.sample(subject: "a"))
        dispatcher.dispatch(.sample(subject: "b"))
        #expect(dispatcher.shutdown(timeout: .seconds(1)))
        #expect(sink.alerts.map(\.alert.kind) == [.processExited, .monitorProblem])
        dispatcher.dispatch(.sample(subject: "c"))
        #expect(sink.alerts.count == 2)
        #expect(dispatcher.statistics().ignoredAfterShutdown == 1)
        #expect(dispatcher.shutdown(timeout: .seconds(1)), "a second shutdown returns at once")
    }

    @Test("every sink gets every alert, whatever another one does")
    func independentSinks() throws {
        let directory = TemporaryDirectory(prefix: "aiops-alert")
        let first = RecordingSink()
        let second = RecordingSink()
        // The file sink pointed at a directory: it fails every alert.
        let broken = QueuedSink.jsonLinesFile(path: directory.path, reporter: ProblemLog().reporter)
        let dispatcher = dispatcher([first, broken, second])
        for index in 0..<10 { dispatcher.dispatch(.sample(subject: "p\(index)")) }
        #expect(first.alerts.count == 10 && second.alerts.count == 10)
        #expect(dispatcher.shutdown(timeout: .seconds(2)))
        #expect(dispatcher.statistics().sinks[1].failed == 10)
    }
}
