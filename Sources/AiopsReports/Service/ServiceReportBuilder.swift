import AiopsCore
import AiopsDiagnose
import AiopsProc
import AiopsSystemd

/// Gathers `analyze service`'s facts: systemd's view (systemctl show), the cgroup's processes
/// (/proc), and the journal's recent events and tail.
enum ServiceReportBuilder {
    static func build(_ target: ServiceTarget, detail: Bool) throws(AiopsError) -> ServiceReport {
        let properties = target.properties
        let now = UnixTimeText.now()

        let controlGroup = properties.controlGroup
        let processes = controlGroup.flatMap { ServiceProcesses.pids(controlGroup: $0) }.map {
            ServiceProcesses.read(pids: $0)
        }
        var main: ServiceReport.MainProcess?
        if let pid = properties.mainPID {
            let process =
                processes?.first { $0.snapshot.pid == pid } ?? ServiceProcesses.read(pids: [pid]).first
            main = ServiceReport.MainProcess(
                pid: pid, process: process, startedAt: properties.timestamp("ExecMainStartTimestamp"))
        }

        let journal = try ServiceJournalDigest.read(
            unit: target.unit, reader: JournalReader(), scan: detail ? 2000 : 300,
            eventLimit: detail ? 30 : 10, tailLimit: detail ? 40 : 10)

        let residentSum = processes.map { $0.compactMap(\.residentBytes).reduce(0, +) }
        return ServiceReport(
            unit: target.unit,
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
