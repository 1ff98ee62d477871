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
public enum StartFailureJSON {
    static let schema = "aiops.diagnose.start-failure/1"

    public static func encode(_ diagnosis: StartFailureDiagnosis, clock: WallClock) -> [UInt8] {
        var time = TimeText(clock: clock)
        var json = JSONWriter(reservingCapacity: 16_384)
        json.beginObject()
        json.field("schema", schema)
        json.key("time")
        json.preformattedString { time.appendRFC3339(BootInstant.now(), to: &$0) }
        json.field("unit", diagnosis.unit)
        json.field("description", diagnosis.description)
        json.field("load_state", diagnosis.loadState)
        json.field("active_state", diagnosis.activeState)
        json.field("sub_state", diagnosis.subState)
        json.field("result", diagnosis.result)
        json.field("unit_file", diagnosis.fragmentPath)
        json.field("load_error", diagnosis.loadError)
        json.field("user", diagnosis.user)
        json.field("failed", diagnosis.failed)
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
        json.field("notes", strings: diagnosis.notes)
        json.endObject()
        return json.bytes
    }

    private static func lastAttempt(
        _ attempt: StartAttempt, _ diagnosis: StartFailureDiagnosis, into json: inout JSONWriter,
        time: inout TimeText, clock: WallClock
    ) {
        json.beginObject()
        json.field("time", rfc3339(diagnosis.attemptTime, &time, clock: clock))
        json.field("invocation_id", attempt.invocationID)
        json.key("exit")
        if let exit = diagnosis.exit {
            json.beginObject()
            json.field("code", exit.code)
            json.field("status", exit.status)
            json.field("status_text", exit.statusText)
            json.field("meaning", exit.meaning)
            json.field("control_process", exit.controlProcess)
            json.endObject()
        } else {
            json.null()
        }
        json.field("unit_result", diagnosis.unitResult)
        json.field("job_result", diagnosis.jobResult)
        json.key("journal")
        json.beginArray()
        for entry in attempt.entries {
            json.beginObject()
            json.field("time", rfc3339(entry.realtimeMicroseconds, &time, clock: clock))
            json.field("pid", entry.pid)
            json.field("identifier", entry.identifier)
            json.field("message", entry.message)
            json.field("unit_field", entry.word("_SYSTEMD_UNIT") != nil ? "_SYSTEMD_UNIT" : "UNIT")
            json.field("priority", entry.priority)
            json.endObject()
        }
        json.endArray()
        json.field("journal_omitted", diagnosis.attemptEntriesOmitted)
        json.endObject()
    }

    /// A journal time (Unix µs) as RFC 3339.
    private static func rfc3339(_ microseconds: Int64?, _ time: inout TimeText, clock: WallClock) -> String? {
        microseconds.map { time.rfc3339(bootInstant(unixMicroseconds: $0, clock: clock)) }
    }

    private static func checks(_ checks: [CheckResult], into json: inout JSONWriter) {
        json.key("checks")
        json.beginArray()
        for check in checks {
            json.beginObject()
            json.field("kind", check.kind.rawValue)
            json.field("outcome", check.outcome.rawValue)
            json.field("summary", check.summary)
            json.field("evidence", strings: check.evidence)
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
            json.field("port", conflict.port)
            json.field("sources", strings: conflict.sources)
            json.field("reported_in_use", conflict.reportedInUse)
            json.field("unattributed_sockets", conflict.unattributedSockets)
            json.key("socket")
            json.optional(conflict.socket) { writer, socket in
                writer.beginObject()
                writer.field("unit", socket.unit)
                writer.field("directive", socket.directive)
                writer.endObject()
            }
            json.key("owners")
            json.beginArray()
            for owner in conflict.owners {
                json.beginObject()
                json.field("pid", owner.pid)
                json.field("comm", owner.process.stat.comm)
                json.field("argv", strings: owner.process.argv)
                json.field("start_time", time.rfc3339(owner.process.stat.start))
                json.field("unit", owner.unit)
                json.field("protocol", owner.socket.protocolName)
                json.field("address", owner.socket.localAddress.description)
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
            json.field("unit", dependency.unit)
            json.field("relation", dependency.relation)
            json.field("relations", strings: dependency.relations)
            json.field("blocks_start", dependency.blocksStart)
            json.field("state", dependency.stateText)
            json.field("load_state", dependency.loadState)
            json.field("active_state", dependency.activeState)
            json.field("sub_state", dependency.subState)
            json.field("result", dependency.result)

            json.field("failure_lines", strings: dependency.failureLines)
            json.endObject()
        }
        json.endArray()
    }

    private static func configuration(_ runs: [ConfigurationCheck.Run], into json: inout JSONWriter) {
        json.key("configuration_checks")
        json.beginArray()
        for run in runs {
            json.beginObject()
            json.field("argv", strings: run.argv)
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
            json.field("problem", run.problem)
            json.field("output", strings: run.lines)
            json.endObject()
        }
        json.endArray()
    }

    private static func plan(_ plan: SolutionPlanner.Plan, into json: inout JSONWriter) {
        json.key("cause")
        if let cause = plan.cause, let kind = plan.causeKind {
            json.beginObject()
            json.field("kind", kind.rawValue)
            json.field("text", cause)
            json.endObject()
        } else {
            json.null()
        }
        json.key("solutions")
        json.beginArray()
        for solution in plan.solutions {
            json.beginObject()
            json.field("title", solution.title)
            json.field("recommended", solution.recommended)
            json.field("commands", strings: solution.commands)
            json.endObject()
        }
        json.endArray()
        json.field("quick_fix", plan.quickFix)
    }
}
