import AiopsCore

/// Configuration syntax: the unit file as systemd read it (LoadState=bad-setting, and
/// `systemd-analyze verify`), and the daemon's own configuration through its checker.
public struct ConfigurationCheck: Sendable {
    /// What one checker run showed.
    public struct Run: Sendable {
        public var argv: [String]
        public var ending: BoundedCommand.Ending?
        /// Its output, terminal-safe, at most `shownLines` lines.
        public var lines: [String]
        /// Why it could not run ("not installed").
        public var problem: String?
    }

    static let shownLines = 20
    public var timeoutSeconds: Double

    public init(timeoutSeconds: Double = 20) {
        self.timeoutSeconds = timeoutSeconds
    }

    public func run(
        unit: String, loadState: String?, loadError: String?, fragmentPath: String?, commands: [ExecCommand]
    ) -> (CheckResult, [Run]) {
        var runs: [Run] = []
        var evidence: [String] = []
        var failures: [String] = []
        var unknowns: [String] = []
        if loadState == "bad-setting" || loadState == "error" {
            failures.append("systemd could not load \(unit) (LoadState=\(loadState ?? ""))")
            evidence.append("LoadState=\(loadState ?? "") \(loadError ?? "")")
        }
        if let fragmentPath {
            let verify = execute(["systemd-analyze", "verify", "--", fragmentPath])
            runs.append(verify)
            if let problem = verify.problem {
                unknowns.append("systemd-analyze: \(problem)")
            } else if verify.ending == .exited(0) {
                evidence.append("systemd-analyze verify \(fragmentPath): no errors")
            } else {
                failures.append("systemd-analyze verify reports errors in \(fragmentPath)")
            }
            evidence += verify.lines.map { "  " + $0 }
        }
        var checked = Set<[String]>()
        for command in commands {
            guard let checker = ConfigCheckers.checker(for: command), checked.insert(checker.argv).inserted
            else {
                continue
            }
            let result = execute(checker.argv)
            runs.append(result)
            let shown = checker.argv.joined(separator: " ")
            if let problem = result.problem {
                unknowns.append("\(shown): \(problem)")
                evidence.append("\(shown): \(problem)")
            } else if result.ending == .exited(0) {
                evidence.append("\(shown): syntax OK" + (checker.file.map { " (\($0))" } ?? ""))
            } else {
                failures.append("\(shown) reports errors" + (checker.file.map { " in \($0)" } ?? ""))
                evidence.append("\(shown): \(Self.describe(result.ending))")
            }
            evidence += result.lines.map { "  " + $0 }
        }
        if let first = failures.first {
            return (
                CheckResult(kind: .configuration, outcome: .failed, summary: first, evidence: evidence), runs
            )
        }
        if let first = unknowns.first {
            return (
                CheckResult(kind: .configuration, outcome: .unknown, summary: first, evidence: evidence), runs
            )
        }
        if runs.isEmpty {
            return (
                CheckResult(
                    kind: .configuration, outcome: .notApplicable,
                    summary: "no unit file and no known configuration checker"),
                runs
            )
        }
        let checkers = runs.count - (fragmentPath == nil ? 0 : 1)
        return (
            CheckResult(
                kind: .configuration, outcome: .passed,
                summary: checkers > 0
                    ? "the unit file and the daemon's configuration are valid"
                    : "the unit file is valid (no configuration checker known for this program)",
                evidence: evidence),
            runs
        )
    }

    func execute(_ argv: [String]) -> Run {
        do {
            let result = try BoundedCommand(argv, timeoutSeconds: timeoutSeconds, outputLimit: 64 * 1024)
                .run()
            let text = UntrustedText(bytes: result.standardOutput + result.standardError)
            let lines = text.bytes.split(separator: UInt8(ascii: "\n")).map { UntrustedText($0).terminalSafe }
            return Run(
                argv: argv, ending: result.ending,
                lines: Array(lines.suffix(Self.shownLines)),
                problem: result.ending == .timedOut ? "timed out" : nil)
        } catch .notFound(let name) {
            return Run(argv: argv, ending: nil, lines: [], problem: "\(name) is not installed")
        } catch {
            return Run(argv: argv, ending: nil, lines: [], problem: "could not be started")
        }
    }

    static func describe(_ ending: BoundedCommand.Ending?) -> String {
        switch ending {
        case .exited(let code): return "exit status \(code)"
        case .signalled(let signal): return "killed by \(SignalName.of(signal))"
        case .timedOut: return "timed out"
        case nil: return "did not run"
        }
    }
}
