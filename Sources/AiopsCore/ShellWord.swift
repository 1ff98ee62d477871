/// Quoting for commands shown to the operator to copy: a word of only safe characters stays
/// as it is; anything else is single-quoted (a "'" inside as '\''), or, when it holds an
/// unprintable character, written in bash's $'…' form.
public enum ShellWord {
    public static func quote(_ word: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-:@=+,%")
        if !word.isEmpty, word.allSatisfy({ safe.contains($0) }) { return word }
        if word.unicodeScalars.contains(where: isUnprintable) { return ansiQuoted(word) }
        return "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''")
            + "'"
    }

    public static func join(_ words: [String]) -> String { words.map(quote).joined(separator: " ") }

    /// $'…' with \xNN for every byte of an unprintable character: a path holding an escape
    /// sequence is shown, and pasted, as exactly those bytes, without acting on the terminal.
    static func ansiQuoted(_ word: String) -> String {
        var text = "$'"
        for scalar in word.unicodeScalars {
            if isUnprintable(scalar) {
                for byte in String(scalar).utf8 {
                    text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
                }
            } else if scalar == "\\" || scalar == "'" {
                text += "\\" + String(scalar)
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return text + "'"
    }

    /// C0 and C1 controls, DEL, and the bidirectional overrides that reorder what a terminal shows.
    static func isUnprintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
        default: return false
        }
    }
}
