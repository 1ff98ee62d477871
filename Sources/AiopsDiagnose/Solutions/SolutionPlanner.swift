import AiopsCore

/// Solutions ranked by what the checks proved, most likely first, each with exact commands,
/// and a one-line quick fix for the first.
///
/// The order follows what stopped the start: a failed dependency means the unit's own process
/// never ran; a systemd step failure (203/EXEC, 200/CHDIR…) means it never got to exec; then a
/// port held by someone else, then a configuration the daemon rejects, then permissions.
public struct SolutionPlanner: Sendable {
    public struct Facts: Sendable {
        public var unit: String
        public var checks: [CheckResult]
        public var portConflicts: [PortConflict]
        /// Dependencies that keep the unit from starting (DependencyCheck.Dependency.blocksStart).
        public var brokenDependencies: [String]
        /// Units it is only ordered after (After=) that failed: a lead, never the cause.
        public var orderedAfterFailed: [String]
        public var failingChecker: [String]?
        public var checkerFile: String?
        /// Executables that are missing (true) or present but not executable (false).
        public var badExecutables: [(path: String, missing: Bool)]
        /// Paths the service's user cannot use, with whether they are missing.
        public var deniedPaths: [(path: String, missing: Bool)]
        public var user: String?
        public var exit: UnitExitStatus?

        public init(
            unit: String, checks: [CheckResult], portConflicts: [PortConflict], brokenDependencies: [String],
            orderedAfterFailed: [String] = [], failingChecker: [String]?, checkerFile: String?,
            badExecutables: [(path: String, missing: Bool)], deniedPaths: [(path: String, missing: Bool)],
            user: String?, exit: UnitExitStatus?
        ) {
            self.unit = unit
            self.checks = checks
            self.portConflicts = portConflicts
            self.brokenDependencies = brokenDependencies
            self.orderedAfterFailed = orderedAfterFailed
            self.failingChecker = failingChecker
            self.checkerFile = checkerFile
            self.badExecutables = badExecutables
            self.deniedPaths = deniedPaths
            self.user = user
            self.exit = exit
        }

        func failed(_ kind: CheckResult.Kind) -> Bool {
            checks.contains { $0.kind == kind && $0.outcome == .failed }
        }
    }

    public struct Plan: Sendable {
        /// The most likely cause, in one sentence; nil when no check failed.
        public var cause: String?
        public var causeKind: CheckResult.Kind?
        public var solutions: [Solution]
        public var quickFix: String
    }

    public init() {}

    public func plan(_ facts: Facts) -> Plan {
        // Quoted once for every command (and title) built below: an escaped unit name such as
        // "systemd-fsck@dev-disk-by\\x2duuid….service" must survive being pasted into a shell.
        let unit = ShellWord.quote(facts.unit)
        let start = "sudo systemctl start \(unit)"
        var solutions: [Solution] = []
        var cause: String?
        var causeKind: CheckResult.Kind?
        var quickFix: String?
        func claim(_ kind: CheckResult.Kind, _ text: String, _ fix: String) {
            if cause == nil {
                cause = text
                causeKind = kind
                quickFix = fix
            }
        }

        // A port someone holds, or the journal said was taken.
        func portSolutions(_ conflict: PortConflict) {
            let port = conflict.port
            // A socket unit's port is bound by systemd: the socket is what failed and what to
            // start again (with the service, which it activates).
            let socket = conflict.socket.map { ShellWord.quote($0.unit) }
            let startAgain = socket.map { "sudo systemctl start \($0) \(unit)" } ?? start
            let subject = socket.map { "\($0) cannot listen on port \(port): it" } ?? "port \(port)"
            let startWhat = socket.map { "\($0) and \(unit)" } ?? unit
            if let owner = conflict.owners.first {
                let name = owner.process.stat.comm.terminalSafe
                if owner.pid == 1 {
                    // systemd listens there for another socket unit: killing PID 1 is never the fix.
                    claim(
                        .portConflict, "\(subject) is held by systemd (PID 1) for a socket unit",
                        "systemctl list-sockets --all --no-pager   # the .socket listening on port \(port)")
                    solutions.append(
                        Solution(
                            title:
                                "Stop the socket unit that listens on port \(port) (systemd holds it for that "
                                + "unit's service), then start \(startWhat)",
                            commands: [
                                "systemctl list-sockets --all --no-pager",
                                "sudo systemctl stop <the .socket listening on port \(port)>", startAgain,
                            ],
                            recommended: true))
                } else if let holder = owner.unit, holder.hasSuffix(".service"), holder != facts.unit {
                    let other = ShellWord.quote(holder)
                    claim(
                        .portConflict, "\(subject) is held by \(other) (PID \(owner.pid), \(name))",
                        "sudo systemctl stop \(other) && \(startAgain)")
                    solutions.append(
                        Solution(
                            title: "Stop the conflicting service \(other), then start \(startWhat)",
                            commands: ["sudo systemctl stop \(other)", startAgain], recommended: true))
                } else {
                    claim(
                        .portConflict,
                        "\(subject) is held by PID \(owner.pid) (\(name))"
                            + (owner.unit.map { " in \($0)" } ?? ""),
                        "sudo kill \(owner.pid) && \(startAgain)")
                    solutions.append(
                        Solution(
                            title:
                                "Stop the process holding port \(port) (PID \(owner.pid), \(name)), then start \(startWhat)",
                            commands: [
                                "ps -o pid,user,lstart,args -p \(owner.pid)", "sudo kill \(owner.pid)",
                                startAgain,
                            ],
                            recommended: true))
                }
                solutions.append(moveSolution(conflict, unit: unit, start: startAgain))
            } else if conflict.unattributedSockets > 0 {
                claim(
                    .portConflict, "\(subject) is in use by a process aiops cannot see",
                    "sudo ss -ltnp 'sport = :\(port)'")
                solutions.append(
                    Solution(
                        title: "Find who holds port \(port) (run as root to see every process)",
                        commands: ["sudo ss -ltnup 'sport = :\(port)'", startAgain], recommended: true))
                solutions.append(moveSolution(conflict, unit: unit, start: startAgain))
            } else {
                let failed = socket ?? unit
                claim(
                    .portConflict,
                    socket.map { "\($0) could not listen on port \(port), in use then; it is free now" }
                        ?? "port \(port) was in use when \(unit) started; it is free now",
                    "sudo systemctl reset-failed \(failed) && \(startAgain)")
                solutions.append(
                    Solution(
                        title: "Start again: whatever held port \(port) has gone",
                        commands: ["sudo systemctl reset-failed \(failed)", startAgain], recommended: true))
            }
        }
        func proven(_ conflict: PortConflict) -> Bool { !conflict.owners.isEmpty || conflict.reportedInUse }

        // The failed dependency is the service's socket, which could not listen on a port someone
        // holds: that port is the cause, and comes first, where the dependency would.
        let socketConflict = facts.brokenDependencies.first.flatMap { dependency in
            facts.portConflicts.first { $0.socket?.unit == dependency && proven($0) }
        }
        if let socketConflict {
            portSolutions(socketConflict)
        } else if facts.failed(.dependencies) {
            let dependency = facts.brokenDependencies.first.map(ShellWord.quote)
            let name = dependency ?? "the failed dependency"
            claim(
                .dependencies, "a dependency failed: \(name) — systemd never started \(unit)",
                dependency.map { "aiops diagnose start-failure --name \($0)" }
                    ?? "systemctl list-units --failed")
            if let dependency {
                solutions.append(
                    Solution(
                        title: "Fix the dependency \(dependency) first (starting \(unit) starts it again)",
                        commands: [
                            "aiops diagnose start-failure --name \(dependency)",
                            "journalctl -u \(dependency) -n 50 --no-pager", start,
                        ]))
                solutions.append(
                    Solution(
                        title:
                            "If \(unit) can run without it, make the dependency soft (Wants= instead of Requires=)",
                        commands: [
                            "sudo systemctl edit \(unit)   # [Unit] Wants=\(dependency), drop it from Requires=",
                            "sudo systemctl daemon-reload", start,
                        ]))
            } else {
                solutions.append(
                    Solution(
                        title: "Find the failed unit", commands: ["systemctl list-units --failed", start]))
            }
        }

        for bad in facts.badExecutables {
            let quoted = ShellWord.quote(bad.path)
            if bad.missing {
                claim(
                    .executable, "the program \(bad.path) does not exist (ExecStart=)",
                    "systemctl cat \(unit)   # then fix ExecStart= with: sudo systemctl edit --full \(unit)")
                solutions.append(
                    Solution(
                        title: "Install the program, or point ExecStart= at where it really is",
                        commands: [
                            "ls -l \(quoted)", "command -v \(ShellWord.quote(lastComponent(bad.path)))",
                            "sudo systemctl edit --full \(unit)   # fix the ExecStart= path",
                            "sudo systemctl daemon-reload", start,
                        ]))
            } else {
                claim(
                    .executable, "\(bad.path) cannot be executed by the service's user",
                    "sudo chmod 755 \(quoted) && \(start)")
                solutions.append(
                    Solution(
                        title: "Make \(bad.path) executable", commands: ["sudo chmod 755 \(quoted)", start]))
            }
        }

        for conflict in facts.portConflicts where proven(conflict) && conflict.port != socketConflict?.port {
            portSolutions(conflict)
        }

        if facts.failed(.configuration), let checker = facts.failingChecker {
            let command = ShellWord.join(checker)
            claim(
                .configuration, "the daemon's configuration has errors (\(command))",
                "sudo \(command) && \(start)")
            solutions.append(
                Solution(
                    title: "Fix the configuration error the checker reports",
                    commands: [
                        "sudo \(command)",
                        "sudoedit \(ShellWord.quote(facts.checkerFile ?? "<the file named above>"))", start,
                    ]))
        } else if facts.failed(.configuration) && !facts.failed(.executable) {
            // (verify also complains about a missing program: that has its own solution above)
            let summary = facts.checks.first { $0.kind == .configuration }?.summary
            claim(.configuration, summary ?? "the unit file has errors", "sudo systemctl edit --full \(unit)")
            solutions.append(
                Solution(
                    title: "Fix the unit file",
                    commands: [
                        "systemd-analyze verify \(unit)", "sudo systemctl edit --full \(unit)",
                        "sudo systemctl daemon-reload", start,
                    ]))
        }

        for denied in facts.deniedPaths {
            let quoted = ShellWord.quote(denied.path)
            let owner = facts.user.map(ShellWord.quote) ?? "root"
            guard ServiceOwnedPaths.mayHandOver(denied.path) else {
                // A path from the error text outside the places services own (/etc/shadow, a
                // binary in /usr): handing it to the service's user would be the wrong fix,
                // and the text may come from the service itself. Say so; suggest no chown.
                solutions.append(
                    Solution(
                        title:
                            "Find out why the service needs \(denied.path): a system path, whose owner "
                            + "should not change for one service",
                        commands: ["ls -ld \(quoted)", "systemctl cat \(unit)"]))
                continue
            }
            if denied.missing {
                claim(
                    .permissions, "\(denied.path) does not exist",
                    "sudo install -d -o \(owner) \(quoted) && \(start)")
                solutions.append(
                    Solution(
                        title: "Create \(denied.path) for the service's user",
                        commands: ["sudo install -d -o \(owner) \(quoted)", start]))
            } else {
                claim(
                    .permissions, "the service's user cannot use \(denied.path)",
                    "sudo chown \(owner) \(quoted) && \(start)")
                solutions.append(
                    Solution(
                        title: "Give the service's user (\(facts.user ?? "root")) access to \(denied.path)",
                        commands: ["ls -ld \(quoted)", "sudo chown \(owner) \(quoted)", start]))
            }
        }

        if solutions.isEmpty {
            let status = facts.exit.map { " (status \($0.statusText))" } ?? ""
            solutions.append(
                Solution(
                    title: "No check found the cause\(status): read the service's own messages",
                    commands: [
                        "journalctl -u \(unit) -n 100 --no-pager", "systemctl cat \(unit)",
                        "sudo systemctl reset-failed \(unit)", start,
                    ]))
        }
        if !solutions.contains(where: \.recommended) { solutions[0].recommended = true }
        // Never the cause (After= does not block a start), but the likeliest lead when the
        // service needs what a unit it waits for provides.
        for ordered in facts.orderedAfterFailed.map(ShellWord.quote) {
            solutions.append(
                Solution(
                    title:
                        "\(ordered) failed; \(unit) is only ordered after it (After=), so it started anyway: "
                        + "if it needs what \(ordered) provides, fix that first (and add Requires=)",
                    commands: [
                        "aiops diagnose start-failure --name \(ordered)",
                        "journalctl -u \(ordered) -n 50 --no-pager",
                        start,
                    ]))
        }
        return Plan(
            cause: cause, causeKind: causeKind, solutions: solutions,
            quickFix: quickFix ?? "journalctl -u \(unit) -n 100 --no-pager")
    }

    private func moveSolution(_ conflict: PortConflict, unit: String, start: String) -> Solution {
        if let socket = conflict.socket {
            let name = ShellWord.quote(socket.unit)
            let directive = socket.directive
            return Solution(
                title: "Move \(name) to another port",
                commands: [
                    "sudo systemctl edit \(name)   # [Socket] \(directive)= (empty: drops port \(conflict.port)), "
                        + "then \(directive)=<a free port>",
                    "sudo systemctl daemon-reload", start,
                ])
        }
        let source = conflict.sources.first { $0.hasPrefix("/") }
        if let source, let colon = source.firstIndex(of: ":") {
            let file = String(source[..<colon])
            return Solution(
                title: "Move \(unit) to another port",
                commands: [
                    "sudoedit \(ShellWord.quote(file))   # \(source[source.index(after: colon)...].drop { $0 == " " }) → a free port",
                    start,
                ])
        }
        return Solution(
            title: "Move \(unit) to another port",
            commands: [
                "sudo systemctl edit --full \(unit)   # change port \(conflict.port) in ExecStart=",
                "sudo systemctl daemon-reload", start,
            ])
    }

    private func lastComponent(_ path: String) -> String {
        String(path.split(separator: "/").last ?? Substring(path))
    }
}
