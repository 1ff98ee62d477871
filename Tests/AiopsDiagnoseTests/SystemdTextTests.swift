import AiopsCore
import XCTest

@testable import AiopsDiagnose

/// `systemctl show` and `journalctl -o json` text, as systemd 252 printed it in the lab.
final class SystemdTextTests: XCTestCase {
    let show = """
        Type=simple
        Result=exit-code
        ExecMainStartTimestamp=Wed 2026-11-25 05:57:34.694873 UTC
        ExecMainExitTimestamp=n/a
        ExecMainCode=1
        ExecMainStatus=203
        ExecStartPre={ path=/bin/echo ; argv[]=/bin/echo x y ; z ; ignore_errors=yes ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }
        ExecStart={ path=/nonexistent/bin/daemon ; argv[]=/nonexistent/bin/daemon --port 99 two words ; ignore_errors=no ; start_time=[Wed 2026-11-25 05:57:34.722623 UTC] ; stop_time=[Wed 2026-11-25 05:57:34.726156 UTC] ; pid=64 ; code=exited ; status=203 }
        Requires=sysinit.target system.slice
        User=
        Id=missing.service
        """

    func testShowProperties() {
        let properties = UnitProperties.parse(Array(show.utf8))
        XCTAssertEqual(properties.id, "missing.service")
        XCTAssertEqual(properties.result, "exit-code")
        XCTAssertNil(properties.text("User"), "an empty value is no value")
        XCTAssertEqual(properties.list("Requires"), ["sysinit.target", "system.slice"])
        XCTAssertEqual(properties.integer("ExecMainStatus"), 203)
        XCTAssertEqual(properties.timestamp("ExecMainStartTimestamp"), 1_795_586_254_694_873)
        XCTAssertNil(properties.timestamp("ExecMainExitTimestamp"))
    }

    func testExecCommands() {
        let properties = UnitProperties.parse(Array(show.utf8))
        let start = properties.commands("ExecStart")
        XCTAssertEqual(start.first?.path, "/nonexistent/bin/daemon")
        XCTAssertEqual(start.first?.words, ["/nonexistent/bin/daemon", "--port", "99", "two", "words"])
        XCTAssertEqual(start.first?.programName, "daemon")
        XCTAssertEqual(start.first?.ignoresErrors, false)
        let pre = properties.commands("ExecStartPre")
        XCTAssertEqual(
            pre.first?.words, ["/bin/echo", "x", "y", ";", "z"], "\" ; \" inside argv stays in argv")
        XCTAssertEqual(pre.first?.ignoresErrors, true)
    }

    func testSeveralUnits() {
        let text = "Id=a.service\nActiveState=failed\n\nId=b.service\nActiveState=active\n"
        let units = UnitProperties.parseMany(Array(text.utf8))
        XCTAssertEqual(units.map(\.id), ["a.service", "b.service"])
        XCTAssertEqual(units.map(\.activeState), ["failed", "active"])
    }

    func testTimestamps() {
        XCTAssertEqual(SystemdTimestamp.parseMicroseconds("Thu 1970-01-01 00:00:01 UTC"), 1_000_000)
        XCTAssertEqual(SystemdTimestamp.parseMicroseconds("2000-03-01 00:00:00.5 UTC"), 951_868_800_500_000)
        XCTAssertNil(SystemdTimestamp.parseMicroseconds("n/a"))
        XCTAssertNil(SystemdTimestamp.parseMicroseconds("Wed 2026-11-25 05:57:34 CET"))
    }

    func testJournalValueShapes() throws {
        let line = #"""
            {"MESSAGE":"caf\u00e9 \ud83d\ude00 \"q\" \n","_PID":"62","BIN":[27,91,50,74,255],"BIG":null,"TWICE":["a",[98]],"__REALTIME_TIMESTAMP":"1795586254828381"}
            """#
        let entry = try XCTUnwrap(JournalEntry.parse(Array(line.utf8)))
        XCTAssertEqual(entry.message.lossyString, "café 😀 \"q\" \n")
        XCTAssertEqual(entry.pid, 62)
        XCTAssertEqual(entry.first("BIN")?.bytes, [27, 91, 50, 74, 255])
        XCTAssertEqual(
            entry.first("BIN")?.terminalSafe, "\\e[2J\\xff", "escape sequences never reach the terminal")
        XCTAssertEqual(entry.fields["BIG"]?.count, 0)
        XCTAssertEqual(entry.fields["TWICE"]?.map(\.lossyString), ["a", "b"])
        XCTAssertEqual(entry.realtimeMicroseconds, 1_795_586_254_828_381)
    }

    func testMalformedJournalLinesAreSkipped() {
        let text = "{\"MESSAGE\":\"ok\"}\nnot json\n{\"MESSAGE\":\"unterminated}\n{\"MESSAGE\":[1,999]}\n"
        XCTAssertEqual(JournalEntry.parseLines(Array(text.utf8)).map(\.message.lossyString), ["ok"])
    }

    func testExitRecordNames() {
        XCTAssertEqual(ExitRecord(code: "exited", status: 203).statusText, "203/EXEC")
        XCTAssertTrue(ExitRecord(code: "exited", status: 203).meaning.contains("could not execute"))
        XCTAssertEqual(ExitRecord(code: "exited", status: 1).statusText, "1/FAILURE")
        XCTAssertEqual(ExitRecord(code: "exited", status: 42).statusText, "42/n/a")
        XCTAssertEqual(ExitRecord(code: "dumped", status: 11).statusText, "11/SEGV")
        XCTAssertEqual(ExitRecord(code: "dumped", status: 11).meaning, "killed by SIGSEGV (core dumped)")
        XCTAssertEqual(SystemdExitStatus.name(200), "CHDIR")
        XCTAssertEqual(SystemdExitStatus.name(226), "NAMESPACE")
    }
}
