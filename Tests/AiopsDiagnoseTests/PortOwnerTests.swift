import AiopsCore
import AiopsProc
import AiopsTestSupport
import XCTest

@testable import AiopsDiagnose

struct ChildDidNotListen: Error {}

/// A real child listening on a port, found by the port alone.
final class PortOwnerTests: XCTestCase {
    /// Starts `aiops-testchild listen 0` and returns its pid and the port the kernel gave it.
    private func listeningChild() throws -> (pid_t, UInt16) {
        let pid = try spawnChild(BuildProducts.testChild, ["listen", "0"])
        let procfs = ProcFS()
        var port: UInt16?
        waitUntil {
            if case .value(let files) = procfs.openFiles(pid: pid),
                case .value(let sockets) = procfs.sockets(pid: pid, inodes: files.socketInodes),
                let listener = sockets.internet.first(where: \.isListening),
                sockets.internet.contains(where: \.isEstablished)
            {
                port = listener.localPort
            }
            return port != nil
        }
        if let port { return (pid, port) }
        kill(pid, SIGKILL)
        waitForExit(pid)
        XCTFail("the test child did not listen")
        throw ChildDidNotListen()
    }

    func testTheOwnerOfAPortIsFound() throws {
        let (pid, port) = try listeningChild()
        defer {
            kill(pid, SIGKILL)
            waitForExit(pid)
        }
        let found = PortOwnerFinder().listeners(port: port)
        let owner = try XCTUnwrap(found.owners.first { $0.pid == pid }, "owner of port \(port)")
        XCTAssertEqual(owner.process.argv.map(\.lossyString), [BuildProducts.testChild, "listen", "0"])
        XCTAssertEqual(owner.socket.localAddress.description, "127.0.0.1")
        XCTAssertTrue(owner.socket.isListening)
        XCTAssertEqual(found.owners.count, 1, "the established pair is not a listener")
        let stat = try XCTUnwrap(ProcFS().read("\(pid)/stat").bytes.flatMap(ProcStat.parse))
        XCTAssertEqual(owner.process.stat.startTicks, stat.startTicks)
    }

    func testTheConflictCheckBlamesTheOwner() throws {
        let (pid, port) = try listeningChild()
        defer {
            kill(pid, SIGKILL)
            waitForExit(pid)
        }
        let (result, conflicts) = PortConflictCheck().run(
            errorLines: ["nginx: [emerg] bind() to 127.0.0.1:\(port) failed (98: Address already in use)"],
            configured: [])
        XCTAssertEqual(result.outcome, .failed)
        XCTAssertEqual(result.summary, "port \(port) is already in use by PID \(pid) (aiops-testchild)")
        XCTAssertEqual(conflicts.first?.owners.map(\.pid), [pid])

        // Python names no port: the configured one is checked.
        let (fromConfig, _) = PortConflictCheck().run(
            errorLines: ["OSError: [Errno 98] Address already in use"],
            configured: [ConfiguredPort(port: port, source: "ExecStart http.server \(port)")])
        XCTAssertEqual(fromConfig.outcome, .failed)

        // Another address on the same port does not conflict with 127.0.0.1.
        let (elsewhere, _) = PortConflictCheck().run(
            errorLines: [], configured: [ConfiguredPort(port: port, address: "127.0.0.2", source: "test")])
        XCTAssertEqual(elsewhere.outcome, .passed)
    }

    /// A socket unit's port: systemd's "Failed to create listening socket" line names it, the
    /// Listen= value says which socket; the conflict keeps both and blames the holder.
    func testASocketUnitsPortIsCheckedAndKeepsItsSocket() throws {
        let (pid, port) = try listeningChild()
        defer {
            kill(pid, SIGKILL)
            waitForExit(pid)
        }
        let configured = SocketUnitPorts.find(
            listen: ["127.0.0.1:\(port) (Stream)"], socketUnit: "web.socket")
        let (result, conflicts) = PortConflictCheck().run(
            errorLines: [
                "web.socket: Failed to create listening socket (127.0.0.1:\(port)): Address already in use",
                "web.socket: Failed to listen on sockets: Address already in use",
            ],
            configured: configured)
        XCTAssertEqual(result.outcome, .failed)
        XCTAssertEqual(
            result.summary,
            "port \(port) (web.socket ListenStream=) is already in use by PID \(pid) (aiops-testchild)")
        let conflict = try XCTUnwrap(conflicts.first)
        XCTAssertEqual(conflict.socket, SocketOrigin(unit: "web.socket", directive: "ListenStream"))
        XCTAssertEqual(conflict.sources, ["journal", "web.socket ListenStream 127.0.0.1:\(port)"])
        XCTAssertEqual(conflict.owners.map(\.pid), [pid])
        XCTAssertTrue(conflict.reportedInUse)
    }

    func testAFreePort() throws {
        let (pid, port) = try listeningChild()
        kill(pid, SIGKILL)
        waitForExit(pid)
        // The port of a dead listener is free (its established pair may linger in TIME_WAIT).
        let (result, _) = PortConflictCheck().run(
            errorLines: [], configured: [ConfiguredPort(port: port, source: "ExecStart --port \(port)")])
        XCTAssertEqual(result.outcome, .passed)
        let (reported, _) = PortConflictCheck().run(
            errorLines: ["bind() to 127.0.0.1:\(port) failed (98: Address already in use)"], configured: [])
        XCTAssertEqual(reported.outcome, .failed, "the log said it was in use, even if it is free now")
        XCTAssertTrue(reported.summary.contains("free now"), reported.summary)
    }

    func testNothingToCheck() {
        let (result, _) = PortConflictCheck().run(errorLines: ["Started x.service."], configured: [])
        XCTAssertEqual(result.outcome, .notApplicable)
    }
}
