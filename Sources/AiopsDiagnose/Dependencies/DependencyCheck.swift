/// Units this one depends on, their state now, and the dependency the journal blames.
///
/// When a Requires=/BindsTo= dependency fails, systemd cancels the start with "Dependency failed
/// for …" (JOB_RESULT=dependency) and the unit itself stays inactive with Result=success: the
/// failure is visible only in the journal, and the message does not say which dependency.
/// That one is found among the hard dependencies by its state (failed, not found) and its own
/// journal. A socket that failed to listen is blamed too: its service is never activated.
///
/// After= alone only orders two starts: systemd starts this unit after the other one's start
/// job finished, whether it succeeded or failed. So a failed unit it is only ordered after is
/// shown, and said to be a lead (the service may have run without what it provides), never the
/// cause.
public struct DependencyCheck: Sendable {
    /// Slices and the root mount every unit depends on implicitly: always there, not worth a line.
    static let implicit: Set<String> = ["system.slice", "-.mount", "-.slice"]

    public init() {}

    /// `dependencyFailedLines`: the attempt's "Dependency failed for …" entries.
    public func run(dependencies: [Dependency], dependencyFailedLines: [String]) -> (
        CheckResult, [Dependency]
    ) {
        let shown = dependencies.filter { !Self.implicit.contains($0.unit) }
        let blocking = shown.filter(\.blocksStart)
        var evidence = dependencyFailedLines.map { "log: " + $0 }
        for dependency in shown {
            evidence.append("\(dependency.relationText) \(dependency.unit): \(dependency.stateText)")
            evidence += dependency.failureLines.map { "  log: " + $0 }
        }
        if let first = blocking.first {
            let names = Self.names(blocking)
            let verb = blocking.count == 1 ? "is" : "are"
            let summary =
                blocking.contains(where: \.isHard)
                ? "dependency \(names) \(verb) \(first.stateText)"
                    + (dependencyFailedLines.isEmpty ? "" : ": systemd cancelled the start")
                : "\(names), which \(blocking.count == 1 ? "starts" : "start") this unit, \(verb) "
                    + "\(first.stateText): the unit is never activated through \(blocking.count == 1 ? "it" : "them")"
            return (
                CheckResult(kind: .dependencies, outcome: .failed, summary: summary, evidence: evidence),
                shown
            )
        }
        if !dependencyFailedLines.isEmpty {
            return (
                CheckResult(
                    kind: .dependencies, outcome: .failed,
                    summary: "systemd cancelled the start because a dependency failed (none is failed now)",
                    evidence: evidence),
                shown
            )
        }
        if shown.isEmpty {
            return (
                CheckResult(
                    kind: .dependencies, outcome: .notApplicable, summary: "no dependencies declared"), shown
            )
        }
        var leads: [String] = []
        let wanted = shown.filter { !$0.isHard && !$0.isTrigger && !$0.isOrderingOnly && $0.isBroken }
        if !wanted.isEmpty {
            leads.append("wanted \(Self.names(wanted)) failed (does not block the start)")
        }
        // A trigger that gave up because this unit kept failing to start: the unit is the cause.
        let gaveUp = shown.filter { $0.isTrigger && $0.isBroken }
        if let first = gaveUp.first {
            leads.append(
                "\(Self.names(gaveUp)) stopped starting this unit (\(first.result ?? "?")): the unit itself "
                    + "failed to start too often")
        }
        let ordered = Self.orderedAfterFailed(shown)
        if !ordered.isEmpty {
            let names = Self.names(ordered)
            leads.append(
                "ordered after \(names), which failed: After= only orders the start and does not block "
                    + "it, but the service may have started without what \(names) "
                    + (ordered.count == 1 ? "provides" : "provide"))
        }
        return (
            CheckResult(
                kind: .dependencies, outcome: .passed,
                summary: leads.isEmpty
                    ? "every dependency is fine" : "hard dependencies fine; " + leads.joined(separator: "; "),
                evidence: evidence),
            shown
        )
    }

    /// Units named only by After= that failed: a lead, not a cause.
    public static func orderedAfterFailed(_ dependencies: [Dependency]) -> [Dependency] {
        dependencies.filter { $0.isOrderingOnly && $0.activeState == "failed" }
    }

    private static func names(_ dependencies: [Dependency]) -> String {
        dependencies.map(\.unit).joined(separator: ", ")
    }
}
