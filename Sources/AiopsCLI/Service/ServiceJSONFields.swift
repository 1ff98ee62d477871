import AiopsCore
import AiopsRender
import AiopsSystemd

/// JSON pieces shared by the service and restart reports.
enum ServiceJSONFields {
    static func time(_ microseconds: Int64?, into json: inout JSONWriter) {
        if let microseconds { json.string(UnixTimeText.rfc3339(microseconds)) } else { json.null() }
    }

    /// A limit or a reading: a number, or null with "unlimited" told apart by the caller's key.
    static func quantity(_ quantity: UnitProperties.Quantity, into json: inout JSONWriter) {
        if let value = quantity.number { json.integer(value) } else { json.null() }
    }

    static func exit(_ exit: ServiceEvent.ProcessExit, time: Int64? = nil, into json: inout JSONWriter) {
        json.beginObject()
        json.key("code")
        json.string(exit.code.rawValue)
        json.key("status")
        json.integer(exit.status)
        json.key("signal_name")
        json.optional(exit.signal) { $0.string(SignalName.of($1)) }
        json.key("core_dumped")
        json.bool(exit.coreDumped)
        json.key("meaning")
        json.optional(exit.code == .exited ? ExitCodeMeaning.of(exit.status) : nil) { $0.string($1) }
        json.key("clean")
        json.bool(exit.isClean)
        if let time {
            json.key("time")
            json.string(UnixTimeText.rfc3339(time))
        }
        json.endObject()
    }

    static func event(_ event: ServiceEvent, into json: inout JSONWriter) {
        json.beginObject()
        json.key("time")
        json.string(UnixTimeText.rfc3339(event.time))
        json.key("kind")
        json.string(ServiceEventText.key(event.kind))
        json.key("invocation_id")
        json.optional(event.invocationID) { $0.string($1) }
        switch event.kind {
        case .processExited(let exit):
            json.key("exit")
            Self.exit(exit, into: &json)
        case .failed(let result), .startJobFailed(let result):
            json.key("result")
            json.string(result)
        case .stopped(let jobType):
            json.key("job_type")
            json.optional(jobType) { $0.string($1) }
        case .restartScheduled(let counter):
            json.key("restart_counter")
            json.optional(counter) { $0.integer($1) }
        case .spawnFailed(let number):
            json.key("errno")
            json.optional(number) { $0.integer($1) }
        case .signalSent(let signal):
            json.key("signal_name")
            json.string(SignalName.of(signal))
        default: break
        }
        json.key("message")
        json.string(event.message)
        json.endObject()
    }

    static func journalLine(_ line: JournalLine, into json: inout JSONWriter) {
        json.beginObject()
        json.key("time")
        json.string(UnixTimeText.rfc3339(line.time))
        json.key("identifier")
        json.string(line.identifier)
        json.key("pid")
        json.optional(line.pid) { $0.integer($1) }
        json.key("message")
        json.string(line.message)
        json.endObject()
    }
}
