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
        json.key("schema")
        json.string("aiops.doctor/1")
        json.key("checks")
        json.beginArray()
        for check in checks {
            json.beginObject()
            json.key("name")
            json.string(check.name)
            json.key("status")
            json.string(check.status.rawValue)
            json.key("detail")
            json.string(check.detail)
            json.endObject()
        }
        json.endArray()
        json.key("trace_backend")
        json.string(backend.rawValue)
        json.key("trace_limitations")
        json.beginArray()
        for limitation in limitations { json.string(limitation) }
        json.endArray()
        json.endObject()
        return json.bytes
    }
}
