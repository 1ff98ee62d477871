import AiopsTestSupport
import XCTest

@testable import AiopsDiagnose

/// `systemd-analyze verify` (real) and the choice of daemon checkers.
final class ConfigurationCheckTests: XCTestCase {
    func testVerifyAcceptsAGoodUnitAndRejectsAMissingProgram() throws {
        let directory = TemporaryDirectory(prefix: "aiops-verify")
        try "[Service]\nExecStart=/bin/sleep 1\n".write(
            toFile: directory.file("good.service"), atomically: true, encoding: .utf8)
        try "[Service]\nExecStart=/nonexistent/bin/daemon\n".write(
            toFile: directory.file("bad.service"), atomically: true, encoding: .utf8)
        let (good, _) = ConfigurationCheck().run(
            unit: "good.service", loadState: "loaded", loadError: nil,
            fragmentPath: directory.file("good.service"),
            commands: [])
        XCTAssertEqual(good.outcome, .passed, good.evidence.joined(separator: "\n"))
        let (bad, runs) = ConfigurationCheck().run(
            unit: "bad.service", loadState: "loaded", loadError: nil,
            fragmentPath: directory.file("bad.service"),
            commands: [])
        XCTAssertEqual(bad.outcome, .failed)
        XCTAssertTrue(
            runs[0].lines.contains {
                $0.contains("/nonexistent/bin/daemon") && $0.contains("not executable")
            },
            runs[0].lines.joined(separator: "\n"))
    }

    func testAMissingCheckerIsUnknownNotPassed() {
        let command = ExecCommand(
            path: "/usr/sbin/haproxy", words: ["/usr/sbin/haproxy", "-Ws", "-f", "/etc/h.cfg"])
        XCTAssertEqual(
            ConfigCheckers.checker(for: command)?.argv, ["/usr/sbin/haproxy", "-c", "-f", "/etc/h.cfg"])
        // A checker that is not installed: the check says so instead of passing.
        let run = ConfigurationCheck().execute(["aiops-no-such-checker", "-t"])
        XCTAssertEqual(run.problem, "aiops-no-such-checker is not installed")
        XCTAssertNil(run.ending)
    }

    func testCheckersByProgram() {
        func argv(_ words: [String]) -> [String]? {
            ConfigCheckers.checker(for: ExecCommand(path: words[0], words: words))?.argv
        }
        XCTAssertEqual(argv(["/usr/sbin/nginx", "-g", "daemon", "on;"]), ["/usr/sbin/nginx", "-t"])
        XCTAssertEqual(
            argv(["/usr/sbin/nginx", "-c", "/srv/n.conf"]), ["/usr/sbin/nginx", "-t", "-c", "/srv/n.conf"])
        XCTAssertEqual(argv(["/usr/sbin/sshd", "-D"]), ["/usr/sbin/sshd", "-t"])
        XCTAssertEqual(argv(["/usr/sbin/named", "-f", "-u", "bind"]), ["named-checkconf"])
        XCTAssertEqual(argv(["/usr/sbin/php-fpm8.2", "--nodaemonize"]), ["/usr/sbin/php-fpm8.2", "-t"])
        XCTAssertNil(argv(["/usr/bin/python3", "-m", "http.server"]))
    }

    func testALoadErrorFails() {
        let (result, _) = ConfigurationCheck().run(
            unit: "x.service", loadState: "bad-setting", loadError: "org.freedesktop.systemd1.BadUnitSetting",
            fragmentPath: nil, commands: [])
        XCTAssertEqual(result.outcome, .failed)
    }
}
