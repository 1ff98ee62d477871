import AiopsCore
import AiopsRender

/// What `aiops doctor` found, and how it is shown: a checklist for people, an object for scripts.
public struct DoctorReport {
    public struct Check {
        public enum Status: String {
            case ok, missing, info
        }
        public var name: String
        public var status: Status
        public var detail: String

        public init(name: String, status: Status, detail: String) {
            self.name = name
            self.status = status
            self.detail = detail
        }
    }

    public var checks: [Check]
    /// The trace backend this host gets, and what it cannot see.
    public var backend: EventSource
    public var limitations: [String]

    public init(checks: [Check], backend: EventSource, limitations: [String]) {
        self.checks = checks
        self.backend = backend
        self.limitations = limitations
    }

    public func table(style: TerminalStyle) -> [String] {
        let width = checks.map(\.name.count).max() ?? 10
        var lines = [style.paint("aiops doctor", .bold)]
        for check in checks {
            let mark: String
            switch check.status {
            case .ok: mark = style.paint("✔", .green)
            case .missing: mark = style.paint("✘", .red)
            case .info: mark = style.paint("•", .dim)
            }
            let name = check.name + String(repeating: " ", count: max(width - check.name.count, 0))
            lines.append("  \(mark) \(name)  \(check.detail)")
        }
        lines.append("")
        lines.append("trace backend: \(style.paint(backend.rawValue, .bold))")
        for limitation in limitations { lines.append("  cannot see: \(limitation)") }
        return lines
    }

    public func json() -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.field("schema", "aiops.doctor/1")
        json.key("checks")
        json.beginArray()
        for check in checks {
            json.beginObject()
            json.field("name", check.name)
            json.field("status", check.status.rawValue)
            json.field("detail", check.detail)
            json.endObject()
        }
        json.endArray()
        json.field("trace_backend", backend.rawValue)
        json.field("trace_limitations", strings: limitations)
        json.endObject()
        return json.bytes
    }
}
