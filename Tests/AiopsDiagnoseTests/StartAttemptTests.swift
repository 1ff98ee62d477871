import AiopsSystemd
import XCTest

@testable import AiopsDiagnose

/// Slicing the last start attempt out of a unit's journal.
final class StartAttemptTests: XCTestCase {
    private func entry(_ message: String, _ fields: [String: String] = [:], time: Int) -> JournalEntry {
        var all = fields
        all["MESSAGE"] = message
        all["__REALTIME_TIMESTAMP"] = String(time)
        return JournalEntry(fields: all.mapValues { [.bytes(Array($0.utf8))] })
    }

    func testTheLastInvocationWithEntriesThatLackTheUnit() throws {
        let entries = [
            entry("Started web.service.", ["INVOCATION_ID": "one"], time: 1),
            entry("old failure", ["_SYSTEMD_INVOCATION_ID": "one"], time: 2),
            entry(
                "Started web.service.",
                ["INVOCATION_ID": "two", "MESSAGE_ID": StartAttempt.jobDoneMessageID], time: 3),
            // A spawn failure journald could not attribute: no _SYSTEMD_UNIT, no invocation id.
            entry(
                "web.service: Failed at step EXEC spawning /x: No such file or directory",
                ["MESSAGE_ID": StartAttempt.spawnFailedMessageID, "ERRNO": "2"], time: 4),
            entry(
                "web.service: Main process exited, code=exited, status=203/EXEC",
                [
                    "INVOCATION_ID": "two", "MESSAGE_ID": StartAttempt.exitMessageID, "EXIT_CODE": "exited",
                    "EXIT_STATUS": "203",
                ],
                time: 5),
            entry(
                "web.service: Failed with result 'exit-code'.",
                [
                    "INVOCATION_ID": "two", "MESSAGE_ID": StartAttempt.resultMessageID,
                    "UNIT_RESULT": "exit-code",
                ], time: 6),
        ]
        let attempt = try XCTUnwrap(StartAttempt.last(in: entries))
        XCTAssertEqual(attempt.entries.count, 4)
        XCTAssertEqual(attempt.startedMicroseconds, 3)
        XCTAssertEqual(attempt.invocationID, "two")
        XCTAssertEqual(attempt.exit, UnitExitStatus(code: "exited", status: 203))
        XCTAssertEqual(attempt.result, "exit-code")
        XCTAssertEqual(attempt.spawnFailures.count, 1)
    }

    func testACancelledStartAfterAnEarlierRun() throws {
        let entries = [
            entry(
                "Started parent.service.",
                ["INVOCATION_ID": "one", "JOB_TYPE": "start", "JOB_RESULT": "done"], time: 1),
            entry("Stopped parent.service.", ["INVOCATION_ID": "one"], time: 2),
            entry(
                "Dependency failed for parent.service.",
                [
                    "INVOCATION_ID": "", "MESSAGE_ID": StartAttempt.jobDoneMessageID, "JOB_TYPE": "start",
                    "JOB_RESULT": "dependency",
                ],
                time: 3),
            entry(
                "parent.service: Job parent.service/start failed with result 'dependency'.",
                ["JOB_TYPE": "start", "JOB_RESULT": "dependency"], time: 4),
        ]
        let attempt = try XCTUnwrap(StartAttempt.last(in: entries))
        XCTAssertEqual(attempt.entries.map(\.realtimeMicroseconds), [3, 4])
        XCTAssertEqual(attempt.jobResult, "dependency")
        XCTAssertEqual(attempt.dependencyFailedEntries.count, 1)
        XCTAssertNil(attempt.exit)
    }

    func testAUnitThatNeverRan() throws {
        let entries = [
            entry(
                "Dependency failed for parent.service.",
                [
                    "INVOCATION_ID": "", "MESSAGE_ID": StartAttempt.jobDoneMessageID, "JOB_TYPE": "start",
                    "JOB_RESULT": "dependency",
                ],
                time: 7),
            entry(
                "parent.service: Job parent.service/start failed with result 'dependency'.",
                ["JOB_TYPE": "start", "JOB_RESULT": "dependency"], time: 8),
        ]
        let attempt = try XCTUnwrap(StartAttempt.last(in: entries))
        XCTAssertEqual(
            attempt.entries.map(\.realtimeMicroseconds), [7, 8], "both lines of the cancelled start")
        XCTAssertEqual(attempt.dependencyFailedEntries.count, 1)
    }

    func testControlProcessAndNoJournal() throws {
        XCTAssertNil(StartAttempt.last(in: []))
        let entries = [
            entry(
                "nginx.service: Control process exited, code=exited, status=1/FAILURE",
                [
                    "INVOCATION_ID": "x", "MESSAGE_ID": StartAttempt.exitMessageID, "EXIT_CODE": "exited",
                    "EXIT_STATUS": "1",
                ],
                time: 1)
        ]
        XCTAssertEqual(StartAttempt.last(in: entries)?.exit?.controlProcess, true)
    }
}
