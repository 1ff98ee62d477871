import AiopsCore
import AiopsProc
import XCTest

@testable import AiopsDiagnose

/// Ranking and wording of solutions from proven facts.
final class PlannerTests: XCTestCase {
    private func owner(comm: String, unit: String?, port: UInt16) throws -> PortOwner {
        var snapshot = try XCTUnwrap(ProcessSnapshotReader().snapshot(pid: getpid()))
        snapshot.stat.comm = UntrustedText(stringLiteral: comm)
        // A listening socket on 0.0.0.0:port, as /proc/net/tcp prints it.
        let hexPort = String(String(port, radix: 16, uppercase: true).reversed()).padding(
            toLength: 4, withPad: "0", startingAt: 0)
        let line =
            "   0: 00000000:\(String(hexPort.reversed())) 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 1\n"
        let socket = try XCTUnwrap(InternetSocketTable.parse(Array(line.utf8), transport: .tcp).first)
        XCTAssertEqual(socket.localPort, port)
        return PortOwner(process: snapshot, unit: unit, socket: socket)
    }

    private func facts(
        checks: [CheckResult], conflicts: [PortConflict] = [], broken: [String] = [],
        executables: [(path: String, missing: Bool)] = []
    ) -> SolutionPlanner.Facts {
        SolutionPlanner.Facts(
            unit: "nginx.service", checks: checks, portConflicts: conflicts, brokenDependencies: broken,
            failingChecker: nil, checkerFile: nil, badExecutables: executables, deniedPaths: [], user: nil,
            exit: nil)
    }

    func testAConflictingServiceIsStoppedFirst() throws {
        let conflict = PortConflict(
            port: 443, sources: ["journal"],
            owners: [try owner(comm: "apache2", unit: "apache2.service", port: 443)],
            unattributedSockets: 0, reportedInUse: true)
        let plan = SolutionPlanner().plan(
            facts(
                checks: [CheckResult(kind: .portConflict, outcome: .failed, summary: "")],
                conflicts: [conflict]))
        XCTAssertEqual(
            plan.quickFix, "sudo systemctl stop apache2.service && sudo systemctl start nginx.service")
        XCTAssertEqual(plan.causeKind, .portConflict)
        XCTAssertEqual(plan.solutions.first?.recommended, true)
        XCTAssertEqual(
            plan.solutions.first?.commands,
            ["sudo systemctl stop apache2.service", "sudo systemctl start nginx.service"])
        XCTAssertEqual(plan.solutions.count, 2, "stop the other service, or move this one")
    }

    func testAProcessOutsideAServiceIsKilledByPID() throws {
        let holder = try owner(comm: "python3", unit: "session-3.scope", port: 8089)
        let conflict = PortConflict(
            port: 8089, sources: ["ExecStart"], owners: [holder], unattributedSockets: 0, reportedInUse: true)
        let plan = SolutionPlanner().plan(
            facts(
                checks: [CheckResult(kind: .portConflict, outcome: .failed, summary: "")],
                conflicts: [conflict]))
        XCTAssertEqual(plan.quickFix, "sudo kill \(holder.pid) && sudo systemctl start nginx.service")
    }

    func testADependencyComesBeforeEverythingElse() throws {
        let conflict = PortConflict(
            port: 80, sources: ["journal"], owners: [try owner(comm: "x", unit: "x.service", port: 80)],
            unattributedSockets: 0, reportedInUse: false)
        let plan = SolutionPlanner().plan(
            facts(
                checks: [
                    CheckResult(kind: .portConflict, outcome: .failed, summary: ""),
                    CheckResult(kind: .dependencies, outcome: .failed, summary: ""),
                ], conflicts: [conflict], broken: ["db.service"]))
        XCTAssertEqual(plan.causeKind, .dependencies)
        XCTAssertEqual(plan.quickFix, "aiops diagnose start-failure --name db.service")
        XCTAssertTrue(plan.cause?.contains("db.service") ?? false)
    }

    /// A socket-activated service whose socket could not listen (Requires= or TriggeredBy= the
    /// socket): the port's holder is the cause, and the socket is what to start again.
    func testASocketThatCouldNotListenNamesTheSocketAndTheHolder() throws {
        let conflict = PortConflict(
            port: 8093, sources: ["journal", "web.socket ListenStream [::]:8093"],
            owners: [try owner(comm: "python3", unit: "holder.service", port: 8093)],
            unattributedSockets: 0, reportedInUse: true,
            socket: SocketOrigin(unit: "web.socket", directive: "ListenStream"))
        var facts = facts(
            checks: [
                CheckResult(kind: .portConflict, outcome: .failed, summary: ""),
                CheckResult(kind: .dependencies, outcome: .failed, summary: ""),
            ], conflicts: [conflict], broken: ["web.socket"])
        facts.unit = "web.service"
        let plan = SolutionPlanner().plan(facts)
        let pid = try XCTUnwrap(conflict.owners.first?.pid)
        XCTAssertEqual(plan.causeKind, .portConflict)
        XCTAssertEqual(
            plan.cause,
            "web.socket cannot listen on port 8093: it is held by holder.service (PID \(pid), python3)")
        XCTAssertEqual(
            plan.quickFix, "sudo systemctl stop holder.service && sudo systemctl start web.socket web.service"
        )
        XCTAssertEqual(plan.solutions.count, 2, "stop the holder, or move the socket; nothing about Wants=")
        XCTAssertEqual(
            plan.solutions.last?.commands.first,
            "sudo systemctl edit web.socket   # [Socket] ListenStream= (empty: drops port 8093), "
                + "then ListenStream=<a free port>")

        // A failed dependency that is not the socket of the conflict keeps its place.
        facts.brokenDependencies = ["db.service"]
        XCTAssertEqual(SolutionPlanner().plan(facts).causeKind, .dependencies)
    }

    /// systemd (PID 1) listens for every active socket unit: the fix is that socket, never `kill 1`.
    func testAPortSystemdHoldsForASocketUnitIsNeverFixedByKillingPID1() throws {
        var systemd = try owner(comm: "systemd", unit: "init.scope", port: 22)
        systemd.process.stat.pid = 1
        let conflict = PortConflict(
            port: 22, sources: ["journal"], owners: [systemd], unattributedSockets: 0, reportedInUse: true)
        let plan = SolutionPlanner().plan(
            facts(
                checks: [CheckResult(kind: .portConflict, outcome: .failed, summary: "")],
                conflicts: [conflict]))
        XCTAssertEqual(plan.cause, "port 22 is held by systemd (PID 1) for a socket unit")
        XCTAssertFalse(plan.quickFix.contains("kill"), plan.quickFix)
        XCTAssertFalse(plan.solutions.flatMap(\.commands).contains { $0.contains("kill") })
        XCTAssertEqual(
            plan.quickFix, "systemctl list-sockets --all --no-pager   # the .socket listening on port 22")
    }

    func testAFailedUnitItIsOnlyOrderedAfterIsALeadNotTheCause() {
        var facts = facts(checks: [CheckResult(kind: .dependencies, outcome: .passed, summary: "")])
        facts.orderedAfterFailed = ["prepare.service"]
        let plan = SolutionPlanner().plan(facts)
        XCTAssertNil(plan.cause)
        XCTAssertEqual(plan.quickFix, "journalctl -u nginx.service -n 100 --no-pager")
        XCTAssertEqual(plan.solutions.count, 2)
        XCTAssertEqual(plan.solutions[0].recommended, true, "the service's own messages first")
        XCTAssertEqual(plan.solutions[1].recommended, false)
        XCTAssertTrue(plan.solutions[1].title.hasPrefix("prepare.service failed"), plan.solutions[1].title)
        XCTAssertEqual(
            plan.solutions[1].commands.first, "aiops diagnose start-failure --name prepare.service")
    }

    func testAMissingExecutable() {
        let plan = SolutionPlanner().plan(
            facts(
                checks: [CheckResult(kind: .executable, outcome: .failed, summary: "")],
                executables: [(path: "/opt/my app/bin", missing: true)]))
        XCTAssertEqual(plan.causeKind, .executable)
        XCTAssertTrue(
            plan.solutions[0].commands.contains("ls -l '/opt/my app/bin'"), "paths are quoted for the shell")
    }

    func testNothingFoundStillGivesSomethingToDo() {
        let plan = SolutionPlanner().plan(
            facts(checks: [CheckResult(kind: .configuration, outcome: .passed, summary: "")]))
        XCTAssertNil(plan.cause)
        XCTAssertEqual(plan.quickFix, "journalctl -u nginx.service -n 100 --no-pager")
        XCTAssertEqual(plan.solutions.count, 1)
    }

    func testShellQuoting() {
        XCTAssertEqual(ShellWord.quote("/usr/sbin/nginx"), "/usr/sbin/nginx")
        XCTAssertEqual(ShellWord.quote("a b"), "'a b'")
        XCTAssertEqual(ShellWord.quote("it's"), "'it'\\''s'")
        XCTAssertEqual(ShellWord.quote("$(id)"), "'$(id)'")
        XCTAssertEqual(ShellWord.quote(""), "''")
        XCTAssertEqual(
            ShellWord.quote("/srv/a\u{1B}[2J'b"), "$'/srv/a\\x1b[2J\\'b'", "bash's $'…' with the bytes")
        XCTAssertEqual(ShellWord.quote("x\u{202E}y"), "$'x\\xe2\\x80\\xaey'")
    }

    func testDependencyStates() {
        let dependencies = [
            DependencyCheck.Dependency(
                unit: "sysinit.target", relations: ["Requires"], loadState: "loaded", activeState: "active",
                subState: "active",
                result: "success"),
            DependencyCheck.Dependency(
                unit: "system.slice", relations: ["Requires"], loadState: "loaded", activeState: "active",
                subState: "active",
                result: "success"),
            DependencyCheck.Dependency(
                unit: "db.service", relations: ["Requires"], loadState: "loaded", activeState: "failed",
                subState: "failed",
                result: "exit-code"),
            DependencyCheck.Dependency(
                unit: "cache.service", relations: ["Wants"], loadState: "not-found", activeState: "inactive",
                subState: "dead",
                result: "success"),
        ]
        let (result, shown) = DependencyCheck().run(
            dependencies: dependencies, dependencyFailedLines: ["Dependency failed for web.service."])
        XCTAssertEqual(result.outcome, .failed)
        XCTAssertEqual(
            result.summary, "dependency db.service is failed (exit-code): systemd cancelled the start")
        XCTAssertEqual(
            shown.map(\.unit), ["sysinit.target", "db.service", "cache.service"], "implicit slices hidden")
        let (soft, _) = DependencyCheck().run(
            dependencies: [dependencies[0], dependencies[3]], dependencyFailedLines: [])
        XCTAssertEqual(soft.outcome, .passed, "a missing Wants= does not block a start")
    }

    func testASystemFileIsNeverHandedToTheServicesUser() {
        // The error text named /etc/shadow (a service may print any path it likes).
        for path in ["/etc/shadow", "/usr/bin/sudo", "/var/lib", "/var/lib/../../etc/passwd", "relative/x"] {
            var facts = facts(checks: [CheckResult(kind: .permissions, outcome: .failed, summary: "")])
            facts.deniedPaths = [(path: path, missing: false)]
            facts.user = "nobody"
            let plan = SolutionPlanner().plan(facts)
            XCTAssertFalse(plan.quickFix.contains("chown"), "\(path): \(plan.quickFix)")
            XCTAssertFalse(plan.solutions.flatMap(\.commands).contains { $0.contains("chown") }, path)
        }
        var own = facts(checks: [CheckResult(kind: .permissions, outcome: .failed, summary: "")])
        own.deniedPaths = [(path: "/var/lib/app", missing: false)]
        own.user = "nobody"
        XCTAssertEqual(
            SolutionPlanner().plan(own).quickFix,
            "sudo chown nobody /var/lib/app && sudo systemctl start nginx.service")
    }

    func testAnEscapedUnitNamePastesAsItself() {
        var facts = facts(checks: [CheckResult(kind: .dependencies, outcome: .failed, summary: "")])
        facts.unit = "data-disk\\x2d1.service"
        facts.brokenDependencies = ["dev-disk-by\\x2duuid-1.device"]
        let plan = SolutionPlanner().plan(facts)
        XCTAssertEqual(plan.quickFix, "aiops diagnose start-failure --name 'dev-disk-by\\x2duuid-1.device'")
        XCTAssertTrue(
            plan.solutions.flatMap(\.commands).contains("sudo systemctl start 'data-disk\\x2d1.service'"),
            "\(plan.solutions.flatMap(\.commands))")
    }
}
