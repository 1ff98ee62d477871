import AiopsAlert
import AiopsCore
import AiopsTestSupport
import Foundation
import Testing

@Suite("Webhook sink")
struct WebhookSinkTests {
    /// Short timeouts and retry delays, so failure paths take milliseconds.
    static let quick = WebhookConfiguration(
        connectTimeout: .seconds(3), totalTimeout: .seconds(10), retries: 2, retryDelay: .milliseconds(10))

    @Test("a real POST to 127.0.0.1: JSON body with the alert's fields, Content-Type application/json")
    func post() throws {
        let server = try TestHTTPServer(.respond([204]))
        defer { server.stop() }
        let problems = ProblemLog()
        let sink = try QueuedSink.webhook(
            url: server.url, configuration: Self.quick, reporter: problems.reporter)
        let dispatcher = dispatcher([sink])
        let alert = Alert.sample(subject: hostileText, facts: [Alert.Fact("signal", .integer(11))])
        dispatcher.dispatch(alert)
        #expect(dispatcher.shutdown(timeout: .seconds(5)))

        let request = try #require(server.requests.first)
        #expect(server.requests.count == 1)
        #expect(request.requestLine == "POST /hooks/aiops?token=secret HTTP/1.1")
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.header("Expect") == nil, "no 100-continue round trip")
        let body = try jsonObject(request.body)
        #expect(body["kind"] as? String == "process_exited")
        #expect(body["severity"] as? String == "critical")
        #expect(body["subject"] as? String == hostileText)
        #expect(body["pid"] as? Int == 1234)
        #expect(body["unit"] as? String == "nginx.service")
        #expect(body["time"] as? String == "2026-11-25T10:20:30.123456Z")
        #expect((body["facts"] as? [String: Any])?["signal"] as? Int == 11)
        #expect(body["host"] as? String == "test-host")
        let statistics = sink.statistics()
        #expect(statistics.delivered == 1 && statistics.failed == 0 && statistics.lastResult == "HTTP 204")
        #expect(statistics.sink == "webhook http://127.0.0.1:\(server.port)", "the token never shows")
        #expect(problems.all.isEmpty)
    }

    @Test("5xx is retried with backoff, 4xx is not, also while shutting down")
    func retries() throws {
        let server = try TestHTTPServer(.respond([503, 502, 200, 400]))
        defer { server.stop() }
        let sink = try QueuedSink.webhook(
            url: server.url, configuration: Self.quick, reporter: ProblemLog().reporter)
        let dispatcher = dispatcher([sink])
        dispatcher.dispatch(.sample(subject: "first"))
        dispatcher.dispatch(.sample(subject: "second"))
        #expect(dispatcher.shutdown(timeout: .seconds(5)))
        let statistics = sink.statistics()
        #expect(server.requests.count == 4)
        #expect(statistics.delivered == 1 && statistics.retries == 2)
        #expect(statistics.failed == 1 && statistics.lastError == "HTTP 400")
    }

    @Test("a dead webhook (closed port): dispatch never waits, failures are counted and reported once")
    func deadWebhook() throws {
        let problems = ProblemLog()
        let url = "http://127.0.0.1:\(TestHTTPServer.closedPort())/hook"
        let sink = try QueuedSink.webhook(url: url, configuration: Self.quick, reporter: problems.reporter)
        let dispatcher = dispatcher([sink])
        // Never waits: with a delivery in the caller's path the queue could not have dropped.
        for index in 0..<1000 { dispatcher.dispatch(.sample(subject: "p\(index)")) }
        #expect(waitUntil { sink.statistics().failed >= 2 })
        _ = dispatcher.shutdown(timeout: .seconds(2))
        let statistics = sink.statistics()
        #expect(statistics.dropped > 0, "a full queue drops its oldest")
        #expect(statistics.accepted == 1000)
        #expect(statistics.delivered + statistics.failed + statistics.dropped == 1000)
        #expect(statistics.retries >= 4, "the first two alerts were retried twice each")
        #expect(statistics.lastError?.contains("onnect") == true, "\(statistics.lastError ?? "nil")")
        #expect(problems.all.count == 1, "\(problems.all)")
    }

    @Test(
        "a slow webhook (accepts, never answers): dispatch returns at once, the queue drops and counts, shutdown takes ~2 s"
    )
    func slowWebhook() throws {
        let server = try TestHTTPServer(.silent)
        defer { server.stop() }
        let sink = try QueuedSink.webhook(
            url: server.url, configuration: WebhookConfiguration(queueCapacity: 100),
            reporter: ProblemLog().reporter)
        let dispatcher = dispatcher([sink])
        dispatcher.dispatch(.sample(subject: "first"))
        #expect(waitUntil { server.heldConnections == 1 }, "the first POST is in flight, and hangs")
        // At once: these return although the POST in flight never ends (how fast is a
        // benchmark's question); the full queue below shows none of them was delivered inline.
        for index in 0..<1000 { dispatcher.dispatch(.sample(subject: "p\(index)")) }
        var statistics = sink.statistics()
        #expect(statistics.queued == 100, "the queue is full behind the request in flight")
        #expect(statistics.dropped == 900, "the oldest were pushed out and counted")

        let shutdownTime = measure { #expect(dispatcher.shutdown(timeout: .seconds(2))) }
        // It waits out its timeout for the hung POST (no upper bound: a slow machine takes longer).
        #expect(shutdownTime > 1.5, "shutdown took \(shutdownTime)s")
        statistics = sink.statistics()
        #expect(statistics.accepted == 1001 && statistics.delivered == 0)
        #expect(statistics.failed == 1 && statistics.lastError == "cancelled at shutdown")
        #expect(statistics.dropped == 1000)
        #expect(statistics.queued == 0)
    }

    @Test("https to a closed port fails cleanly and is counted")
    func httpsClosedPort() throws {
        let port = TestHTTPServer.closedPort()
        let url = "https://127.0.0.1:\(port)/hook"
        let sink = try QueuedSink.webhook(
            url: url, configuration: WebhookConfiguration(retries: 0), reporter: ProblemLog().reporter)
        let dispatcher = dispatcher([sink])
        dispatcher.dispatch(.sample())
        #expect(dispatcher.shutdown(timeout: .seconds(5)))
        let statistics = sink.statistics()
        #expect(statistics.failed == 1 && statistics.delivered == 0)
        #expect(statistics.sink == "webhook https://127.0.0.1:\(port)")
        #expect(statistics.lastError?.isEmpty == false)
    }

    @Test("https to a plain-HTTP server: the TLS handshake fails, counted, not retried")
    func httpsToPlainServer() throws {
        let server = try TestHTTPServer(.respond([200]))
        defer { server.stop() }
        let sink = try QueuedSink.webhook(
            url: "https://127.0.0.1:\(server.port)/", configuration: Self.quick,
            reporter: ProblemLog().reporter)
        let dispatcher = dispatcher([sink])
        dispatcher.dispatch(.sample())
        #expect(dispatcher.shutdown(timeout: .seconds(5)))
        let statistics = sink.statistics()
        #expect(statistics.failed == 1 && statistics.retries == 0, "\(statistics)")
    }

    @Test("only http and https URLs with a host, without spaces or control characters, are accepted")
    func urlValidation() throws {
        for bad in [
            "", "ftp://host/", "file:///etc/passwd", "gopher://x", "http://", "https:///path",
            "http://host/a b",
            "http://host/\r\nX-Injected: 1", "127.0.0.1:8080", "http://:80/",
        ] {
            #expect(throws: AlertSinkSetupError.self, "\(bad.debugDescription)") {
                _ = try QueuedSink.webhook(url: bad, reporter: ProblemLog().reporter)
            }
        }
        let sink = try QueuedSink.webhook(url: "HTTPS://user:pw@hooks.example.com:8443/t/secret?x=1")
        #expect(
            sink.statistics().sink == "webhook https://hooks.example.com:8443", "no user info, path or query")
        sink.beginShutdown()
    }
}
