import ArgumentParser

/// `aiops analyze`: analyses of one target (a process, a systemd service and its restarts;
/// crashes and trees are tracked as open issues).
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Analyze a process or a systemd service: resources, state, restarts.",
        subcommands: [AnalyzeProcessCommand.self, AnalyzeServiceCommand.self, AnalyzeRestartsCommand.self])
}

/// `aiops analyze process --pid PID --resources`.
struct AnalyzeProcessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "What a process uses — CPU, memory, IO, network, files, threads — against its limits.",
        discussion: """
            Samples the process every --interval for --duration, then reports usage next to the
            limits that apply (/proc/<pid>/limits and its cgroup's memory, pids and CPU limits),
            compares it with other processes of the same executable, and says whether RSS, open
            files or threads grew steadily over the window (a leak) — or that the window was too
            short to tell. Ctrl-C ends the window early and still reports. Values that could not
            be read (another user's process without root) are shown as unavailable, never as 0.
            """)

    @Option(help: ArgumentHelp("The process to analyze (a thread id means its process).", valueName: "pid"))
    var pid: Int32

    @Flag(help: "Resource usage, limits and trends (the default, and today the only analysis).")
    var resources = false

    @Option(
        help: ArgumentHelp(
            "How long to sample: 500ms, 10s, 5m (default 5s; leak verdicts need at least 10s).",
            valueName: "duration"))
    var duration: String = "5s"

    @Option(help: ArgumentHelp("Time between samples (default 1s, at least 50ms).", valueName: "duration"))
    var interval: String = "1s"

    @OptionGroup var output: JSONOutputOption
    var json: Bool { output.json }

    func validate() throws {
        _ = try options()
    }

    func run() throws {
        try ResourceSession(options: options()).run()
    }

    /// Parses and checks every option; throws ValidationError (exit 2) with the reason.
    func options() throws -> ResourceOptions {
        guard pid > 0 else { throw ValidationError("--pid must be a positive process id, not \(pid)") }
        let durationNanoseconds = try parseDuration(duration, option: "--duration")
        let intervalNanoseconds = try parseDuration(interval, option: "--interval")
        guard intervalNanoseconds >= ResourceOptions.minimumIntervalNanoseconds else {
            throw ValidationError(
                "--interval must be at least 50ms (reading /proc has a cost), not \(interval)")
        }
        guard intervalNanoseconds <= durationNanoseconds else {
            throw ValidationError("--interval (\(interval)) must not be longer than --duration (\(duration))")
        }
        guard durationNanoseconds / intervalNanoseconds <= ResourceOptions.maximumSamples else {
            throw ValidationError(
                "--duration \(duration) every \(interval) is more than \(ResourceOptions.maximumSamples) samples: "
                    + "use a longer --interval")
        }
        return ResourceOptions(
            pid: pid, durationNanoseconds: durationNanoseconds, intervalNanoseconds: intervalNanoseconds,
            json: json)
    }
}
