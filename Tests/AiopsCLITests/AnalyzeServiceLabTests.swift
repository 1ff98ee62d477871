import AiopsTestSupport
import Foundation
import Testing

/// `aiops analyze service` against a real systemd (the lab): every fact is checked against what
/// systemd itself says through `systemctl show` and its journal (AC2).
@Suite("analyze service against real systemd")
struct AnalyzeServiceLabTests {
    static func object(_ result: CommandResult) throws -> [String: Any] {
        let data = Data(result.standardOutput.utf8)
        return try #require(
            try JSONSerialization.jsonObject(with: data) as? [String: Any],
            "not one JSON object: \(result.standardOutput) \(result.standardError)")
    }

    /// RFC 3339 with microseconds → Unix microseconds, via systemd's own us+utc rendering.
    static func microseconds(rfc3339 text: String) -> Int64? {
        let parts = text.dropLast().split(separator: "T")
        guard parts.count == 2 else { return nil }
        return systemdMicroseconds("x \(parts[0]) \(parts[1]) UTC")
    }

    static func systemdMicroseconds(_ text: String) -> Int64? {
        let fields = text.split(separator: " ")
        guard fields.count == 4 else { return nil }
        var parts = tm()
        let date = fields[1].split(separator: "-").compactMap { Int32($0) }
        let clock = fields[2].split(separator: ":")
        guard date.count == 3, clock.count == 3 else { return nil }
        parts.tm_year = date[0] - 1900
        parts.tm_mon = date[1] - 1
        parts.tm_mday = date[2]
        parts.tm_hour = Int32(clock[0]) ?? 0
        parts.tm_min = Int32(clock[1]) ?? 0
        let seconds = clock[2].split(separator: ".")
        parts.tm_sec = Int32(seconds[0]) ?? 0
        let fraction =
            seconds.count > 1 ? Int64(seconds[1].padding(toLength: 6, withPad: "0", startingAt: 0)) ?? 0 : 0
        return Int64(timegm(&parts)) * 1_000_000 + fraction
    }

    /// The unit's processes as the kernel lists them, from the unit's cgroup in whichever
    /// hierarchy systemd manages: unified (v2) or its named v1 hierarchy.
    static func cgroupMembers(_ lab: SystemdLab, _ unit: String) async throws -> [Int] {
        let group = try await lab.property(unit, "ControlGroup")
        let script =
            #"cat "/sys/fs/cgroup/systemd$1/cgroup.procs" 2>/dev/null || cat "/sys/fs/cgroup$1/cgroup.procs""#
        return try await lab.run(["sh", "-c", script, "sh", group]).outputLines.compactMap { Int($0) }
            .sorted()
    }

    @Test(
        "a running service after a manual restart: state, main PID, start times and events agree with systemd"
    )
    func runningService() async throws {
        try await SystemdLab.with { lab in
            let unit = "aiops-lab-steady.service"
            try await lab.installProjectUnits(unit)
            #expect(try await lab.systemctl("start", unit).status == 0)
            #expect(try await lab.systemctl("restart", unit).status == 0)
            // The child of the shell must be there too before the cgroup is read.
            let both = try await lab.waitUntil {
                try await Self.cgroupMembers(lab, unit).count == 2
            }
            #expect(both)

            let result = try await lab.aiops(["analyze", "service", "--name", "aiops-lab-steady", "--json"])
            #expect(result.status == 0, "\(result.standardError)")
            let json = try Self.object(result)
            #expect(json["schema"] as? String == "aiops.analyze.service/1")
            #expect(json["unit"] as? String == unit)
            #expect(json["active_state"] as? String == (try await lab.property(unit, "ActiveState")))
            #expect(json["sub_state"] as? String == (try await lab.property(unit, "SubState")))
            let main = try #require(json["main_process"] as? [String: Any])
            #expect("\(main["pid"] ?? "")" == (try await lab.property(unit, "MainPID")))
            #expect(main["argv"] as? [String] == ["sleep", "86401"])

            // Start times: systemd's own microseconds, so the difference is exactly zero (AC2: < 1 s).
            let mainStart = try #require(
                Self.systemdMicroseconds(try await lab.property(unit, "ExecMainStartTimestamp")))
            let activeSince = try #require(
                Self.systemdMicroseconds(try await lab.property(unit, "ActiveEnterTimestamp")))
            #expect(Self.microseconds(rfc3339: main["started_at"] as? String ?? "") == mainStart)
            #expect(Self.microseconds(rfc3339: json["active_since"] as? String ?? "") == activeSince)
            let uptime = try #require(json["uptime_s"] as? Double)
            #expect(uptime >= 0 && uptime < 120)

            // Every process of the cgroup, as the kernel lists it.
            let members = try await Self.cgroupMembers(lab, unit)
            let processes = try #require(json["processes"] as? [[String: Any]])
            #expect(processes.compactMap { $0["pid"] as? Int }.sorted() == members)

            let memory = try #require(json["memory"] as? [String: Any])
            #expect(memory["max_bytes"] as? Int == 256 * 1024 * 1024)
            #expect(memory["high_bytes"] as? Int == 200 * 1024 * 1024)
            let table = try await lab.aiops(["analyze", "service", "--name", "aiops-lab-steady"])
            // The panel wraps long rows: compare the words, not the lines.
            let words = table.standardOutput.split(whereSeparator: { " \n│".contains($0) }).joined(
                separator: " ")
            #expect(words.contains("of MemoryMax=256.0 MiB (1"))
            #expect(words.contains("; MemoryHigh=200.0 MiB"))
            let commands = try #require(json["exec_start_commands"] as? [[String: Any]])
            #expect(commands.count == 1)
            #expect(commands.first?["path"] as? String == "/bin/sh")
            #expect(
                commands.first?["argv"] as? [String] == [
                    "/bin/sh", "-c", "sleep", "86400", "&", "exec", "sleep", "86401",
                ])
            let detail = try await lab.aiops(["analyze", "service", "--name", "aiops-lab-steady", "--detail"])
            #expect(detail.standardOutput.contains("ExecStart     /bin/sh -c sleep 86400 & exec sleep 86401"))
            #expect(!detail.standardOutput.contains("argv[]="))
            let tasks = try #require(json["tasks"] as? [String: Any])
            #expect(tasks["max"] as? Int == 64)
            let policy = try #require(json["restart_policy"] as? [String: Any])
            #expect(policy["restart"] as? String == "on-failure")
            #expect(policy["restart_delay_s"] as? Double == 2)
            #expect(json["unit_file"] as? String == "/etc/systemd/system/\(unit)")

            // The events are the journal's, at the journal's times.
            let events = try #require(json["events"] as? [[String: Any]])
            #expect(
                events.map { $0["kind"] as? String ?? "" } == [
                    "started", "stopping", "deactivated", "stopped", "started",
                ])
            let oracle = try await lab.journal(["UNIT=\(unit)"]).compactMap {
                ($0["__REALTIME_TIMESTAMP"] as? String).flatMap { Int64($0) }
            }
            let times = events.compactMap { Self.microseconds(rfc3339: $0["time"] as? String ?? "") }
            #expect(times == oracle)
            let last = try #require(events.last)
            #expect(last["invocation_id"] as? String == (try await lab.property(unit, "InvocationID")))
        }
    }

    @Test("a failed service: state, result, the 203/EXEC exit and the spawn failure")
    func failedService() async throws {
        try await SystemdLab.with { lab in
            let unit = "aiops-lab-missing-exec.service"
            try await lab.installProjectUnits(unit)
            _ = try await lab.systemctl("start", unit)
            let failed = try await lab.waitUntil {
                try await lab.property(unit, "ActiveState") == "failed"
            }
            #expect(failed)
            let json = try Self.object(try await lab.aiops(["analyze", "service", "--name", unit, "--json"]))
            #expect(json["active_state"] as? String == "failed")
            #expect(json["result"] as? String == "exit-code")
            #expect(json["main_process"] is NSNull)
            let exit = try #require(json["last_exit"] as? [String: Any])
            #expect(exit["code"] as? String == "exited")
            #expect(exit["status"] as? Int == 203)
            #expect(exit["meaning"] as? String == "systemd: failed at step EXEC")
            let kinds = (json["events"] as? [[String: Any]] ?? []).map { $0["kind"] as? String ?? "" }
            #expect(kinds.contains("spawn_failed"))
            #expect(kinds.suffix(2) == ["process_exited", "failed"])

            let table = try await lab.aiops(["analyze", "service", "--name", unit])
            #expect(table.status == 0)
            #expect(table.standardOutput.contains("failed (failed), result exit-code"))
            #expect(table.standardOutput.contains("exited 203 (systemd: failed at step EXEC)"))
        }
    }

    @Test(
        "a service that logs hundreds of lines keeps its lifecycle events (they are read from systemd's own lines)"
    )
    func chattyService() async throws {
        try await SystemdLab.with { lab in
            let unit = "aiops-lab-chatty.service"
            try await lab.install(
                unit: unit,
                contents: """
                    [Service]
                    ExecStart=/bin/sh -c 'i=0; while [ $i -lt 400 ]; do echo line $i; i=$((i+1)); done; exec sleep 600'
                    """)
            #expect(try await lab.systemctl("start", unit).status == 0)
            #expect(try await lab.systemctl("restart", unit).status == 0)
            let chatted = try await lab.waitUntil {
                try await lab.journal(["_SYSTEMD_UNIT=\(unit)", "MESSAGE=line 399"]).count == 2
            }
            try #require(chatted, "both runs logged their 400 lines")
            let started = try await lab.journal([
                "UNIT=\(unit)", "MESSAGE_ID=39f53479d3a045ac8e11786248231fbf",
            ])
            .compactMap { ($0["__REALTIME_TIMESTAMP"] as? String).flatMap { Int64($0) } }
            try #require(started.count == 2)

            let json = try Self.object(try await lab.aiops(["analyze", "service", "--name", unit, "--json"]))
            let events = try #require(json["events"] as? [[String: Any]])
            let startTimes = events.filter { $0["kind"] as? String == "started" }.compactMap {
                ($0["time"] as? String).flatMap(Self.microseconds(rfc3339:))
            }
            #expect(startTimes == started, "\(events)")
            #expect(events.contains { $0["kind"] as? String == "stopping" })
        }
    }

    @Test("journal bytes are escaped: no raw escape sequence reaches the terminal, JSON stays valid")
    func hostileJournal() async throws {
        try await SystemdLab.with { lab in
            let unit = "aiops-lab-hostile-output.service"
            try await lab.installProjectUnits(unit)
            #expect(try await lab.systemctl("start", unit).status == 0)
            let logged = try await lab.waitUntil {
                try await lab.journal(["_SYSTEMD_UNIT=\(unit)"]).contains { $0["MESSAGE"] is [Any] }
            }
            #expect(logged, "the hostile line is in the journal as bytes")
            let table = try await lab.aiops(["analyze", "service", "--name", unit])
            #expect(table.status == 0)
            #expect(!table.standardOutput.contains("\u{1b}"))
            #expect(!table.standardOutput.contains("\u{07}"))
            #expect(table.standardOutput.contains("\\e[31mred\\e[0m \\xff bell\\x07"))
            let json = try Self.object(try await lab.aiops(["analyze", "service", "--name", unit, "--json"]))
            let tail = (json["journal_tail"] as? [[String: Any]] ?? []).compactMap {
                $0["message"] as? String
            }
            #expect(tail.contains("\u{1b}[31mred\u{1b}[0m \u{FFFD} bell\u{07}"))
        }
    }

    @Test("bad input inside a systemd machine: a malformed name exits 2, an unknown unit 66")
    func badInput() async throws {
        try await SystemdLab.with { lab in
            let malformed = try await lab.aiops(["analyze", "service", "--name", "nginx; rm -rf /"])
            #expect(malformed.status == 2)
            #expect(malformed.standardError.contains("cannot contain"))
            let unknown = try await lab.aiops(["analyze", "service", "--name", "aiops-no-such-unit"])
            #expect(unknown.status == 66)
            #expect(unknown.standardError.contains("no unit aiops-no-such-unit.service"))
        }
    }

    @Test("where PID 1 is not systemd, it says so and exits 69")
    func notSystemdHost() async throws {
        let result = try runAiopsWithoutSystemd(["analyze", "service", "--name", "nginx"])
        #expect(result.status == 69)
        #expect(result.standardError.contains("does not run systemd as init"))
        #expect(result.standardOutput.isEmpty)
    }
}
