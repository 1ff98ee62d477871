import AiopsCore
import AiopsSystemd
import AiopsTestSupport
import Foundation
import Testing

/// The readers against a real systemd: the lab's journal files are read from the host with
/// `journalctl -D` while the container writes them.
@Suite("journal reader against real systemd")
struct LiveJournalTests {
    @Test("JournalReader streams a crash loop's events exactly as systemd logged them")
    func crashLoopJournal() async throws {
        try await SystemdLab.with { lab in
            try await lab.installProjectUnits("aiops-lab-crashloop.service")
            #expect(try await lab.systemctl("start", "aiops-lab-crashloop.service").status == 0)
            let unit = "aiops-lab-crashloop.service"
            // Two automatic restarts (each crash is 0.3 s after start, then RestartSec=1).
            let looped = try await lab.waitUntil {
                (Int(try await lab.property(unit, "NRestarts")) ?? 0) >= 2
            }
            #expect(looped)
            #expect(try await lab.systemctl("stop", unit).status == 0)

            let machineID = try String(contentsOfFile: lab.stateDirectory + "/machine-id", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let reader = JournalReader(directory: lab.stateDirectory + "/journal/" + machineID)
            let decoder = ServiceEventDecoder(unit: unit)
            var events: [ServiceEvent] = []
            var statistics = JournalReader.Statistics()
            // journald may still be flushing the last entries: wait for the final "Stopped".
            let complete = await lab.waitUntil {
                events = []
                statistics =
                    (try? reader.read(.init(unit: unit)) { entry in
                        if let event = decoder.decode(entry) { events.append(event) }
                    }) ?? statistics
                return events.last?.kind == .stopped(jobType: "stop")
            }
            #expect(complete)
            #expect(statistics.malformed == 0)
            let oracle = try await lab.journal(["UNIT=\(unit)"]).filter {
                $0["MESSAGE_ID"] as? String == "98e322203f7a4ed290d09fe03c09fe15"
            }
            let exits = events.filter {
                if case .processExited = $0.kind { return true } else { return false }
            }
            #expect(exits.count == oracle.count)
            #expect(exits.count >= 2)
            #expect(
                exits.allSatisfy {
                    $0.kind == .processExited(.init(code: .dumped, status: 11, command: "ExecStart"))
                })
            let oracleTimes = oracle.compactMap {
                ($0["__REALTIME_TIMESTAMP"] as? String).flatMap(Int64.init)
            }
            #expect(exits.map(\.time) == oracleTimes)
        }
    }

    @Test("the host is told apart from a systemd machine")
    func hostDetection() async throws {
        let pid1 = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/1/exe")) ?? ""
        #expect(SystemdHost().isSystemdPID1 == pid1.hasSuffix("/systemd"))
        try await SystemdLab.with { lab in
            let inside = SystemdHost(root: "/proc/\(lab.leader)/root")
            #expect(inside.isSystemdPID1)
            #expect(inside.hasJournal)
            #expect(inside.initName == "systemd")
        }
    }
}
