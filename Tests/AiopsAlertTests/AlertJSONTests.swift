import AiopsAlert
import AiopsCore
import Foundation
import Testing

@Suite("Alert JSON")
struct AlertJSONTests {
    let encoder = AlertJSONEncoder(hostname: "web-1")

    @Test("the documented object: every field, in order, with its type")
    func format() throws {
        let alert = Alert.sample(facts: [
            Alert.Fact("signal", .integer(11)), Alert.Fact("core_dumped", .flag(true)),
            Alert.Fact("cpu_s", .number(1.5)), Alert.Fact("comm", .text("nginx")),
        ])
        let text = String(decoding: encoder.encode(alert, repeats: 2), as: UTF8.self)
        #expect(
            text
                == #"{"time":"2026-11-25T10:20:30.123456Z","kind":"process_exited","severity":"critical","#
                + #""subject":"nginx","pid":1234,"unit":"nginx.service","summary":"exited with SIGSEGV (core dumped)","#
                + #""facts":{"signal":11,"core_dumped":true,"cpu_s":1.5,"comm":"nginx"},"repeats":2,"host":"web-1"}"#
        )
    }

    @Test("no pid, no unit, no facts: null, null, {}")
    func absentFields() throws {
        let alert = Alert.sample(
            .forkStorm, .warning, subject: "host", pid: nil, unit: nil, summary: "400 forks/s")
        let text = String(decoding: encoder.encode(alert, repeats: 0), as: UTF8.self)
        #expect(text.contains(#""pid":null,"unit":null,"#))
        #expect(text.contains(#""facts":{},"repeats":0,"#))
        let object = try jsonObject(Array(text.utf8))
        #expect(object["pid"] is NSNull)
        #expect(object["kind"] as? String == "fork_storm")
    }

    @Test(
        "hostile strings everywhere (subject, unit, summary, fact names and values, host) stay valid JSON and round-trip"
    )
    func hostile() throws {
        let alert = Alert.sample(
            subject: hostileText, unit: hostileText, summary: hostileText,
            facts: [Alert.Fact(hostileText, .text(hostileText)), Alert.Fact("nan", .number(.nan))])
        let bytes = AlertJSONEncoder(hostname: hostileText).encode(alert, repeats: 0)
        #expect(!bytes.contains { $0 < 0x20 }, "no raw control byte in the line")
        let object = try jsonObject(bytes)
        #expect(object["subject"] as? String == hostileText)
        #expect(object["unit"] as? String == hostileText)
        #expect(object["summary"] as? String == hostileText)
        #expect(object["host"] as? String == hostileText)
        let facts = try #require(object["facts"] as? [String: Any])
        #expect(facts[hostileText] as? String == hostileText)
        #expect(facts["nan"] is NSNull)
    }

    @Test("times before 1970 and at whole seconds are formatted exactly")
    func times() throws {
        for (nanoseconds, expected) in [
            (Int64(0), "1970-01-01T00:00:00.000000Z"), (-1, "1969-12-31T23:59:59.999999Z"),
            (1_795_602_030_000_000_000, "2026-11-25T10:20:30.000000Z"),
        ] {
            let object = try jsonObject(encoder.encode(Alert.sample(time: nanoseconds), repeats: 0))
            #expect(object["time"] as? String == expected)
        }
    }

    @Test("the host defaults to this machine's name")
    func hostname() {
        let kernel = try? String(contentsOfFile: "/proc/sys/kernel/hostname", encoding: .utf8)
        #expect(Hostname.current() == kernel?.trimmingCharacters(in: .newlines))
    }
}
