extension DependencyCheck {
    /// One unit this one depends on: every relation that names it, and its state now.
    public struct Dependency: Sendable {
        public var unit: String
        /// Every relation that names the unit, strongest first (the order of
        /// `DependencyCheck.relations`): ["Requires", "After"] for the usual pair, ["TriggeredBy",
        /// "After"] for a service's socket.
        public var relations: [String]
        public var loadState: String?
        public var activeState: String?
        public var subState: String?
        public var result: String?
        /// The dependency's own failure lines from the journal, when it failed.
        public var failureLines: [String]

        public init(
            unit: String, relations: [String], loadState: String?, activeState: String?, subState: String?,
            result: String?, failureLines: [String] = []
        ) {
            self.unit = unit
            self.relations = relations
            self.loadState = loadState
            self.activeState = activeState
            self.subState = subState
            self.result = result
            self.failureLines = failureLines
        }

        /// The strongest relation ("Requires" of Requires+After).
        public var relation: String { relations.first ?? "" }

        /// "Requires+After".
        public var relationText: String { relations.joined(separator: "+") }

        static let hardRelations: Set<String> = ["Requires", "Requisite", "BindsTo"]

        /// Requires=, Requisite=, BindsTo=: when it fails, systemd cancels this unit's start.
        public var isHard: Bool { relations.contains(where: Self.hardRelations.contains) }

        /// A socket, path or timer that starts this unit (TriggeredBy=).
        public var isTrigger: Bool { relations.contains("TriggeredBy") }

        /// Named by After= alone: systemd only orders the two starts, it never starts, waits for
        /// the success of, or cancels anything because of this unit.
        public var isOrderingOnly: Bool { relations == ["After"] }

        /// Failed, or missing/masked (a hard dependency on it cannot start).
        public var isBroken: Bool {
            activeState == "failed"
                || ["not-found", "masked", "bad-setting", "error"].contains(loadState ?? "")
        }

        /// Results a trigger ends with because the unit it starts kept failing: then the trigger is
        /// a victim, not the cause.
        static let triggeredUnitFailures: Set<String> = ["service-start-limit-hit", "unit-start-limit-hit"]

        /// Whether its state keeps this unit from starting: a broken hard dependency (systemd
        /// cancels the start), or a broken trigger (a socket that failed to listen never
        /// activates its service) unless it gave up because of the unit itself.
        public var blocksStart: Bool {
            guard isBroken else { return false }
            if isHard { return true }
            return isTrigger && !Self.triggeredUnitFailures.contains(result ?? "")
        }

        /// "active (running)", "failed (exit-code)", "not-found".
        public var stateText: String {
            if let loadState, loadState != "loaded" { return loadState }
            let active = activeState ?? "unknown"
            if active == "failed" { return "failed (\(result ?? "?"))" }
            return subState.map { "\(active) (\($0))" } ?? active
        }
    }
}
