/// Whether the service's user can use the places it needs: WorkingDirectory=, the runtime,
/// state, cache and log directories (declared, or the conventional /run/NAME, /var/lib/NAME,
/// /var/log/NAME when they exist), the PID file's directory, and every path its errors name.
public struct PermissionCheck: Sendable {
    public struct Inputs: Sendable {
        public var workingDirectory: String?
        /// Declared RuntimeDirectory= (under /run), StateDirectory= (/var/lib), CacheDirectory=
        /// (/var/cache), LogsDirectory= (/var/log), ConfigurationDirectory= (/etc).
        public var declaredDirectories: [String]
        /// Conventional directories named after the program, checked only if they exist.
        public var conventionalDirectories: [String]
        public var pidFile: String?
        public var errorMentions: [ErrorPaths.Mention]

        public init(
            workingDirectory: String?, declaredDirectories: [String], conventionalDirectories: [String],
            pidFile: String?, errorMentions: [ErrorPaths.Mention]
        ) {
            self.workingDirectory = workingDirectory
            self.declaredDirectories = declaredDirectories
            self.conventionalDirectories = conventionalDirectories
            self.pidFile = pidFile
            self.errorMentions = errorMentions
        }
    }

    public init() {}

    public func run(_ inputs: Inputs, account: ServiceAccount.Resolved?) -> CheckResult {
        guard let account else {
            return CheckResult(
                kind: .permissions, outcome: .unknown, summary: "the service's user could not be resolved")
        }
        let access = PathAccess()
        var evidence: [String] = []
        var failures: [String] = []
        func judge(_ path: String, need: PathAccess.Need, label: String, missingIsFine: Bool) {
            let verdict = access.check(path, need: need, account: account.account)
            switch verdict {
            case .allowed(let facts):
                evidence.append(
                    "\(label) \(path.shown): \(need.words) allowed for \(account.userText) (\(facts.modeText))"
                )
            case .missing where missingIsFine:
                break
            default:
                let text = ExecutableCheck.describe(verdict, account: account)
                evidence.append("\(label) \(path.shown): \(text)")
                failures.append("\(path.shown): \(text)")
            }
        }
        if let directory = workingDirectoryPath(inputs.workingDirectory) {
            judge(
                directory.path, need: [.read, .execute], label: "WorkingDirectory",
                missingIsFine: directory.optional)
        }
        // systemd creates declared directories itself, owned by the service's user: missing is fine.
        for path in inputs.declaredDirectories {
            judge(path, need: [.write, .execute], label: "declared", missingIsFine: true)
        }
        for path in inputs.conventionalDirectories where !inputs.declaredDirectories.contains(path) {
            judge(path, need: [.write, .execute], label: "directory", missingIsFine: true)
        }
        if let pidFile = inputs.pidFile, !pidFile.isEmpty {
            judge(
                ConfigFilePorts.directory(of: pidFile), need: [.write, .execute], label: "PIDFile directory",
                missingIsFine: false)
        }
        for mention in inputs.errorMentions {
            switch mention.problem {
            case .permissionDenied:
                judge(
                    mention.path, need: Self.need(for: mention), label: "named in the log",
                    missingIsFine: false)
            case .missing:
                if case .missing(let component) = access.check(
                    mention.path, need: [], account: account.account)
                {
                    evidence.append(
                        "named in the log \(mention.path): does not exist (\(component.shown) is missing)")
                    failures.append("\(mention.path) does not exist")
                }
            case .readOnly:
                evidence.append("named in the log \(mention.path): on a read-only file system")
                failures.append("\(mention.path) is on a read-only file system")
            }
        }
        if let first = failures.first {
            return CheckResult(kind: .permissions, outcome: .failed, summary: first, evidence: evidence)
        }
        if evidence.isEmpty {
            return CheckResult(
                kind: .permissions, outcome: .notApplicable,
                summary: "no working directory, service directories or paths in the errors to check")
        }
        return CheckResult(
            kind: .permissions, outcome: .passed,
            summary: "\(account.userText) can use every path checked (by mode bits)", evidence: evidence)
    }

    /// "-/srv/x" (ignore if missing), "~" (the user's home: not checked).
    private func workingDirectoryPath(_ value: String?) -> (path: String, optional: Bool)? {
        guard var value, !value.isEmpty, value != "~" else { return nil }
        var optional = false
        if value.hasPrefix("-") {
            optional = true
            value.removeFirst()
        }
        if value.hasPrefix("!") { value.removeFirst() }
        return value.hasPrefix("/") ? (value, optional) : nil
    }

    /// A denied path: a directory needs search and, when the line speaks of creating or writing,
    /// write; a file needs read, and write when the line speaks of writing or it is a log.
    static func need(for mention: ErrorPaths.Mention) -> PathAccess.Need {
        let lower = mention.line.lowercased()
        let writes = ["write", "creat", "mkdir", "append", "open()", "log", "pid", "bind"].contains {
            lower.contains($0)
        }
        return writes ? [.read, .write] : [.read]
    }
}
