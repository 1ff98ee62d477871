import AiopsCore
import AiopsSystemd
import AiopsTestSupport
import Foundation
import Testing

@Suite("service events from real systemd journal entries")
struct ServiceEventDecoderTests {
    @Test("crash loop: start, dumped SIGSEGV, core-dump result, scheduled restart, stopped (restart)")
    func crashLoop() throws {
        let events = try JournalFixtures.events(
            "journal-crashloop.jsonl", unit: "aiops-lab-crashloop.service")
        let kinds = events.map(\.kind)
        #expect(
            Array(kinds.prefix(6)) == [
                .started, .processExited(.init(code: .dumped, status: 11, command: "ExecStart")),
                .failed(result: "core-dump"), .restartScheduled(counter: 1), .stopped(jobType: "restart"),
                .started,
            ])
        #expect(kinds.filter { $0 == .started }.count == 3)
        #expect(kinds.last == .stopped(jobType: "stop"))
        // Each run has its own invocation id, carried by every event of the run.
        #expect(Set(events.compactMap(\.invocationID)).count == 3)
        #expect(events.allSatisfy { $0.invocationID != nil })
    }

    @Test("manual restart: stopping, deactivated, stopped (restart), started; no scheduled restart")
    func manualRestart() throws {
        let kinds = try JournalFixtures.events("journal-steady.jsonl", unit: "aiops-lab-steady.service").map(
            \.kind)
        #expect(
            Array(kinds.prefix(5)) == [
                .started, .stopping, .deactivated, .stopped(jobType: "restart"), .started,
            ])
        #expect(!kinds.contains { if case .restartScheduled = $0 { return true } else { return false } })
    }

    @Test("start limit: the unworded message is recognised, then the failed start job")
    func startLimit() throws {
        let kinds = try JournalFixtures.events(
            "journal-startlimit.jsonl", unit: "aiops-lab-startlimit.service"
        )
        .map(\.kind)
        #expect(
            Array(kinds.suffix(3)) == [
                .startLimitHit, .failed(result: "core-dump"), .startJobFailed(result: "failed"),
            ])
        #expect(
            kinds.filter { if case .restartScheduled = $0 { return true } else { return false } }.count == 5)
    }

    @Test("missing executable: spawn failure with ERRNO, then 203/EXEC")
    func missingExecutable() throws {
        let kinds = try JournalFixtures.events(
            "journal-missing-exec.jsonl", unit: "aiops-lab-missing-exec.service"
        )
        .map(\.kind)
        #expect(kinds.contains(.spawnFailed(errno: 2)))
        #expect(kinds.contains(.processExited(.init(code: .exited, status: 203, command: "ExecStart"))))
        #expect(kinds.last == .failed(result: "exit-code"))
    }

    @Test("failed dependency: a start job with result 'dependency'")
    func dependency() throws {
        let kinds = try JournalFixtures.events(
            "journal-needs-broken.jsonl", unit: "aiops-lab-needs-broken.service"
        )
        .map(\.kind)
        #expect(kinds == [.startJobFailed(result: "dependency")])
    }

    @Test("spawn-failure entries without _SYSTEMD_UNIT still count, when root sent them")
    func spawnFailureWithoutSystemdUnit() throws {
        var entry = try #require(
            try JournalFixtures.entries("journal-missing-exec.jsonl").first {
                $0.messageID == "641257651c1b4ec9a8624d7a40a9e1e7"
            })
        entry.fields["_SYSTEMD_UNIT"] = nil
        let decoder = ServiceEventDecoder(unit: "aiops-lab-missing-exec.service")
        #expect(decoder.decode(entry)?.kind == .spawnFailed(errno: 2))
    }

    @Test("an unprivileged process naming the unit in UNIT= is ignored")
    func forgedUnitField() throws {
        var entry = try #require(try JournalFixtures.entries("journal-crashloop.jsonl").first)
        let decoder = ServiceEventDecoder(unit: "aiops-lab-crashloop.service")
        #expect(decoder.decode(entry)?.kind == .started)
        entry.fields["_UID"] = [.bytes(Array("1000".utf8))]
        entry.fields["_PID"] = [.bytes(Array("4242".utf8))]
        #expect(decoder.decode(entry) == nil)
        // PID 1's word is needed for lifecycle messages even from root.
        entry.fields["_UID"] = [.bytes(Array("0".utf8))]
        #expect(decoder.decode(entry) == nil)
    }
}

@Suite("core-dump and spawn-failure entries: trusted by their sender, not by their MESSAGE_ID")
struct SenderTrustTests {
    /// The fields systemd-coredump writes (systemd 252), with the sender's credentials as given.
    private func coredump(uid: Int, systemdUnit: String) throws -> JournalEntry {
        let line =
            #"{"__REALTIME_TIMESTAMP":"1700000000000000","_PID":"4321","_UID":"\#(uid)","#
            + #""_SYSTEMD_UNIT":"\#(systemdUnit)","_COMM":"systemd-coredum","#
            + #""MESSAGE_ID":"fc2e22bc6ee647b6b90729ab34a250b1","COREDUMP_UNIT":"db.service","#
            + #""COREDUMP_PID":"777","COREDUMP_SIGNAL":"11","COREDUMP_EXE":"/usr/sbin/db","#
            + #""MESSAGE":"Process 777 (db) of user 998 dumped core."}"#
        return try #require(JournalJSON.parse(Array(line.utf8)[...]))
    }

    @Test("systemd-coredump logs as the crashed process's user: its cgroup, not its uid, is the proof")
    func coredumpAfterDroppingPrivileges() throws {
        let decoder = ServiceEventDecoder(unit: "db.service")
        let real = try coredump(uid: 998, systemdUnit: "systemd-coredump@0-4321-0.service")
        #expect(decoder.decode(real)?.kind == .coreDumped(signal: 11, pid: 777, executable: "/usr/sbin/db"))
        // The service writing the same fields into its own log is not a core dump.
        #expect(decoder.decode(try coredump(uid: 998, systemdUnit: "db.service")) == nil)
        #expect(decoder.decode(try coredump(uid: 1000, systemdUnit: "user@1000.service")) == nil)
    }

    @Test("a spawn failure written by the service itself, not as root, is ignored")
    func forgedSpawnFailure() throws {
        var entry = try #require(
            try JournalFixtures.entries("journal-missing-exec.jsonl").first {
                $0.messageID == "641257651c1b4ec9a8624d7a40a9e1e7"
            })
        let decoder = ServiceEventDecoder(unit: "aiops-lab-missing-exec.service")
        entry.fields["_SYSTEMD_UNIT"] = [.bytes(Array("aiops-lab-missing-exec.service".utf8))]
        #expect(decoder.decode(entry)?.kind == .spawnFailed(errno: 2))
        entry.fields["_UID"] = [.bytes(Array("65534".utf8))]
        #expect(decoder.decode(entry) == nil)
    }
}

@Suite("systemctl kill's line, and the journal's oldest entry read without reading the rest")
struct KillLineAndOldestEntryTests {
    @Test("systemctl kill's unworded line from PID 1 is the signal it sent; from anyone else nothing")
    func signalSent() throws {
        func entry(_ pid: Int, _ message: String) throws -> JournalEntry {
            let line =
                #"{"__REALTIME_TIMESTAMP":"5","_PID":"\#(pid)","_UID":"0","UNIT":"x.service","MESSAGE":"\#(message)"}"#
            return try #require(JournalJSON.parse(Array(line.utf8)[...]))
        }
        let decoder = ServiceEventDecoder(unit: "x.service")
        let sent = "x.service: Sent signal SIGTERM to main process 77 (sleep) on client request."
        #expect(decoder.decode(try entry(1, sent))?.kind == .signalSent(signal: 15))
        #expect(decoder.decode(try entry(4242, sent)) == nil)
        let control = "x.service: Sent signal SIGTERM to control process 78 (sh) on client request."
        #expect(decoder.decode(try entry(1, control)) == nil)
    }

    @Test("journalctl is stopped after the first entry: an endless journal still answers")
    func stopsAfterFirstEntry() throws {
        let directory = TemporaryDirectory()
        let fake = directory.path + "/journalctl"
        // Prints the oldest entry, then entries forever: only stopping early lets this return.
        try #"""
        #!/bin/sh
        echo '{"__REALTIME_TIMESTAMP":"1700000000123456","__CURSOR":"s=1"}'
        while :; do echo '{"__REALTIME_TIMESTAMP":"1800000000000000","__CURSOR":"s=2"}'; done
        """#.write(toFile: fake, atomically: true, encoding: .utf8)
        chmod(fake, 0o755)
        let reader = JournalReader(journalctl: fake, runner: ProgramRunner(timeoutSeconds: 20))
        #expect(try reader.oldestEntryMicroseconds() == 1_700_000_000_123_456)

        try "#!/bin/sh\n".write(toFile: fake, atomically: true, encoding: .utf8)
        chmod(fake, 0o755)  // an atomic write is a new file
        #expect(try reader.oldestEntryMicroseconds() == nil, "an empty journal has no oldest entry")
    }
}
