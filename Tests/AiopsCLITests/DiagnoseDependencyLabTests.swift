import AiopsTestSupport
import Foundation
import Testing

/// `aiops diagnose start-failure` on what a unit is ordered after (After=) and on socket
/// activation, against a real systemd 252 (tools/systemd-lab, units in tools/systemd-lab/units).
/// Serialized for the same reason as the other lab suites: one container at a time beside the
/// timing-sensitive kernel tests.
@Suite("diagnose start-failure: ordering and socket activation in a systemd lab", .serialized)
struct DiagnoseDependencyLabTests {
    static let holder = "aiops-lab-port-holder.service"

    private func dependency(_ report: [String: Any], _ unit: String) -> [String: Any]? {
        (report["dependencies"] as? [[String: Any]])?.first { $0["unit"] as? String == unit }
    }

    /// Starts the holder of port 8093 and waits until it accepts connections; its MainPID.
    private func holdPort(_ lab: SystemdLab) async throws -> Int {
        try await lab.installProjectUnits(Self.holder)
        #expect(try await lab.systemctl("start", Self.holder).status == 0)
        let listening = try await lab.waitUntil {
            try await lab.run([
                "python3", "-c", "import socket; socket.create_connection(('127.0.0.1', 8093), 1)",
            ]).status == 0
        }
        try #require(listening, "the holder never listened on 8093")
        return try #require(Int(try await lab.property(Self.holder, "MainPID")))
    }

    /// The port conflict as the JSON reports it for a service whose socket wants port 8093.
    private func expectHolderBlamed(
        _ report: [String: Any], socket: String, service: String, holderPID: Int
    ) throws {
        #expect(DiagnoseLab.check(report, "port_conflict")?["outcome"] as? String == "failed")
        let conflict = try #require(
            (report["port_conflicts"] as? [[String: Any]])?.first { $0["port"] as? Int == 8093 },
            "\(report["port_conflicts"] ?? "none")")
        let origin = conflict["socket"] as? [String: Any]
        #expect(origin?["unit"] as? String == socket)
        #expect(origin?["directive"] as? String == "ListenStream")
        #expect((conflict["sources"] as? [String] ?? []).contains("\(socket) ListenStream [::]:8093"))
        let owner = try #require((conflict["owners"] as? [[String: Any]])?.first)
        #expect(owner["pid"] as? Int == holderPID)
        #expect(owner["argv"] as? [String] == ["/usr/bin/python3", "-m", "http.server", "8093"])
        #expect(owner["unit"] as? String == Self.holder)

        // The socket's own failure, as systemd logged it, is in the evidence.
        let entry = try #require(dependency(report, socket))
        #expect(entry["active_state"] as? String == "failed")
        #expect(entry["result"] as? String == "resources")
        #expect(entry["blocks_start"] as? Bool == true)
        #expect(
            (entry["failure_lines"] as? [String] ?? []).contains(
                "\(socket): Failed to create listening socket ([::]:8093): Address already in use"),
            "\(entry)")

        let cause = try #require(report["cause"] as? [String: Any])
        #expect(cause["kind"] as? String == "port_conflict")
        #expect(
            cause["text"] as? String
                == "\(socket) cannot listen on port 8093: it is held by \(Self.holder) (PID \(holderPID), python3)"
        )
        #expect(
            report["quick_fix"] as? String
                == "sudo systemctl stop \(Self.holder) && sudo systemctl start \(socket) \(service)")
    }

    @Test("a unit ordered after a failed unit: that unit shown failed, the start not blamed on it")
    func orderedAfterAFailedUnit() async throws {
        try await SystemdLab.with { lab in
            let broken = "aiops-lab-broken-dependency.service"
            let unit = "aiops-lab-after-broken.service"
            try await lab.installProjectUnits(broken, unit)
            #expect(try await lab.systemctl("start", broken).status != 0)
            // After= alone: systemd starts it anyway; it fails on its own (status 1).
            #expect(try await lab.systemctl("start", unit).status != 0)
            #expect(try await lab.property(unit, "Result") == "exit-code")

            let report = try await DiagnoseLab.diagnose(lab, unit)
            #expect(report["failed"] as? Bool == true)
            let ordered = try #require(dependency(report, broken), "\(report["dependencies"] ?? "none")")
            #expect(ordered["relations"] as? [String] == ["After"])
            #expect(ordered["relation"] as? String == "After")
            #expect(ordered["active_state"] as? String == "failed")
            #expect(ordered["blocks_start"] as? Bool == false)
            #expect(
                (ordered["failure_lines"] as? [String] ?? []).contains {
                    $0.contains("status=3/NOTIMPLEMENTED")
                })

            let dependencies = try #require(DiagnoseLab.check(report, "dependencies"))
            #expect(dependencies["outcome"] as? String == "passed", "ordering never blocks a start")
            #expect(
                (dependencies["summary"] as? String)?.contains(
                    "ordered after \(broken), which failed: After= only orders the start and does not block it"
                )
                    == true, "\(dependencies)")
            #expect(
                (dependencies["evidence"] as? [String] ?? []).contains("After \(broken): failed (exit-code)"))
            // The ordering every service has is not listed.
            let units = (report["dependencies"] as? [[String: Any]] ?? []).compactMap {
                $0["unit"] as? String
            }
            for noise in ["basic.target", "systemd-journald.socket", "system.slice"] {
                #expect(!units.contains(noise), "\(units)")
            }

            #expect((report["cause"] as? [String: Any])?["kind"] as? String != "dependencies")
            #expect(!((report["quick_fix"] as? String) ?? "").contains(broken))
            let solutions = report["solutions"] as? [[String: Any]] ?? []
            let lead = solutions.first { ($0["title"] as? String)?.hasPrefix("\(broken) failed") == true }
            #expect(lead?["recommended"] as? Bool == false, "\(solutions)")
        }
    }

    @Test(
        "a socket-activated service whose socket cannot listen: the port's holder, named through the socket")
    func socketActivatedPortConflict() async throws {
        try await SystemdLab.with { lab in
            let socket = "aiops-lab-socket-web.socket"
            let service = "aiops-lab-socket-web.service"
            let holderPID = try await holdPort(lab)
            try await lab.installProjectUnits(socket, service)
            #expect(try await lab.systemctl("start", socket).status != 0)
            #expect(try await lab.property(socket, "Result") == "resources")
            #expect(try await lab.property(service, "TriggeredBy") == socket)
            #expect(try await lab.property(service, "ActiveState") == "inactive", "never activated")

            let report = try await DiagnoseLab.diagnose(lab, service)
            #expect(report["failed"] as? Bool == true, "its socket failed, so it never runs")
            #expect(DiagnoseLab.check(report, "dependencies")?["outcome"] as? String == "failed")
            let entry = try #require(dependency(report, socket))
            #expect((entry["relations"] as? [String] ?? []).contains("TriggeredBy"))
            try expectHolderBlamed(report, socket: socket, service: service, holderPID: holderPID)

            let table = try await lab.aiops(["diagnose", "start-failure", "--name", service])
            #expect(table.status == 0)
            #expect(
                table.standardOutput.contains("Activation   \(socket) is failed (resources)"),
                "\(table.standardOutput)")
            #expect(table.standardOutput.contains("PID      \(holderPID)"))
            #expect(table.standardOutput.contains("/usr/bin/python3 -m http.server 8093"))

            // Port freed, socket listening: systemd itself holds 8093 for the service now, and
            // that is no conflict.
            #expect(try await lab.systemctl("stop", Self.holder).status == 0)
            #expect(try await lab.systemctl("start", socket).status == 0)
            let fixed = try await DiagnoseLab.diagnose(lab, service)
            #expect(fixed["failed"] as? Bool == false, "\(fixed)")
            #expect(DiagnoseLab.check(fixed, "port_conflict")?["outcome"] as? String != "failed", "\(fixed)")
            #expect(
                (fixed["port_conflicts"] as? [[String: Any]] ?? []).allSatisfy {
                    ($0["owners"] as? [Any] ?? []).isEmpty
                })
            #expect(fixed["cause"] is NSNull, "\(fixed)")
        }
    }

    @Test("a service that Requires= its socket: the cancelled start is blamed on the port's holder")
    func requiredSocketPortConflict() async throws {
        try await SystemdLab.with { lab in
            let socket = "aiops-lab-socket-api.socket"
            let service = "aiops-lab-socket-api.service"
            let holderPID = try await holdPort(lab)
            try await lab.installProjectUnits(socket, service)
            #expect(try await lab.systemctl("start", service).status != 0)
            #expect(
                try await lab.property(service, "Result") == "success", "252 cancels, the unit stays clean")

            let report = try await DiagnoseLab.diagnose(lab, service)
            #expect(report["failed"] as? Bool == true)
            #expect((report["last_attempt"] as? [String: Any])?["job_result"] as? String == "dependency")
            let entry = try #require(dependency(report, socket))
            #expect(
                entry["relations"] as? [String] == ["Requires", "TriggeredBy", "After"], "one entry: \(entry)"
            )
            #expect(
                (DiagnoseLab.check(report, "dependencies")?["summary"] as? String)?.hasPrefix(
                    "dependency \(socket) is failed")
                    == true)
            try expectHolderBlamed(report, socket: socket, service: service, holderPID: holderPID)
        }
    }
}
