import AiopsCore
import AiopsProc
import AiopsSystemd

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the diagnosis of one unit: reads it and its journal through systemd, runs every check,
/// and plans the solutions.
public struct StartFailureDiagnoser: Sendable {

    static let properties = [
        "Id", "Description", "LoadState", "LoadError", "ActiveState", "SubState", "Result", "FragmentPath",
        "User", "Group", "SupplementaryGroups", "DynamicUser", "WorkingDirectory", "RuntimeDirectory",
        "StateDirectory", "CacheDirectory", "LogsDirectory", "ConfigurationDirectory", "PIDFile",
        "ExecStartPre",
        "ExecStart", "ExecMainCode", "ExecMainStatus", "ExecMainStartTimestamp", "InactiveEnterTimestamp",
        "Requires", "Requisite", "BindsTo", "Wants", "TriggeredBy", "After", "Environment",
    ]
    /// At most this many journal lines of the attempt are kept (the last ones: the error is at the end).
    public static let shownEntries = 40

    /// Journal entries read per unit: enough for a crash-looping unit's last attempt.
    public static let journalLimit = 2000

    public var systemd: SystemdReading
    public var procfs: ProcFS

    public init(systemd: SystemdReading = SystemdReading(), procfs: ProcFS = ProcFS()) {
        self.systemd = systemd
        self.procfs = procfs
    }

    /// `unit` is a validated, full unit name. Throws exit 69 when PID 1 is not systemd or there
    /// is no journal, 66 when systemd knows no such unit and the journal never heard of it.
    public func diagnose(unit: String) throws(AiopsError) -> StartFailureDiagnosis {
        try systemd.requireSystemd()
        let properties = try systemd.properties(of: unit, names: Self.properties)
        let entries = try systemd.entries(of: unit, limit: Self.journalLimit)
        if properties.loadState == "not-found" && entries.isEmpty {
            throw AiopsError(
                .noSuchTarget,
                "no unit named \(unit): systemd does not know it and the journal never mentions it",
                hint: "systemctl list-units --all --type=service lists the units systemd knows")
        }

        let attempt = StartAttempt.last(in: entries)
        var notes: [String] = []
        if geteuid() != 0 {
            notes.append("not run as root: other users' processes and some journal entries may be hidden")
        }
        let account: ServiceAccount.Resolved?
        if properties.plain("DynamicUser") == "yes" {
            account = nil
            notes.append("DynamicUser=yes: the service's user exists only while it runs; access not computed")
        } else {
            do {
                account = try ServiceAccount.resolve(
                    user: properties.plain("User"), group: properties.plain("Group"),
                    supplementary: properties.list("SupplementaryGroups"))
            } catch {
                account = nil
                notes.append("the service's user or group is unknown to this system: \(error)")
            }
        }
        let commands =
            properties.commands("ExecStartPre").map { ("ExecStartPre", $0) }
            + properties.commands("ExecStart").map { ("ExecStart", $0) }
        let errorLines = attempt?.messageLines ?? []

        // Dependencies.
        let dependencies = DependencyReader(systemd: systemd).read(properties)
        let (dependencyCheck, shownDependencies) = DependencyCheck().run(
            dependencies: dependencies,
            dependencyFailedLines: attempt?.dependencyFailedEntries.map(\.messageLine) ?? [])

        // Ports. A socket unit of the service that failed to listen is where a port conflict of
        // a socket-activated service is logged ("Failed to create listening socket ([::]:8080):
        // Address already in use"): systemd binds those ports, not the service.
        let socketErrorLines = shownDependencies.filter { $0.blocksStart && $0.unit.hasSuffix(".socket") }
            .flatMap(\.failureLines)
        let configured = ServicePorts(systemd: systemd).configured(properties, commands: commands.map(\.1))
        let (portCheck, conflicts) = PortConflictCheck(finder: PortOwnerFinder(procfs: procfs)).run(
            errorLines: errorLines + socketErrorLines, configured: configured)

        // Configuration.
        let (configCheck, runs) = ConfigurationCheck().run(
            unit: unit, loadState: properties.loadState, loadError: properties.text("LoadError"),
            fragmentPath: properties.plain("FragmentPath"), commands: commands.map(\.1))

        // Executables and permissions.
        let executableCheck = ExecutableCheck().run(commands: commands, account: account)
        // The programs themselves are the executable check's: not reported twice.
        let programPaths = Set(commands.map(\.1.path))
        let mentions = ErrorPaths.find(in: errorLines).filter { !programPaths.contains($0.path) }
        let program = commands.last?.1.programName
        let permissionCheck = PermissionCheck().run(
            PermissionCheck.Inputs(
                workingDirectory: properties.plain("WorkingDirectory"),
                declaredDirectories: declaredDirectories(properties),
                conventionalDirectories: program.map { ["/run/\($0)", "/var/lib/\($0)", "/var/log/\($0)"] }
                    ?? [],
                pidFile: properties.plain("PIDFile"), errorMentions: mentions),
            account: account)

        let checks = [portCheck, configCheck, dependencyCheck, executableCheck, permissionCheck]
        let exit = attempt?.exit ?? mainExit(properties)
        let facts = SolutionPlanner.Facts(
            unit: unit, checks: checks, portConflicts: conflicts,
            brokenDependencies: shownDependencies.filter(\.blocksStart).map(\.unit),
            orderedAfterFailed: DependencyCheck.orderedAfterFailed(shownDependencies).map(\.unit),
            failingChecker: runs.first {
                $0.argv.first != "systemd-analyze" && $0.ending != nil && $0.ending != .exited(0)
            }?
            .argv,
            checkerFile: commands.compactMap { ConfigCheckers.checker(for: $0.1)?.file }.first,
            badExecutables: badExecutables(commands, account: account),
            deniedPaths: deniedPaths(properties, mentions: mentions, account: account),
            user: properties.plain("User"), exit: exit)

        var shownAttempt = attempt
        var omitted = 0
        if let entries = attempt?.entries, entries.count > Self.shownEntries {
            omitted = entries.count - Self.shownEntries
            shownAttempt = StartAttempt(entries: Array(entries.suffix(Self.shownEntries)))
        }
        return StartFailureDiagnosis(
            unit: properties.id ?? unit, description: properties.text("Description"),
            loadState: properties.loadState, activeState: properties.activeState,
            subState: properties.subState,
            result: properties.result, fragmentPath: properties.plain("FragmentPath"),
            loadError: properties.text("LoadError"),
            user: account?.userText, attempt: shownAttempt, attemptEntriesOmitted: omitted,
            attemptTime: attempt?.startedMicroseconds, exit: exit, unitResult: attempt?.result,
            jobResult: attempt?.jobResult, checks: checks, portConflicts: conflicts,
            dependencies: shownDependencies, configurationRuns: runs, plan: SolutionPlanner().plan(facts),
            notes: notes)
    }

    private func declaredDirectories(_ properties: UnitProperties) -> [String] {
        let roots = [
            ("RuntimeDirectory", "/run"), ("StateDirectory", "/var/lib"), ("CacheDirectory", "/var/cache"),
            ("LogsDirectory", "/var/log"), ("ConfigurationDirectory", "/etc"),
        ]
        return roots.flatMap { key, root in
            properties.list(key).map { name in
                root + "/" + (name.split(separator: ":").first.map(String.init) ?? name)
            }
        }
    }

    private func mainExit(_ properties: UnitProperties) -> UnitExitStatus? {
        guard let code = properties.integer("ExecMainCode"), code != 0,
            let status = properties.integer("ExecMainStatus")
        else { return nil }
        let names = [1: "exited", 2: "killed", 3: "dumped"]
        guard let name = names[Int(code)] else { return nil }
        if name == "exited" && status == 0 { return nil }
        return UnitExitStatus(code: name, status: Int32(status))
    }

    private func badExecutables(
        _ commands: [(String, ExecCommand)], account: ServiceAccount.Resolved?
    ) -> [(path: String, missing: Bool)] {
        guard let account else { return [] }
        return commands.compactMap { _, command in
            switch PathAccess().check(command.path, need: .execute, account: account.account) {
            case .allowed(let facts): return facts.isRegularFile ? nil : (command.path, false)
            case .missing: return (command.path, true)
            default: return (command.path, false)
            }
        }
    }

    private func deniedPaths(
        _ properties: UnitProperties, mentions: [ErrorPaths.Mention], account: ServiceAccount.Resolved?
    ) -> [(path: String, missing: Bool)] {
        guard let account else { return [] }
        var result: [(path: String, missing: Bool)] = []
        var candidates: [(String, PathAccess.Need)] = []
        if let directory = properties.plain("WorkingDirectory"), directory.hasPrefix("/") {
            candidates.append((directory, [.read, .execute]))
        }
        for mention in mentions where mention.problem == .permissionDenied {
            candidates.append((mention.path, PermissionCheck.need(for: mention)))
        }
        for (path, need) in candidates where !result.contains(where: { $0.path == path }) {
            switch PathAccess().check(path, need: need, account: account.account) {
            case .allowed: break
            case .missing: result.append((path, true))
            default: result.append((path, false))
            }
        }
        return result
    }
}
