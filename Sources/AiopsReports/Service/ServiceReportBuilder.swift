import AiopsCore
import AiopsDiagnose
import AiopsSystemd

/// Builds `analyze service`'s report from the facts the CLI gathered: systemd's view (systemctl
/// show), the cgroup's processes (/proc), and the journal's recent events and tail.
public enum ServiceReportBuilder {
    /// - processes: the cgroup's, nil when it could not be found (a stopped unit has none)
    /// - mainProcess: what /proc says of the main pid, nil when it has exited meanwhile
    public static func build(
        unit: String, properties: UnitProperties, now: Int64, processes: [ServiceProcess]?,
        mainProcess: ServiceProcess?, journal: ServiceJournalDigest, detail: Bool
    ) -> ServiceReport {
        let controlGroup = properties.controlGroup
        let main = properties.mainPID.map {
            ServiceReport.MainProcess(
                pid: $0, process: mainProcess, startedAt: properties.timestamp("ExecMainStartTimestamp"))
        }

        let residentSum = processes.map { $0.compactMap(\.residentBytes).reduce(0, +) }
        return ServiceReport(
            unit: unit,
            description: properties.values["Description"],
            state: ServiceReport.State(
                load: properties.loadState ?? "unknown", active: properties.activeState ?? "unknown",
                sub: properties.subState ?? "unknown", result: properties.result,
                unitFileState: properties.text("UnitFileState")),
            invocationID: properties.text("InvocationID"),
            activeSince: properties.timestamp("ActiveEnterTimestamp"),
            stateChangedAt: properties.timestamp("StateChangeTimestamp"),
            now: now, main: main, lastExit: lastExit(properties),
            controlGroup: controlGroup, processes: processes,
            limits: ServiceReport.Limits(
                memoryCurrent: properties.quantity("MemoryCurrent"),
                memoryMax: properties.quantity("MemoryMax"), memoryHigh: properties.quantity("MemoryHigh"),
                tasksCurrent: properties.quantity("TasksCurrent"), tasksMax: properties.quantity("TasksMax"),
                residentBytes: residentSum),
            policy: ServiceReport.RestartPolicy(
                restart: properties.text("Restart") ?? "no",
                restartDelayMicroseconds: properties.duration("RestartUSec"),
                startLimitBurst: properties.integer("StartLimitBurst"),
                startLimitIntervalMicroseconds: properties.duration("StartLimitIntervalUSec"),
                automaticRestarts: properties.integer("NRestarts")),
            unitFile: nonEmpty(properties.values["FragmentPath"]),
            dropIns: nonEmpty(properties.values["DropInPaths"]),
            execStart: nonEmpty(properties.values["ExecStart"]),
            execCommands: properties.commands("ExecStart"),
            user: nonEmpty(properties.values["User"]),
            journal: journal, detail: detail)
    }

    /// ExecMainCode 1 exited, 2 killed, 3 dumped (0: no process has ended yet).
    private static func lastExit(_ properties: UnitProperties) -> ServiceReport.LastExit? {
        guard let code = properties.integer("ExecMainCode"),
            let status = properties.integer("ExecMainStatus"),
            let exitTime = properties.timestamp("ExecMainExitTimestamp")
        else { return nil }
        let kind: ServiceEvent.ProcessExit.Code
        switch code {
        case 1: kind = .exited
        case 2: kind = .killed
        case 3: kind = .dumped
        default: return nil
        }
        return ServiceReport.LastExit(
            exit: .init(code: kind, status: Int32(truncatingIfNeeded: status)), time: exitTime)
    }

    private static func nonEmpty(_ text: UntrustedText?) -> UntrustedText? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}
