import AiopsCore
import AiopsStore
import AiopsTrace
import ArgumentParser

/// `--json` of the one-shot reports (analyze, diagnose, doctor): one declaration, one help text.
struct JSONOutputOption: ParsableArguments {
    @Flag(
        help:
            "One JSON object instead of the report (stable snake_case keys, a \"schema\" field; see the README)."
    )
    var json = false
}

/// `--backend` of the commands that follow process lifecycles (trace, monitor, collect --duration).
/// A value that is not a backend is refused by the parser: exit 2, naming the valid ones.
struct BackendOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Where process events come from: auto is BPF, else the proc connector, else /proc polling.",
            valueName: "backend"))
    var backend: BackendChoice = .auto
}

/// `--history`: the monitoring daemon's database, which the monitor writes and analyses read.
struct HistoryPathOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The monitoring daemon's history database (default \(HistoryStore.defaultPath)).",
            valueName: "path"))
    var history: String?
}

// The trace module's choice, read from the command line.
extension BackendChoice: ExpressibleByArgument {}

/// `--events exec,fork`: a comma-separated list of event types, or `all`.
struct EventKindList: ExpressibleByArgument {
    var kinds: Set<LifecycleEventKind>

    init?(argument: String) {
        var kinds: Set<LifecycleEventKind> = []
        for name in argument.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = name.trimmingCharacters(in: " ")
            if trimmed == "all" {
                kinds.formUnion(LifecycleEventKind.allCases)
            } else if let kind = LifecycleEventKind(rawValue: trimmed) {
                kinds.insert(kind)
            } else {
                return nil
            }
        }
        self.kinds = kinds
    }

    /// What the help and the parser's error name as valid (any comma-separated mix of them).
    static var allValueStrings: [String] { LifecycleEventKind.allCases.map(\.rawValue) + ["all"] }
}

extension StringProtocol {
    func trimmingCharacters(in set: Character) -> String {
        String(drop(while: { $0 == set }).reversed().drop(while: { $0 == set }).reversed())
    }
}
