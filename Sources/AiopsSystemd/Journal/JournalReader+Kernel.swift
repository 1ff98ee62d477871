import AiopsCore

/// The kernel's own messages as journald keeps them. journald copies every /dev/kmsg record into
/// the journal with `_TRANSPORT=kernel`, where it outlives the ring buffer (a busy kernel
/// overwrites the ring within hours; a week-old OOM kill is only in the journal). `_TRANSPORT` is
/// set by journald from where the record came in: no process can send an entry that has it.
extension JournalReader {
    public struct KernelQuery: Sendable {
        /// Only entries from this Unix time (seconds) on.
        public var sinceSeconds: Int64?
        /// A PCRE2 pattern for MESSAGE (`journalctl --grep`), so only the lines that matter cross
        /// the pipe. journalctl needs PCRE2 for it; where it has none, every kernel entry of the
        /// period is read instead, and the caller's own filter does the narrowing.
        public var grep: String?
        /// The fields to print (`--output-fields`); the cursor, both timestamps and the boot id
        /// are always printed.
        public var fields: [String]

        public init(sinceSeconds: Int64?, grep: String?, fields: [String]) {
            self.sinceSeconds = sinceSeconds
            self.grep = grep
            self.fields = fields
        }
    }

    public struct KernelStatistics: Sendable, Equatable {
        public var entries = 0
        public var malformed = 0
        /// journalctl applied `grep`; false when it could not and everything was read.
        public var narrowed = false
    }

    /// journalctl's arguments: the kernel transport from every boot (`-k` would mean this boot
    /// only), with `--grep` when `grep` is true.
    public func kernelArguments(_ query: KernelQuery, grep: Bool) -> [String] {
        var arguments = [journalctl, "--no-pager", "-o", "json"]
        if let directory { arguments += ["-D", directory] }
        if let since = query.sinceSeconds { arguments.append("--since=@\(since)") }
        if !query.fields.isEmpty {
            arguments.append("--output-fields=" + query.fields.joined(separator: ","))
        }
        if grep, let pattern = query.grep { arguments.append("--grep=" + pattern) }
        return arguments + ["_TRANSPORT=kernel"]
    }

    /// Streams the kernel's entries of `query`, oldest first.
    @discardableResult
    public func readKernel(_ query: KernelQuery, entry: (JournalEntry) -> Void) throws(AiopsError)
        -> KernelStatistics
    {
        if query.grep != nil {
            var handed = 0
            let (statistics, outcome) = try run(kernelArguments(query, grep: true)) { parsed in
                handed += 1
                entry(parsed)
            }
            // journalctl 252 exits 1 when --grep matched nothing, silently: no OOM line in the period.
            let nothingMatched = outcome.status == 1 && handed == 0 && outcome.standardError.isEmpty
            if (outcome.status == 0 || nothingMatched), !outcome.timedOut {
                return .init(entries: statistics.entries, malformed: statistics.malformed, narrowed: true)
            }
            // journalctl without PCRE2 ("Compiled without pattern matching support", or the
            // library missing at run time) refuses --grep with a message before it prints
            // anything: read the period unfiltered then. A timeout or a failure after output is
            // no such refusal.
            guard handed == 0, !outcome.timedOut else {
                try Self.check(outcome, timeoutSeconds: runner.timeoutSeconds)
                return .init()
            }
        }
        let statistics = try stream(kernelArguments(query, grep: false), entry: entry)
        return .init(entries: statistics.entries, malformed: statistics.malformed, narrowed: false)
    }
}
