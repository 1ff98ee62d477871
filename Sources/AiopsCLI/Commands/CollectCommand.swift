import AiopsCore
import AiopsTrace
import ArgumentParser

/// `aiops collect`: snapshots and samples of what is running.
struct CollectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect", abstract: "Collect process snapshots and samples.",
        subcommands: [CollectProcessesCommand.self])
}

/// `aiops collect processes`: every process, with ps aux's columns (computed as ps computes
/// them) and more; with --duration, samples over a window plus every process that started or
/// exited in it, even those too short-lived to be sampled.
struct CollectProcessesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "processes",
        abstract: "List every process, or sample them over a window.",
        discussion: """
            Without --duration: one snapshot with the columns of `ps aux` (%CPU is CPU time over the
            process's life, as ps computes it) plus PPID, threads and the systemd unit.
            With --duration: samples every --interval; %CPU is then the CPU used during the window,
            with the peak RSS, and the processes that exited during the window are listed with their
            exit status, from the lifecycle tracer (BPF, else the proc connector, else polling).
            """)

    @Option(
        help: ArgumentHelp(
            "Sample over this window (e.g. 60s) instead of one snapshot.", valueName: "duration"))
    var duration: String?

    @Option(help: ArgumentHelp("Time between samples with --duration.", valueName: "duration"))
    var interval: String = "1s"

    @Option(
        help: ArgumentHelp(
            "The column to sort by (time is CPU time, start the start time).", valueName: "key"))
    var sort: CollectOptions.SortKey = .pid

    @Option(help: ArgumentHelp("Only the first N processes after sorting.", valueName: "n"))
    var top: Int?

    @OptionGroup var output: JSONOutputOption
    var json: Bool { output.json }

    @Flag(help: "CSV with a header line.")
    var csv = false

    /// Where the exits of a --duration window come from.
    @OptionGroup var lifecycle: BackendOption

    func validate() throws {
        _ = try options()
    }

    func run() async throws {
        let options = try options()
        if let window = options.durationNanoseconds {
            try await CollectWindowSession(options: options, durationNanoseconds: window).run()
        } else {
            try CollectSnapshotReport(options: options).print(samples: CollectSnapshotReport.takeSnapshot())
        }
    }

    func options() throws -> CollectOptions {
        var options = CollectOptions()
        if let duration { options.durationNanoseconds = try parseDuration(duration, option: "--duration") }
        options.intervalNanoseconds = try parseDuration(interval, option: "--interval")
        if let window = options.durationNanoseconds, options.intervalNanoseconds > window {
            throw ValidationError("--interval (\(interval)) is longer than --duration (\(duration ?? ""))")
        }
        options.sort = sort
        if let top {
            guard top > 0 else { throw ValidationError("--top must be a positive number, not \(top)") }
            options.top = top
        }
        guard !(json && csv) else { throw ValidationError("--json and --csv cannot be combined") }
        options.format = json ? .json : (csv ? .csv : .table)
        options.backend = lifecycle.backend
        return options
    }
}

struct CollectOptions {
    enum SortKey: String, CaseIterable, ExpressibleByArgument {
        case pid, cpu, mem, rss, time, start
    }

    enum Format {
        case table, json, csv
    }

    var durationNanoseconds: UInt64?
    var intervalNanoseconds: UInt64 = 1_000_000_000
    var sort = SortKey.pid
    var top: Int?
    var format = Format.table
    var backend = BackendChoice.auto
}
