/// One way to fix the failure: what to do, and the exact commands.
public struct Solution: Sendable {
    public var title: String
    /// Commands to run in order ("# …" lines are instructions, not commands).
    public var commands: [String]
    /// The solution aiops would try first.
    public var recommended: Bool

    public init(title: String, commands: [String], recommended: Bool = false) {
        self.title = title
        self.commands = commands
        self.recommended = recommended
    }
}
