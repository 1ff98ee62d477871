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

/// Quoting for commands shown to the operator to copy: a word of only safe characters stays
/// as it is; anything else is single-quoted (a "'" inside as '\'').
public enum ShellWord {
    public static func quote(_ word: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-:@=+,%")
        if !word.isEmpty, word.allSatisfy({ safe.contains($0) }) { return word }
        return "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''")
            + "'"
    }

    public static func join(_ words: [String]) -> String { words.map(quote).joined(separator: " ") }
}
