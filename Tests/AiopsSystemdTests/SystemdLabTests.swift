import AiopsTestSupport
import Foundation
import Testing

/// The lab harness itself: a real systemd boots, runs what the tests ask, and leaves nothing
/// behind. Every other systemd test stands on this.
@Suite("systemd lab harness")
struct SystemdLabTests {
    @Test("boots systemd as PID 1 with journald, runs units, and tears down without a trace")
    func bootRunTeardown() async throws {
        var name = ""
        var state = ""
        var nspawnChildren: [pid_t] = []
        try await SystemdLab.with { lab in
            name = lab.name
            state = lab.stateDirectory
            nspawnChildren = [lab.leader]
            #expect(try await lab.run(["cat", "/proc/1/comm"]).standardOutput == "systemd\n")
            #expect(
                try await lab.systemctl("is-active", "systemd-journald.service").standardOutput == "active\n")
            // Exit statuses come through unchanged.
            #expect(try await lab.run(["sh", "-c", "exit 7"]).status == 7)

            try await lab.install(
                unit: "aiops-lab-hello.service",
                contents: """
                    [Service]
                    Type=oneshot
                    ExecStart=/bin/echo hello-from-the-lab
                    """)
            #expect(try await lab.systemctl("start", "aiops-lab-hello.service").status == 0)
            let logged = try await lab.waitUntil {
                try await lab.journal(["-u", "aiops-lab-hello.service"]).contains {
                    $0["MESSAGE"] as? String == "hello-from-the-lab"
                }
            }
            #expect(logged, "the unit's output reached the container's journal")
            // The build products are visible inside at the same path.
            #expect(FileManager.default.fileExists(atPath: "/proc/\(lab.leader)/root\(BuildProducts.aiops)"))
        }
        #expect(!name.isEmpty)
        #expect(kill(nspawnChildren[0], 0) != 0, "the container's PID 1 is gone")
        #expect(!FileManager.default.fileExists(atPath: state), "the state directory is removed")
        let cgroups = try await runCommand(
            "/usr/bin/find", ["/sys/fs/cgroup", "-maxdepth", "6", "-type", "d", "-name", "aiops-lab-\(name)"])
        #expect(cgroups.standardOutput.isEmpty, "no cgroup of the lab is left: \(cgroups.standardOutput)")
    }
}

@Suite("systemd lab harness failures")
struct SystemdLabFailureTests {
    @Test("a lab that cannot boot throws with its logs instead of skipping")
    func bootFailureCarriesTheLog() async throws {
        do {
            try await SystemdLab.with(readOnlyBinds: ["/nonexistent/aiops-lab-path"]) { _ in
                Issue.record("a lab with a missing bind must not boot")
            }
        } catch let failure as SystemdLab.Failure {
            #expect(failure.message.contains("nspawn exited during boot"))
            #expect(failure.description.contains("/nonexistent/aiops-lab-path: no such path"))
        }
    }
}
