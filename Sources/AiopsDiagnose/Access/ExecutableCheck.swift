import AiopsPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// Whether each program the service starts with (ExecStartPre=, ExecStart=) exists and can be
/// executed by the service's user, and, for a script, whether its interpreter can.
public struct ExecutableCheck: Sendable {
    public init() {}

    public func run(commands: [(String, ExecCommand)], account: ServiceAccount.Resolved?) -> CheckResult {
        guard !commands.isEmpty else {
            return CheckResult(kind: .executable, outcome: .notApplicable, summary: "no ExecStart= command")
        }
        guard let account else {
            return CheckResult(
                kind: .executable, outcome: .unknown, summary: "the service's user could not be resolved")
        }
        var evidence: [String] = []
        var failure: String?
        for (property, command) in commands {
            let verdict = PathAccess().check(command.path, need: .execute, account: account.account)
            switch verdict {
            case .allowed(let facts):
                guard facts.isRegularFile else {
                    evidence.append(
                        "\(property) \(command.path.shown): not a regular file (\(facts.modeText))")
                    failure = failure ?? "\(command.path.shown) is not a regular file"
                    continue
                }
                evidence.append(
                    "\(property) \(command.path.shown): executable by \(account.userText) (\(facts.modeText))"
                )
                if let interpreter = Self.interpreter(of: command.path) {
                    let inner = PathAccess().check(interpreter, need: .execute, account: account.account)
                    if case .allowed = inner {
                        evidence.append("  interpreter \(interpreter.shown): executable")
                    } else {
                        evidence.append(
                            "  interpreter \(interpreter.shown): " + Self.describe(inner, account: account))
                        failure =
                            failure
                            ?? "the interpreter \(interpreter.shown) of \(command.path.shown) cannot be executed"
                    }
                }
            default:
                let text = Self.describe(verdict, account: account)
                evidence.append("\(property) \(command.path.shown): \(text)")
                failure = failure ?? "\(command.path.shown): \(text)"
            }
        }
        if let failure {
            return CheckResult(kind: .executable, outcome: .failed, summary: failure, evidence: evidence)
        }
        return CheckResult(
            kind: .executable, outcome: .passed, summary: "every command exists and is executable",
            evidence: evidence)
    }

    /// "#!/usr/bin/python3 -u" → "/usr/bin/python3", for a readable script.
    static func interpreter(of path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 256)
        let count = head.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 2, head[0] == UInt8(ascii: "#"), head[1] == UInt8(ascii: "!") else { return nil }
        let line = head[2..<count].prefix { $0 != UInt8(ascii: "\n") }
        let words = String(decoding: line, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\t" })
        return words.first.map(String.init)
    }

    /// Words for a verdict that is not "allowed".
    static func describe(_ verdict: PathAccess.Verdict, account: ServiceAccount.Resolved) -> String {
        switch verdict {
        case .allowed(let facts): return "allowed (\(facts.modeText))"
        case .missing(let component): return "does not exist (\(component.shown) is missing)"
        case .denied(let path, let facts, let lacking):
            return "\(account.userText) lacks \(lacking.words) permission on \(path.shown) "
                + "(\(facts.modeText), owner \(facts.uid), group \(facts.gid))"
        case .readOnlyFileSystem(let path): return "\(path.shown) is on a read-only file system"
        case .unreadable(let path, let code):
            return "cannot stat \(path.shown): \(ErrnoText.message(code))"
        }
    }
}
