import AiopsCore
import AiopsTrace
import ArgumentParser

/// `aiops trace`: a live session of process lifecycle events.
struct TraceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Trace process execs, forks, exits and signals live.",
        discussion: """
            Runs until Ctrl-C, SIGTERM or the end of --duration, then prints a summary that says
            what may have been missed (kernel and queue drops). With --json, one JSON object per
            line; the last line is the summary. Without root (or BTF), --backend auto falls back to
            the proc connector or /proc polling and says on stderr what that mode cannot see.
            """)

    @Option(
        help: ArgumentHelp(
            "How long to trace: 500ms, 30s, 5m, 2h (default: until Ctrl-C).", valueName: "duration"))
    var duration: String?

    @Option(
        help: ArgumentHelp(
            "Only this process and its descendants, including ones born during the trace.", valueName: "pid"))
    var pid: Int32?

    @Option(
        help: ArgumentHelp(
            "Only processes with this name (comm; the kernel keeps 15 characters).", valueName: "name"))
    var comm: String?

    @Option(
        help: ArgumentHelp(
            "Only processes in this systemd unit's cgroup (e.g. nginx or nginx.service).", valueName: "unit"))
    var unit: String?

    @Option(
        help: ArgumentHelp(
            "Only these event types, comma-separated (exec,exit), or all.", valueName: "types"))
    var events: EventKindList?

    @Flag(help: "Only abnormal exits: a non-zero exit code or death by a signal.")
    var failed = false

    @Flag(help: "Also show thread creation (fork events with thread=true).")
    var threads = false

    @Flag(name: .customLong("sigchld"), help: "Also show SIGCHLD (sent to a parent on every child exit).")
    var sigchld = false

    @OptionGroup var lifecycle: BackendOption

    @Flag(help: "One JSON object per line (schema in the README).")
    var json = false

    @Option(help: ArgumentHelp("Poll interval of --backend poll.", valueName: "duration"))
    var pollInterval: String = "250ms"

    @Option(
        help: ArgumentHelp(
            "BPF ring buffer size: a power of two from 64K to 1G (default 4M).", valueName: "size"))
    var ringSize: String?

    func validate() throws {
        _ = try options()
    }

    func run() async throws {
        let session = try TraceSession(options: options())
        try await session.run()
    }

    /// Parses and checks every option; throws ValidationError (exit 2) with the reason.
    func options() throws -> TraceOptions {
        var options = TraceOptions()
        if let duration { options.durationNanoseconds = try parseDuration(duration, option: "--duration") }
        options.pollIntervalNanoseconds = try parseDuration(pollInterval, option: "--poll-interval")
        if let pid {
            guard pid > 0 else { throw ValidationError("--pid must be a positive process id, not \(pid)") }
            options.pid = pid
        }
        if let comm {
            guard !comm.isEmpty else { throw ValidationError("--comm needs a process name") }
            options.comm = comm
        }
        if let unit {
            do { options.unit = try UnitName.normalize(unit) } catch {
                throw ValidationError("--unit: \(error)")
            }
        }
        options.backend = lifecycle.backend
        if let events {
            options.kinds = events.kinds
        } else if failed {
            options.kinds = [.exit]
        }
        options.onlyFailedExits = failed
        options.includeThreads = threads
        options.includeSIGCHLD = sigchld
        options.json = json
        if let ringSize { options.ringBytes = try parseRingSize(ringSize) }
        return options
    }
}

func parseDuration(_ text: String, option: String) throws -> UInt64 {
    // A command-line value is taken as typed: ' 1s' is a quoting mistake, not a duration.
    guard text.first?.isWhitespace != true, text.last?.isWhitespace != true else {
        throw ValidationError("\(option): '\(text)' has spaces around it")
    }
    do { return try DurationText.parseNanoseconds(text) } catch {
        throw ValidationError("\(option): \(error)")
    }
}

/// "4M", "64K", "1G", or bytes; a power of two between 64 KiB and 1 GiB (the kernel's rules for
/// ring buffers, plus sanity).
func parseRingSize(_ text: String) throws -> UInt32 {
    let units: [Character: UInt64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
    var digits = Substring(text.uppercased())
    var multiplier: UInt64 = 1
    if let last = digits.last, let unit = units[last] {
        multiplier = unit
        digits = digits.dropLast()
    }
    guard let value = UInt64(digits), value > 0, value <= (1 << 30) / multiplier else {
        throw ValidationError("--ring-size: '\(text)' is not a size between 64K and 1G")
    }
    let bytes = value * multiplier
    guard bytes >= 64 << 10, bytes & (bytes - 1) == 0 else {
        throw ValidationError("--ring-size: \(text) must be a power of two between 64K and 1G")
    }
    return UInt32(bytes)
}
