import AiopsCore
import AiopsSystemd
import XCTest

@testable import AiopsDiagnose

/// `systemctl show` Exec*= text as systemd 252 printed it in the lab, and exit status names.
final class SystemdTextTests: XCTestCase {
    let show = """
        Type=simple
        Result=exit-code
        ExecMainStartTimestamp=Wed 2026-11-25 05:57:34.694873 UTC
        ExecMainExitTimestamp=n/a
        ExecMainCode=1
        ExecMainStatus=203
        ExecStartPre={ path=/bin/true ; argv[]=/bin/true first ; ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }
        ExecStartPre={ path=/bin/echo ; argv[]=/bin/echo x y ; z ; ignore_errors=yes ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }
        ExecStart={ path=/nonexistent/bin/daemon ; argv[]=/nonexistent/bin/daemon --port 99 two words ; ignore_errors=no ; start_time=[Wed 2026-11-25 05:57:34.722623 UTC] ; stop_time=[Wed 2026-11-25 05:57:34.726156 UTC] ; pid=64 ; code=exited ; status=203 }
        Requires=sysinit.target system.slice
        User=
        Id=missing.service
        """

    func testExecCommands() {
        let properties = UnitProperties.parse(
            Array(show.utf8).split(separator: 10, omittingEmptySubsequences: false))
        let start = properties.commands("ExecStart")
        XCTAssertEqual(start.first?.path, "/nonexistent/bin/daemon")
        XCTAssertEqual(start.first?.words, ["/nonexistent/bin/daemon", "--port", "99", "two", "words"])
        XCTAssertEqual(start.first?.programName, "daemon")
        XCTAssertEqual(start.first?.ignoresErrors, false)
        let pre = properties.commands("ExecStartPre")
        XCTAssertEqual(pre.map(\.path), ["/bin/true", "/bin/echo"], "one line per command, every one kept")
        XCTAssertEqual(
            pre.last?.words, ["/bin/echo", "x", "y", ";", "z"], "\" ; \" inside argv stays in argv")
        XCTAssertEqual(pre.last?.ignoresErrors, true)
        XCTAssertEqual(properties.list("Requires"), ["sysinit.target", "system.slice"])
        XCTAssertNil(properties.plain("User"), "an empty value is no value")
    }

    func testExitRecordNames() {
        XCTAssertEqual(UnitExitStatus(code: "exited", status: 203).statusText, "203/EXEC")
        XCTAssertTrue(UnitExitStatus(code: "exited", status: 203).meaning.contains("could not execute"))
        XCTAssertEqual(UnitExitStatus(code: "exited", status: 1).statusText, "1/FAILURE")
        XCTAssertEqual(UnitExitStatus(code: "exited", status: 42).statusText, "42/n/a")
        XCTAssertEqual(UnitExitStatus(code: "dumped", status: 11).statusText, "11/SEGV")
        XCTAssertEqual(UnitExitStatus(code: "dumped", status: 11).meaning, "killed by SIGSEGV (core dumped)")
        XCTAssertEqual(SystemdExitStatus.name(200), "CHDIR")
        XCTAssertEqual(SystemdExitStatus.name(226), "NAMESPACE")
    }
}
