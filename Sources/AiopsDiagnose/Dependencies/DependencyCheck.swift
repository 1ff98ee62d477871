/// Units this one depends on, their state now, and the dependency the journal blames.
///
/// When a Requires=/BindsTo= dependency fails, systemd cancels the start with "Dependency failed
/// for …" (JOB_RESULT=dependency) and the unit itself stays inactive with Result=success: the
/// failure is visible only in the journal, and the message does not say which dependency.
/// That one is found among the hard dependencies by its state (failed, not found) and its own
/// journal.
public struct DependencyCheck: Sendable {
    public struct Dependency: Sendable {
        public var unit: String
        /// "Requires", "Wants", "BindsTo", "Requisite".
        public var relation: String
        public var loadState: String?
        public var activeState: String?
        public var subState: String?
        public var result: String?
        /// The dependency's own failure lines from the journal, when it failed.
        public var failureLines: [String]

        public init(
            unit: String, relation: String, loadState: String?, activeState: String?, subState: String?,
            result: String?, failureLines: [String] = []
        ) {
            self.unit = unit
            self.relation = relation
            self.loadState = loadState
            self.activeState = activeState
            self.subState = subState
            self.result = result
            self.failureLines = failureLines
        }

        public var isHard: Bool { relation != "Wants" }

        /// Failed, or missing/masked (a hard dependency on it cannot start).
        public var isBroken: Bool {
            activeState == "failed"
                || ["not-found", "masked", "bad-setting", "error"].contains(loadState ?? "")
        }

        /// "active (running)", "failed (exit-code)", "not-found".
        public var stateText: String {
            if let loadState, loadState != "loaded" { return loadState }
            let active = activeState ?? "unknown"
            if active == "failed" { return "failed (\(result ?? "?"))" }
            return subState.map { "\(active) (\($0))" } ?? active
        }
    }

    /// Hard and soft dependency relations, in the order they are shown.
    public static let relations = ["Requires", "Requisite", "BindsTo", "Wants"]
    /// Slices and the root mount every unit depends on implicitly: always there, not worth a line.
    static let implicit: Set<String> = ["system.slice", "-.mount", "-.slice"]

    public init() {}

    /// `dependencyFailedLines`: the attempt's "Dependency failed for …" entries.
    public func run(dependencies: [Dependency], dependencyFailedLines: [String]) -> (
        CheckResult, [Dependency]
    ) {
        let shown = dependencies.filter { !Self.implicit.contains($0.unit) }
        let broken = shown.filter { $0.isHard && $0.isBroken }
        var evidence = dependencyFailedLines.map { "log: " + $0 }
        for dependency in shown {
            evidence.append("\(dependency.relation) \(dependency.unit): \(dependency.stateText)")
            evidence += dependency.failureLines.map { "  log: " + $0 }
        }
        if let first = broken.first {
            let names = broken.map(\.unit).joined(separator: ", ")
            return (
                CheckResult(
                    kind: .dependencies, outcome: .failed,
                    summary: "dependency \(names) \(broken.count == 1 ? "is" : "are") \(first.stateText)"
                        + (dependencyFailedLines.isEmpty ? "" : ": systemd cancelled the start"),
                    evidence: evidence),
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
        let softBroken = shown.filter { !$0.isHard && $0.isBroken }
        return (
            CheckResult(
                kind: .dependencies, outcome: .passed,
                summary: softBroken.isEmpty
                    ? "every dependency is fine"
                    : "hard dependencies fine; wanted \(softBroken.map(\.unit).joined(separator: ", ")) failed (does not block the start)",
                evidence: evidence),
            shown
        )
    }
}
