/// The outcome of one diagnostic check, with the facts it rests on.
public struct CheckResult: Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case portConflict = "port_conflict"
        case configuration
        case dependencies
        case executable
        case permissions
    }

    public enum Outcome: String, Sendable {
        case passed
        case failed
        /// Nothing to check (no ports configured, no checker known for this program…).
        case notApplicable = "not_applicable"
        /// It should have been checked but could not be (a tool missing, a permission lacking):
        /// never shown as passed.
        case unknown
    }

    public var kind: Kind
    public var outcome: Outcome
    /// One line: "port 8089 is held by PID 4242 (python3)".
    public var summary: String
    /// The lines that support it: file modes, checker output, unit states. Already
    /// terminal-safe when they came from untrusted bytes.
    public var evidence: [String]

    public init(kind: Kind, outcome: Outcome, summary: String, evidence: [String] = []) {
        self.kind = kind
        self.outcome = outcome
        self.summary = summary
        self.evidence = evidence
    }
}
