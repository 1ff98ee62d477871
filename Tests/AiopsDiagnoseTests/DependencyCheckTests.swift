import AiopsSystemd
import XCTest

@testable import AiopsDiagnose

/// Dependency relations as systemd 252 lists them (`systemctl show`, in the lab), and what the
/// check concludes: a failed unit named only by After= is a lead, never the cause; a socket
/// that activates the unit and failed is.
final class DependencyCheckTests: XCTestCase {
    private func dependency(
        _ unit: String, _ relations: [String], active: String = "active", result: String = "success"
    ) -> DependencyCheck.Dependency {
        DependencyCheck.Dependency(
            unit: unit, relations: relations, loadState: "loaded", activeState: active,
            subState: active == "failed" ? "failed" : "running", result: result)
    }

    func testEachUnitOnceWithEveryRelationAndWithoutTheOrderingEveryServiceHas() {
        // aiops-lab-needs-broken.service and a socket-activated service, as 252 showed them.
        let show = """
            Requires=aiops-lab-broken-dependency.service system.slice sysinit.target
            Requisite=
            Wants=web.socket
            BindsTo=
            TriggeredBy=web.socket
            After=systemd-journald.socket aiops-lab-broken-dependency.service basic.target web.socket \
            system.slice sysinit.target -.mount systemd-journald-dev-log.socket network-online.target \
            srv-data.mount prepare.service
            """
        let properties = UnitProperties.parse(
            Array(show.utf8).split(separator: 10, omittingEmptySubsequences: false))
        let named = DependencyRelations.named(in: properties)
        XCTAssertEqual(
            named.map(\.unit),
            [
                "aiops-lab-broken-dependency.service", "system.slice", "sysinit.target", "web.socket",
                "srv-data.mount", "prepare.service",
            ])
        XCTAssertEqual(named[0].relations, ["Requires", "After"], "one entry, both relations")
        XCTAssertEqual(named[2].relations, ["Requires", "After"], "a target named by Requires= stays")
        XCTAssertEqual(named[3].relations, ["Wants", "TriggeredBy", "After"])
        XCTAssertEqual(named[5].relations, ["After"])
    }

    func testTheOrderingNoiseRule() {
        for unit in [
            "sysinit.target", "basic.target", "network-online.target", "system.slice", "user-1000.slice",
            "-.mount", "systemd-journald.socket", "systemd-journald-dev-log.socket",
            "systemd-journald@audit.socket",
        ] {
            XCTAssertFalse(DependencyRelations.isWorthShowing(orderedAfter: unit), unit)
        }
        for unit in ["postgresql.service", "srv-data.mount", "web.socket", "dev-sdb1.device", "x.path"] {
            XCTAssertTrue(DependencyRelations.isWorthShowing(orderedAfter: unit), unit)
        }
    }

    func testAFailedUnitItIsOnlyOrderedAfterIsALeadNotTheCause() {
        let dependencies = [
            dependency("sysinit.target", ["Requires", "After"]),
            dependency("prepare.service", ["After"], active: "failed", result: "exit-code"),
        ]
        XCTAssertFalse(dependencies[1].blocksStart)
        let (result, shown) = DependencyCheck().run(dependencies: dependencies, dependencyFailedLines: [])
        XCTAssertEqual(result.outcome, .passed)
        XCTAssertEqual(
            result.summary,
            "hard dependencies fine; ordered after prepare.service, which failed: After= only orders the "
                + "start and does not block it, but the service may have started without what "
                + "prepare.service provides")
        XCTAssertTrue(
            result.evidence.contains("After prepare.service: failed (exit-code)"), "\(result.evidence)")
        XCTAssertTrue(result.evidence.contains("Requires+After sysinit.target: active (running)"))
        XCTAssertEqual(DependencyCheck.orderedAfterFailed(shown).map(\.unit), ["prepare.service"])
    }

    func testRequiresAndAfterTogetherStillBlock() {
        let both = dependency("db.service", ["Requires", "After"], active: "failed", result: "exit-code")
        let (result, _) = DependencyCheck().run(
            dependencies: [both], dependencyFailedLines: ["Dependency failed for web.service."])
        XCTAssertEqual(result.outcome, .failed)
        XCTAssertEqual(
            result.summary, "dependency db.service is failed (exit-code): systemd cancelled the start")
        XCTAssertTrue(
            DependencyCheck.orderedAfterFailed([both]).isEmpty, "Requires= makes it more than a lead")
    }

    func testAFailedSocketThatActivatesTheServiceIsTheCause() {
        let socket = dependency(
            "web.socket", ["Wants", "TriggeredBy", "After"], active: "failed", result: "resources")
        XCTAssertTrue(socket.blocksStart)
        let (result, _) = DependencyCheck().run(dependencies: [socket], dependencyFailedLines: [])
        XCTAssertEqual(result.outcome, .failed)
        XCTAssertEqual(
            result.summary,
            "web.socket, which starts this unit, is failed (resources): the unit is never activated through it"
        )

        // A socket that gave up because the service kept failing is a victim, not the cause.
        let gaveUp = dependency(
            "web.socket", ["TriggeredBy", "After"], active: "failed", result: "service-start-limit-hit")
        XCTAssertFalse(gaveUp.blocksStart)
        let (victim, _) = DependencyCheck().run(dependencies: [gaveUp], dependencyFailedLines: [])
        XCTAssertEqual(victim.outcome, .passed)
        XCTAssertEqual(
            victim.summary,
            "hard dependencies fine; web.socket stopped starting this unit (service-start-limit-hit): "
                + "the unit itself failed to start too often")
    }
}
