import AiopsCore
import AiopsReports
import AiopsSystemd

/// Gathers `analyze service`'s facts — systemctl show, the cgroup's processes from /proc, the
/// journal's recent events and tail — and hands them to the report's builder.
extension ServiceReportBuilder {
    static func build(_ target: ServiceTarget, detail: Bool) throws(AiopsError) -> ServiceReport {
        let properties = target.properties
        let now = UnixTimeText.now()
        let processes = properties.controlGroup.flatMap { ServiceProcesses.pids(controlGroup: $0) }.map {
            ServiceProcesses.read(pids: $0)
        }
        let mainProcess = properties.mainPID.flatMap { pid in
            processes?.first { $0.snapshot.pid == pid } ?? ServiceProcesses.read(pids: [pid]).first
        }
        let journal = try ServiceJournalDigest.read(
            unit: target.unit, reader: JournalReader(), scan: detail ? 2000 : 300,
            eventLimit: detail ? 30 : 10, tailLimit: detail ? 40 : 10)
        return build(
            unit: target.unit, properties: properties, now: now, processes: processes,
            mainProcess: mainProcess, journal: journal, detail: detail)
    }
}
