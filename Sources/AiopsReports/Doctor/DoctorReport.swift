import AiopsCore
import AiopsRender

/// How the doctor's findings are shown: a checklist for people, an object for scripts.
extension Doctor {
    func renderTable(
        _ checks: [Check], backend: EventSource, limitations: [String], style: TerminalStyle
    ) -> [String] {
        let width = checks.map(\.name.count).max() ?? 10
        var lines = [style.paint("aiops doctor", .bold)]
        for check in checks {
            let mark: String
            switch check.status {
            case .ok: mark = style.paint("✔", .green)
            case .missing: mark = style.paint("✘", .red)
            case .info: mark = style.paint("•", .dim)
            }
            lines.append("  \(mark) \(check.name.padding(to: width))  \(check.detail)")
        }
        lines.append("")
        lines.append("trace backend: \(style.paint(backend.rawValue, .bold))")
        for limitation in limitations { lines.append("  cannot see: \(limitation)") }
        return lines
    }

    func renderJSON(_ checks: [Check], backend: EventSource, limitations: [String]) -> [UInt8] {
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
