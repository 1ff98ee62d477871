import AiopsCore
import AiopsRender
import AiopsSystemd

/// JSON pieces shared by the service and restart reports.
enum ServiceJSONFields {
    static func exit(_ exit: ServiceEvent.ProcessExit, time: Int64? = nil, into json: inout JSONWriter) {
        json.beginObject()
        json.field("code", exit.code.rawValue)
        json.field("status", exit.status)
        json.field("signal_name", exit.signal.map(SignalName.of))
        json.field("core_dumped", exit.coreDumped)
        json.field("meaning", exit.code == .exited ? ExitCodeMeaning.of(exit.status) : nil)
        json.field("clean", exit.isClean)
        if let time { json.field("time", UnixTimeText.rfc3339(time)) }

        json.endObject()
    }

    static func event(_ event: ServiceEvent, into json: inout JSONWriter) {
        json.beginObject()
        json.field("time", UnixTimeText.rfc3339(event.time))
        json.field("kind", ServiceEventText.key(event.kind))
        json.field("invocation_id", event.invocationID)
        switch event.kind {
        case .processExited(let exit):
            json.key("exit")
            Self.exit(exit, into: &json)
        case .failed(let result), .startJobFailed(let result):
            json.field("result", result)
        case .stopped(let jobType):
            json.field("job_type", jobType)
        case .restartScheduled(let counter):
            json.field("restart_counter", counter)
        case .spawnFailed(let number):
            json.field("errno", number)
        case .signalSent(let signal):
            json.field("signal_name", SignalName.of(signal))
        default: break
        }
        json.field("message", event.message)
        json.endObject()
    }

    static func journalLine(_ line: JournalLine, into json: inout JSONWriter) {
        json.beginObject()
        json.field("time", UnixTimeText.rfc3339(line.time))
        json.field("identifier", line.identifier)
        json.field("pid", line.pid)
        json.field("message", line.message)
        json.endObject()
    }
}
