import AiopsCore
import AiopsReports
import AiopsSystemd
import Foundation
import Testing

/// `analyze service`'s report from systemctl's properties alone: what the CLI gathers is given,
/// so the builder's reading of the properties is checked without systemd.
@Suite("analyze service: the report from the properties")
struct ServiceReportBuilderTests {
    static let now: Int64 = 1_795_586_268_816_294  // a minute after the start below

    func report(_ values: [String: String]) -> ServiceReport {
        let properties = UnitProperties(values: values.mapValues { UntrustedText(Array($0.utf8)) })
        return ServiceReportBuilder.build(
            unit: "web.service", properties: properties, now: Self.now, processes: nil, mainProcess: nil,
            journal: ServiceJournalDigest(), detail: false)
    }

    func json(_ report: ServiceReport) throws -> [String: Any] {
        try #require(
            try JSONSerialization.jsonObject(with: Data(ServiceJSON.encode(report))) as? [String: Any])
    }

    @Test("a main process killed by SIGKILL, the restart policy, and the uptime since it became active")
    func killed() throws {
        let object = try json(
            report([
                "LoadState": "loaded", "ActiveState": "active", "SubState": "running",
                "ActiveEnterTimestamp": "Wed 2026-11-25 05:56:48.816294 UTC",
                "ExecMainCode": "2", "ExecMainStatus": "9",
                "ExecMainExitTimestamp": "Wed 2026-11-25 05:56:47 UTC",
                "Restart": "on-failure", "RestartUSec": "100ms", "NRestarts": "3",
            ]))
        #expect(object["unit"] as? String == "web.service")
        #expect(object["uptime_s"] as? Double == 60)
        let exit = try #require(object["last_exit"] as? [String: Any])
        #expect(exit["code"] as? String == "killed")
        #expect(exit["signal_name"] as? String == "SIGKILL")
        let policy = try #require(object["restart_policy"] as? [String: Any])
        #expect(policy["restart"] as? String == "on-failure")
        #expect(policy["n_restarts"] as? Int == 3)
        #expect(object["processes"] is NSNull, "no cgroup: the processes are unknown, not none")
    }

    @Test("a unit whose main process has not ended has no last exit, and an inactive one no uptime")
    func stopped() throws {
        let object = try json(report(["LoadState": "loaded", "ActiveState": "inactive", "SubState": "dead"]))
        #expect(object["last_exit"] is NSNull)
        #expect(object["uptime_s"] is NSNull)
        #expect(object["main_process"] is NSNull)
    }
}
