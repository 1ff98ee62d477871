import AiopsCore
import AiopsRender

/// The alert JSON object: one per line in the alert file, the body of a webhook POST, the stdin
/// of an alert command. A stable interface: fields are added, never renamed or retyped.
///
/// ```json
/// {"time":"2026-11-25T10:20:30.123456Z","kind":"process_exited","severity":"critical",
///  "subject":"nginx","pid":1234,"unit":"nginx.service",
///  "summary":"exited with SIGSEGV (core dumped)","facts":{"signal":11,"core_dumped":true},
///  "repeats":0,"host":"web-1"}
/// ```
///
/// | field | type | meaning |
/// |---|---|---|
/// | `time` | string | when it happened: RFC 3339, UTC, microseconds |
/// | `kind` | string | `process_exited`, `process_restarted`, `cpu_spike`, `memory_spike`, `io_spike`, `resource_leak`, `zombie_accumulation`, `fork_storm`, `monitor_problem` |
/// | `severity` | string | `info`, `warning`, `critical` |
/// | `subject` | string | what it is about, for people |
/// | `pid` | int or null | the process, if one |
/// | `unit` | string or null | the systemd unit, if known |
/// | `summary` | string | one line to read first |
/// | `facts` | object | the facts behind it, in the order given; values are integers, numbers, strings or booleans |
/// | `repeats` | int | identical alerts (same kind and subject) suppressed since the last one sent |
/// | `host` | string | the host name |
///
/// Strings may hold anything a process put in its name: control characters are escaped, so the
/// object is valid JSON whatever the bytes; non-finite numbers become null.
public struct AlertJSONEncoder: Sendable {
    public let hostname: String

    public init(hostname: String = Hostname.current()) {
        self.hostname = hostname
    }

    /// The object, without a newline.
    public func encode(_ alert: Alert, repeats: Int) -> [UInt8] {
        var json = JSONWriter(reservingCapacity: 512)
        json.beginObject()
        json.key("time")
        // TimeText converts boot-clock instants; with a zero offset the instant is the Unix time.
        var time = TimeText(clock: WallClock(offsetNanoseconds: 0))
        let instant = BootInstant(nanoseconds: UInt64(bitPattern: alert.unixNanoseconds))
        json.preformattedString { time.appendRFC3339(instant, to: &$0) }
        json.field("kind", alert.kind.rawValue)
        json.field("severity", alert.severity.rawValue)
        json.field("subject", alert.subject)
        json.field("pid", alert.pid)
        json.field("unit", alert.unit)
        json.field("summary", alert.summary)
        json.key("facts")
        var bytes = json.bytes
        appendFacts(alert.facts, to: &bytes)

        var tail = JSONWriter(reservingCapacity: 64)
        tail.beginObject()
        tail.field("repeats", repeats)
        tail.field("host", hostname)
        tail.endObject()
        bytes.append(UInt8(ascii: ","))
        bytes.append(contentsOf: tail.bytes.dropFirst())  // its members, after the facts
        return bytes
    }

    /// Facts have names chosen at run time, and JSONWriter only writes static keys: each name
    /// and value is written by a writer of its own (escaped as any string) and spliced in.
    private func appendFacts(_ facts: [Alert.Fact], to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "{"))
        for (index, fact) in facts.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            var piece = JSONWriter(reservingCapacity: 64)
            piece.string(fact.name)
            bytes.append(contentsOf: piece.bytes)
            bytes.append(UInt8(ascii: ":"))
            piece.reset()
            switch fact.value {
            case .integer(let value): piece.integer(value)
            case .number(let value): piece.number(value)
            case .text(let value): piece.string(value)
            case .flag(let value): piece.bool(value)
            }
            bytes.append(contentsOf: piece.bytes)
        }
        bytes.append(UInt8(ascii: "}"))
    }
}
