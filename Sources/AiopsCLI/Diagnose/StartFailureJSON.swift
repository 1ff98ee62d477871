import AiopsCore
import AiopsDiagnose
import AiopsRender
import AiopsSystemd

/// The diagnosis as one JSON object, with the same facts as the report. Keys are snake_case and
/// stable: fields are added, never renamed or retyped. Times are RFC 3339 UTC with microseconds.
/// Strings from the journal, /proc and checkers are untrusted: invalid UTF-8 becomes U+FFFD and
/// control characters are escaped by the writer.
///
/// - schema, time, unit, description, load_state, active_state, sub_state, result, unit_file,
///   load_error, user, failed
/// - last_attempt (or null): time, invocation_id, exit {code (exited, killed, dumped), status,
///   status_text ("203/EXEC"), meaning, control_process} or null, unit_result, job_result,
///   journal [{time, pid, identifier, message, unit_field ("_SYSTEMD_UNIT" or "UNIT": how the
///   entry was tied to the unit), priority}], journal_omitted
/// - checks: [{kind (port_conflict, configuration, dependencies, executable, permissions),
///   outcome (passed, failed, not_applicable, unknown), summary, evidence: [string]}]
/// - port_conflicts: [{port, sources, reported_in_use, unattributed_sockets, owners: [{pid,
///   comm, argv, start_time, unit, protocol, address}], socket: {unit, directive} or null (the
///   socket unit that listens on the port for the service: systemd binds it)}]
/// - dependencies: [{unit, relation (the strongest), relations (every one naming the unit:
///   Requires, Requisite, BindsTo, Wants, TriggeredBy, After), blocks_start, state, load_state,
///   active_state, sub_state, result, failure_lines}]
/// - configuration_checks: [{argv, exit_status, outcome ("exited", "signalled", "timed_out",
///   "not_run"), problem, output}]
/// - cause: {kind, text} or null; solutions: [{title, recommended, commands}]; quick_fix
/// - notes: [string]
enum StartFailureJSON {
    static let schema = "aiops.diagnose.start-failure/1"

    static func encode(_ diagnosis: StartFailureDiagnosis, clock: WallClock) -> [UInt8] {
        var time = TimeText(clock: clock)
        var json = JSONWriter(reservingCapacity: 16_384)
        json.beginObject()
        json.key("schema")
        json.string(schema)
        json.key("time")
        json.preformattedString { time.appendRFC3339(BootInstant.now(), to: &$0) }
        json.key("unit")
        json.string(diagnosis.unit)
        let header: [(StaticString, String?)] = [
            ("description", diagnosis.description), ("load_state", diagnosis.loadState),
            ("active_state", diagnosis.activeState), ("sub_state", diagnosis.subState),
            ("result", diagnosis.result),
            ("unit_file", diagnosis.fragmentPath), ("load_error", diagnosis.loadError),
            ("user", diagnosis.user),
        ]
        for (key, value) in header {
            json.key(key)
            json.optional(value) { $0.string($1) }
        }
        json.key("failed")
        json.bool(diagnosis.failed)
        json.key("last_attempt")
        if let attempt = diagnosis.attempt {
            lastAttempt(attempt, diagnosis, into: &json, time: &time, clock: clock)
        } else {
            json.null()
        }
        checks(diagnosis.checks, into: &json)
        ports(diagnosis.portConflicts, into: &json, time: &time)
        dependencies(diagnosis.dependencies, into: &json)
        configuration(diagnosis.configurationRuns, into: &json)
        plan(diagnosis.plan, into: &json)
        json.key("notes")
        json.beginArray()
        for note in diagnosis.notes { json.string(note) }
        json.endArray()
        json.endObject()
        return json.bytes
    }

    private static func lastAttempt(
        _ attempt: StartAttempt, _ diagnosis: StartFailureDiagnosis, into json: inout JSONWriter,
        time: inout TimeText, clock: WallClock
    ) {
        json.beginObject()
        json.key("time")
        json.optional(diagnosis.attemptTime) { writer, micros in
            writer.string(time.rfc3339(bootInstant(unixMicroseconds: micros, clock: clock)))
        }
        json.key("invocation_id")
        json.optional(attempt.invocationID) { $0.string($1) }
        json.key("exit")
        if let exit = diagnosis.exit {
            json.beginObject()
            json.key("code")
            json.string(exit.code)
            json.key("status")
            json.integer(exit.status)
            json.key("status_text")
            json.string(exit.statusText)
            json.key("meaning")
            json.string(exit.meaning)
            json.key("control_process")
            json.bool(exit.controlProcess)
            json.endObject()
        } else {
            json.null()
        }
        json.key("unit_result")
        json.optional(diagnosis.unitResult) { $0.string($1) }
        json.key("job_result")
        json.optional(diagnosis.jobResult) { $0.string($1) }
        json.key("journal")
        json.beginArray()
        for entry in attempt.entries {
            json.beginObject()
            json.key("time")
            json.optional(entry.realtimeMicroseconds) { writer, micros in
                writer.string(time.rfc3339(bootInstant(unixMicroseconds: micros, clock: clock)))
            }
            json.key("pid")
            json.optional(entry.pid) { $0.integer($1) }
            json.key("identifier")
            json.optional(entry.identifier) { $0.string($1) }
            json.key("message")
            json.optional(entry.message) { $0.string($1) }
            json.key("unit_field")
            json.string(entry.word("_SYSTEMD_UNIT") != nil ? "_SYSTEMD_UNIT" : "UNIT")
            json.key("priority")
            json.optional(entry.priority) { $0.integer($1) }
            json.endObject()
        }
        json.endArray()
        json.key("journal_omitted")
        json.integer(diagnosis.attemptEntriesOmitted)
        json.endObject()
    }

    private static func checks(_ checks: [CheckResult], into json: inout JSONWriter) {
        json.key("checks")
        json.beginArray()
        for check in checks {
            json.beginObject()
            json.key("kind")
            json.string(check.kind.rawValue)
            json.key("outcome")
            json.string(check.outcome.rawValue)
            json.key("summary")
            json.string(check.summary)
            json.key("evidence")
            json.beginArray()
            for line in check.evidence { json.string(line) }
            json.endArray()
            json.endObject()
        }
        json.endArray()
    }

    private static func ports(_ conflicts: [PortConflict], into json: inout JSONWriter, time: inout TimeText)
    {
        json.key("port_conflicts")
        json.beginArray()
        for conflict in conflicts {
            json.beginObject()
            json.key("port")
            json.integer(conflict.port)
            json.key("sources")
            json.beginArray()
            for source in conflict.sources { json.string(source) }
            json.endArray()
            json.key("reported_in_use")
            json.bool(conflict.reportedInUse)
            json.key("unattributed_sockets")
            json.integer(conflict.unattributedSockets)
            json.key("socket")
            json.optional(conflict.socket) { writer, socket in
                writer.beginObject()
                writer.key("unit")
                writer.string(socket.unit)
                writer.key("directive")
                writer.string(socket.directive)
                writer.endObject()
            }
            json.key("owners")
            json.beginArray()
            for owner in conflict.owners {
                json.beginObject()
                json.key("pid")
                json.integer(owner.pid)
                json.key("comm")
                json.string(owner.process.stat.comm)
                json.key("argv")
                json.beginArray()
                for argument in owner.process.argv { json.string(argument) }
                json.endArray()
                json.key("start_time")
                json.string(time.rfc3339(owner.process.stat.start))
                json.key("unit")
                json.optional(owner.unit) { $0.string($1) }
                json.key("protocol")
                json.string(owner.socket.protocolName)
                json.key("address")
                json.string(owner.socket.localAddress.description)
                json.endObject()
            }
            json.endArray()
            json.endObject()
        }
        json.endArray()
    }

    private static func dependencies(
        _ dependencies: [DependencyCheck.Dependency], into json: inout JSONWriter
    ) {
        json.key("dependencies")
        json.beginArray()
        for dependency in dependencies {
            json.beginObject()
            json.key("unit")
            json.string(dependency.unit)
            json.key("relation")
            json.string(dependency.relation)
            json.key("relations")
            json.beginArray()
            for relation in dependency.relations { json.string(relation) }
            json.endArray()
            json.key("blocks_start")
            json.bool(dependency.blocksStart)
            json.key("state")
            json.string(dependency.stateText)
            let states: [(StaticString, String?)] = [
                ("load_state", dependency.loadState), ("active_state", dependency.activeState),
                ("sub_state", dependency.subState), ("result", dependency.result),
            ]
            for (key, value) in states {
                json.key(key)
                json.optional(value) { $0.string($1) }
            }
            json.key("failure_lines")
            json.beginArray()
            for line in dependency.failureLines { json.string(line) }
            json.endArray()
            json.endObject()
        }
        json.endArray()
    }

    private static func configuration(_ runs: [ConfigurationCheck.Run], into json: inout JSONWriter) {
        json.key("configuration_checks")
        json.beginArray()
        for run in runs {
            json.beginObject()
            json.key("argv")
            json.beginArray()
            for argument in run.argv { json.string(argument) }
            json.endArray()
            json.key("exit_status")
            switch run.ending {
            case .exited(let code):
                json.integer(code)
            default:
                json.null()
            }
            json.key("outcome")
            switch run.ending {
            case .exited: json.string("exited")
            case .signalled: json.string("signalled")
            case .timedOut: json.string("timed_out")
            case nil: json.string("not_run")
            }
            json.key("problem")
            json.optional(run.problem) { $0.string($1) }
            json.key("output")
            json.beginArray()
            for line in run.lines { json.string(line) }
            json.endArray()
            json.endObject()
        }
        json.endArray()
    }

    private static func plan(_ plan: SolutionPlanner.Plan, into json: inout JSONWriter) {
        json.key("cause")
        if let cause = plan.cause, let kind = plan.causeKind {
            json.beginObject()
            json.key("kind")
            json.string(kind.rawValue)
            json.key("text")
            json.string(cause)
            json.endObject()
        } else {
            json.null()
        }
        json.key("solutions")
        json.beginArray()
        for solution in plan.solutions {
            json.beginObject()
            json.key("title")
            json.string(solution.title)
            json.key("recommended")
            json.bool(solution.recommended)
            json.key("commands")
            json.beginArray()
            for command in solution.commands { json.string(command) }
            json.endArray()
            json.endObject()
        }
        json.endArray()
        json.key("quick_fix")
        json.string(plan.quickFix)
    }
}
