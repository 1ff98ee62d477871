import XCTest

@testable import AiopsDiagnose

/// Bind failures as real daemons word them.
final class PortMentionsTests: XCTestCase {
    func testNginxNamesThePortInEveryBindLine() {
        let finding = PortMentions.find(in: [
            "nginx: [emerg] bind() to 0.0.0.0:443 failed (98: Address already in use)",
            "nginx: [emerg] bind() to [::]:443 failed (98: Address already in use)",
            "nginx: [emerg] still could not bind()",
        ])
        XCTAssertTrue(finding.conflict)
        XCTAssertEqual(finding.ports, [443])
        XCTAssertEqual(finding.lines.count, 3)
    }

    func testPythonSaysInUseWithoutAPort() {
        let finding = PortMentions.find(in: [
            "Traceback (most recent call last):", "    self.socket.bind(self.server_address)",
            "OSError: [Errno 98] Address already in use",
        ])
        XCTAssertTrue(finding.conflict)
        XCTAssertEqual(finding.ports, [])
    }

    func testOtherDaemonsWordings() {
        let cases: [(String, [UInt16])] = [
            ("listen tcp :8089: bind: address already in use", [8089]),
            ("Bind to port 22 on 0.0.0.0 failed: Address already in use.", [22]),
            ("Could not create server TCP listening socket *:6379: bind: Address already in use", [6379]),
            ("Error: listen EADDRINUSE: address already in use :::3000", [3000]),
            ("(98)Address already in use: AH00072: make_sock: could not bind to address [::]:80", [80]),
            ("Error starting userland proxy: listen tcp4 0.0.0.0:5432: bind: address already in use", [5432]),
            ("could not bind to localhost:8080: address already in use", [8080]),
        ]
        for (line, ports) in cases {
            XCTAssertEqual(PortMentions.find(in: [line]).ports, ports, line)
        }
    }

    func testAHintOnANeighbouringLineGivesThePort() {
        let finding = PortMentions.find(in: [
            "LOG:  could not bind IPv4 address \"127.0.0.1\": Address already in use",
            "HINT:  Is another postmaster already running on port 5432? If not, wait a few seconds and retry.",
        ])
        XCTAssertEqual(finding.ports, [5432])
    }

    func testClocksAndVersionsAreNotPorts() {
        XCTAssertEqual(PortMentions.ports(in: "at 12:30:05 the bind failed: Address already in use"), [])
        XCTAssertEqual(PortMentions.ports(in: "version 1.2:3 failed to bind"), [])
        XCTAssertEqual(PortMentions.ports(in: "port 0 is not a port; port 70000 neither"), [])
    }

    func testLinesWithoutAConflictAreIgnored() {
        let finding = PortMentions.find(in: ["listening on 0.0.0.0:8089", "Started web.service."])
        XCTAssertFalse(finding.conflict)
        XCTAssertEqual(finding.ports, [])
    }
}
