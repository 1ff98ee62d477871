import AiopsTestSupport
import Foundation
import Testing

/// `aiops diagnose start-failure` against a real systemd 252 (tools/systemd-lab): a port
/// conflict, a missing executable, a failed dependency, each as systemd really reports it.
/// Serialized: one container at a time, so booting labs never starves the timing-sensitive
/// kernel tests that run beside them on a 2-core machine.
@Suite("diagnose start-failure in a systemd lab", .serialized)
struct DiagnoseStartFailureLabTests {
    /// Waits until systemd says the unit is `state`.
    private func waitFor(_ lab: SystemdLab, _ unit: String, state: String) async throws {
        let reached = try await lab.waitUntil {
            try await lab.property(unit, "ActiveState") == state
        }
        #expect(reached, "\(unit) did not become \(state)")
    }

    @Test("a port held by another service: its PID, command line and unit; stop it first")
    func portConflict() async throws {
        try await SystemdLab.with { lab in
            for (name, description) in [("a", "holds port 8089"), ("b", "wants port 8089 too")] {
                try await lab.install(
                    unit: "aiops-diag-web-\(name).service",
                    contents: """
                        [Unit]
                        Description=aiops diagnose lab: \(description)
                        [Service]
                        ExecStart=/usr/bin/python3 -m http.server 8089
                        """)
            }
            #expect(try await lab.systemctl("start", "aiops-diag-web-a.service").status == 0)
            let listening = try await lab.waitUntil {
                try await lab.run([
                    "python3", "-c", "import socket; socket.create_connection(('127.0.0.1', 8089), 1)",
                ]).status == 0
            }
            try #require(listening, "the first server never listened")
            #expect(try await lab.systemctl("start", "aiops-diag-web-b.service").status == 0)  // Type=simple
            try await waitFor(lab, "aiops-diag-web-b.service", state: "failed")
            let holder = try #require(Int(try await lab.property("aiops-diag-web-a.service", "MainPID")))

            let report = try await DiagnoseLab.diagnose(lab, "aiops-diag-web-b")
            #expect(report["unit"] as? String == "aiops-diag-web-b.service")
            #expect(report["active_state"] as? String == "failed")
            #expect(report["failed"] as? Bool == true)
            let attempt = try #require(report["last_attempt"] as? [String: Any])
            let exit = try #require(attempt["exit"] as? [String: Any])
            #expect(exit["status_text"] as? String == "1/FAILURE")
            let journal = (attempt["journal"] as? [[String: Any]] ?? []).compactMap {
                $0["message"] as? String
            }
            #expect(journal.contains("OSError: [Errno 98] Address already in use"), "\(journal)")

            #expect(DiagnoseLab.check(report, "port_conflict")?["outcome"] as? String == "failed")
            let conflict = try #require((report["port_conflicts"] as? [[String: Any]])?.first)
            #expect(conflict["port"] as? Int == 8089)
            let owner = try #require((conflict["owners"] as? [[String: Any]])?.first)
            #expect(owner["pid"] as? Int == holder)
            #expect(owner["argv"] as? [String] == ["/usr/bin/python3", "-m", "http.server", "8089"])
            #expect(owner["unit"] as? String == "aiops-diag-web-a.service")
            #expect((report["cause"] as? [String: Any])?["kind"] as? String == "port_conflict")
            #expect(
                report["quick_fix"] as? String
                    == "sudo systemctl stop aiops-diag-web-a.service && sudo systemctl start aiops-diag-web-b.service"
            )

            // The report shows the same owner.
            let table = try await lab.aiops(["diagnose", "start-failure", "--name", "aiops-diag-web-b"])
            #expect(table.status == 0)
            #expect(table.standardOutput.contains("PID      \(holder)"), "\(table.standardOutput)")
            #expect(table.standardOutput.contains("/usr/bin/python3 -m http.server 8089"))
            #expect(table.standardOutput.contains("⚡ Quick fix:"))
        }
    }

    @Test("a missing executable: 203/EXEC explained, the spawn failure's journal lines, the path")
    func missingExecutable() async throws {
        try await SystemdLab.with { lab in
            try await lab.installProjectUnits("aiops-lab-missing-exec.service")
            _ = try await lab.systemctl("start", "aiops-lab-missing-exec.service")
            try await waitFor(lab, "aiops-lab-missing-exec.service", state: "failed")

            let report = try await DiagnoseLab.diagnose(lab, "aiops-lab-missing-exec.service")
            let attempt = try #require(report["last_attempt"] as? [String: Any])
            let exit = try #require(attempt["exit"] as? [String: Any])
            #expect(exit["status"] as? Int == 203)
            #expect(exit["status_text"] as? String == "203/EXEC")
            #expect((exit["meaning"] as? String)?.contains("could not execute the program") == true)
            let journal = (attempt["journal"] as? [[String: Any]] ?? []).compactMap {
                $0["message"] as? String
            }
            #expect(
                journal.contains { $0.contains("Failed at step EXEC spawning /nonexistent/bin/daemon") },
                "\(journal)")
            let executable = try #require(DiagnoseLab.check(report, "executable"))
            #expect(executable["outcome"] as? String == "failed")
            #expect(
                executable["summary"] as? String
                    == "/nonexistent/bin/daemon: does not exist (/nonexistent is missing)")
            #expect((report["cause"] as? [String: Any])?["kind"] as? String == "executable")
            #expect(
                DiagnoseLab.check(report, "permissions")?["outcome"] as? String != "failed",
                "not reported twice")
        }
    }

    @Test("a failed dependency: named, though the unit itself shows inactive/success")
    func failedDependency() async throws {
        try await SystemdLab.with { lab in
            try await lab.installProjectUnits(
                "aiops-lab-broken-dependency.service", "aiops-lab-needs-broken.service")
            #expect(try await lab.systemctl("start", "aiops-lab-needs-broken.service").status != 0)
            #expect(try await lab.property("aiops-lab-needs-broken.service", "Result") == "success")

            let report = try await DiagnoseLab.diagnose(lab, "aiops-lab-needs-broken")
            #expect(report["active_state"] as? String == "inactive")
            #expect(report["failed"] as? Bool == true, "the journal says the start failed")
            let attempt = try #require(report["last_attempt"] as? [String: Any])
            #expect(attempt["job_result"] as? String == "dependency")
            let journal = (attempt["journal"] as? [[String: Any]] ?? []).compactMap {
                $0["message"] as? String
            }
            #expect(
                journal.first
                    == "Dependency failed for aiops-lab-needs-broken.service - aiops lab: needs a broken dependency.",
                "\(journal)")

            let dependencies = try #require(DiagnoseLab.check(report, "dependencies"))
            #expect(dependencies["outcome"] as? String == "failed")
            #expect(
                (dependencies["summary"] as? String)?.contains("aiops-lab-broken-dependency.service") == true)
            let broken = (report["dependencies"] as? [[String: Any]] ?? []).first {
                $0["unit"] as? String == "aiops-lab-broken-dependency.service"
            }
            #expect(broken?["active_state"] as? String == "failed")
            // Requires= and After= name it: one entry with both, blamed for the first.
            #expect(broken?["relations"] as? [String] == ["Requires", "After"])
            #expect(
                (report["dependencies"] as? [[String: Any]] ?? []).filter {
                    $0["unit"] as? String == "aiops-lab-broken-dependency.service"
                }.count == 1)
            #expect(
                (broken?["failure_lines"] as? [String] ?? []).contains {
                    $0.contains("status=3/NOTIMPLEMENTED")
                })
            #expect((report["cause"] as? [String: Any])?["kind"] as? String == "dependencies")
            #expect(
                report["quick_fix"] as? String
                    == "aiops diagnose start-failure --name aiops-lab-broken-dependency.service")
        }
    }

    @Test("a journal entry an unprivileged user forged with UNIT= does not steer the diagnosis")
    func forgedUnitEntry() async throws {
        try await SystemdLab.with { lab in
            try await lab.install(
                unit: "aiops-diag-holder.service",
                contents: "[Service]\nExecStart=/usr/bin/python3 -m http.server 8089\n")
            try await lab.install(
                unit: "aiops-diag-exit1.service", contents: "[Service]\nExecStart=/bin/false\n")
            #expect(try await lab.systemctl("start", "aiops-diag-holder.service").status == 0)
            _ = try await lab.systemctl("start", "aiops-diag-exit1.service")
            try await waitFor(lab, "aiops-diag-exit1.service", state: "failed")
            // nobody claims, in the unit's name, that its start failed on the holder's port.
            let forged =
                "printf 'UNIT=aiops-diag-exit1.service\\nMESSAGE=bind() to 0.0.0.0:8089 failed (98: Address already in use)\\n'"
                + " | setpriv --reuid=65534 --regid=65534 --clear-groups logger --journald"
            #expect(try await lab.run(["sh", "-c", forged]).status == 0)
            let arrived = try await lab.waitUntil {
                try await !lab.journal(["UNIT=aiops-diag-exit1.service", "_UID=65534"]).isEmpty
            }
            try #require(arrived, "the forged entry never reached the journal")

            let report = try await DiagnoseLab.diagnose(lab, "aiops-diag-exit1")
            #expect(DiagnoseLab.check(report, "port_conflict")?["outcome"] as? String != "failed")
            #expect(!((report["quick_fix"] as? String) ?? "").contains("aiops-diag-holder"))
            let attempt = try #require(report["last_attempt"] as? [String: Any])
            let journal = (attempt["journal"] as? [[String: Any]] ?? []).compactMap {
                $0["message"] as? String
            }
            #expect(!journal.contains { $0.contains("bind()") }, "\(journal)")
        }
    }

    @Test("a working directory User= cannot enter: 200/CHDIR, the directory's mode, chown as the fix")
    func permissionDenied() async throws {
        try await SystemdLab.with { lab in
            let directory = "/var/lib/aiops-diag-private"
            #expect(try await lab.run(["install", "-d", "-m", "0700", directory]).status == 0)
            try await lab.install(
                unit: "aiops-diag-private.service",
                contents: """
                    [Service]
                    User=nobody
                    WorkingDirectory=\(directory)
                    ExecStart=/bin/sleep 600
                    """)
            _ = try await lab.systemctl("start", "aiops-diag-private.service")
            try await waitFor(lab, "aiops-diag-private.service", state: "failed")

            let report = try await DiagnoseLab.diagnose(lab, "aiops-diag-private")
            #expect(report["user"] as? String == "nobody (65534)")
            let exit = try #require((report["last_attempt"] as? [String: Any])?["exit"] as? [String: Any])
            #expect(exit["status_text"] as? String == "200/CHDIR")
            let permissions = try #require(DiagnoseLab.check(report, "permissions"))
            #expect(permissions["outcome"] as? String == "failed")
            #expect(
                permissions["summary"] as? String
                    == "\(directory): nobody (65534) lacks read and execute/search permission on \(directory) "
                    + "(drwx------ 700, owner 0, group 0)")
            #expect(DiagnoseLab.check(report, "executable")?["outcome"] as? String == "passed")
            #expect((report["cause"] as? [String: Any])?["kind"] as? String == "permissions")
            #expect(
                report["quick_fix"] as? String
                    == "sudo chown nobody \(directory) && sudo systemctl start aiops-diag-private.service")
        }
    }

    @Test("a daemon's configuration its own checker rejects (dnsmasq --test), then accepts")
    func daemonConfiguration() async throws {
        try await SystemdLab.with { lab in
            let file = "/etc/aiops-diag/dnsmasq.conf"
            let onHost = "/proc/\(lab.leader)/root\(file)"
            try FileManager.default.createDirectory(
                atPath: "/proc/\(lab.leader)/root/etc/aiops-diag", withIntermediateDirectories: true)
            try "port=0\nno-such-option=1\n".write(toFile: onHost, atomically: false, encoding: .utf8)
            try await lab.install(
                unit: "aiops-diag-dns.service",
                contents: """
                    [Service]
                    ExecStart=/usr/sbin/dnsmasq -k -C \(file)
                    """)
            _ = try await lab.systemctl("start", "aiops-diag-dns.service")
            try await waitFor(lab, "aiops-diag-dns.service", state: "failed")

            let report = try await DiagnoseLab.diagnose(lab, "aiops-diag-dns")
            let configuration = try #require(DiagnoseLab.check(report, "configuration"))
            #expect(configuration["outcome"] as? String == "failed")
            #expect(
                configuration["summary"] as? String
                    == "/usr/sbin/dnsmasq --test -C \(file) reports errors in \(file)")
            #expect(
                (configuration["evidence"] as? [String] ?? []).contains {
                    $0.contains("bad option at line 2 of \(file)")
                }, "\(configuration)")
            #expect((report["cause"] as? [String: Any])?["kind"] as? String == "configuration")
            #expect(
                report["quick_fix"] as? String
                    == "sudo /usr/sbin/dnsmasq --test -C \(file) && sudo systemctl start aiops-diag-dns.service"
            )

            // Fixed: the same checker now passes.
            try "port=0\n".write(toFile: onHost, atomically: false, encoding: .utf8)
            let fixed = try await DiagnoseLab.diagnose(lab, "aiops-diag-dns")
            #expect(DiagnoseLab.check(fixed, "configuration")?["outcome"] as? String == "passed")
            #expect(
                (DiagnoseLab.check(fixed, "configuration")?["evidence"] as? [String] ?? []).contains {
                    $0 == "/usr/sbin/dnsmasq --test -C \(file): syntax OK (\(file))"
                })
        }
    }

    @Test("a unit file systemd cannot load (bad-setting): a configuration failure, not 'nothing failed'")
    func badUnitFile() async throws {
        try await SystemdLab.with { lab in
            try await lab.install(
                unit: "aiops-diag-badsetting.service",
                contents: """
                    [Service]
                    ExecStart=relative/daemon
                    """)
            #expect(try await lab.systemctl("start", "aiops-diag-badsetting.service").status != 0)
            let report = try await DiagnoseLab.diagnose(lab, "aiops-diag-badsetting")
            #expect(report["load_state"] as? String == "bad-setting")
            #expect(report["failed"] as? Bool == true)
            let configuration = try #require(DiagnoseLab.check(report, "configuration"))
            #expect(configuration["outcome"] as? String == "failed")
            #expect(
                (configuration["evidence"] as? [String] ?? []).contains { $0.contains("relative/daemon") },
                "\(configuration)")
            #expect((report["cause"] as? [String: Any])?["kind"] as? String == "configuration")
        }
    }

    @Test("hostile output is escaped; an unknown unit exits 66")
    func hostileOutputAndUnknownUnit() async throws {
        try await SystemdLab.with { lab in
            try await lab.install(
                unit: "aiops-diag-hostile.service",
                contents: """
                    [Service]
                    ExecStart=/bin/sh -c 'printf "\\\\033[2J\\\\033]0;owned\\\\007 bind() to 0.0.0.0:8090 failed (98: Address already in use)\\\\n"; exit 1'
                    """)
            _ = try await lab.systemctl("start", "aiops-diag-hostile.service")
            try await waitFor(lab, "aiops-diag-hostile.service", state: "failed")
            let table = try await lab.aiops(["diagnose", "start-failure", "--name", "aiops-diag-hostile"])
            #expect(table.status == 0)
            #expect(!table.standardOutput.contains("\u{1B}"), "no escape sequence reaches the terminal")
            #expect(!table.standardOutput.contains("\u{07}"))
            #expect(table.standardOutput.contains("\\e[2J"), "\(table.standardOutput)")
            let report = try await DiagnoseLab.diagnose(lab, "aiops-diag-hostile")
            #expect((report["port_conflicts"] as? [[String: Any]])?.first?["port"] as? Int == 8090)

            let unknown = try await lab.aiops(["diagnose", "start-failure", "--name", "aiops-no-such-unit"])
            #expect(unknown.status == 66)
            #expect(unknown.standardError.contains("no unit named aiops-no-such-unit.service"))
        }
    }
}
