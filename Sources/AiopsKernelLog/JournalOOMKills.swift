import AiopsCore
import AiopsSystemd

/// OOM kills from the journal's copy of the kernel log. Over a week the /dev/kmsg ring has long
/// overwritten the OOM lines; journald keeps every kernel record as an entry with
/// `_TRANSPORT=kernel`, which only journald sets (from the /dev/kmsg it read), so no process can
/// forge one. Only those entries count, and of them only the kernel's own facility (0): a line
/// root wrote into /dev/kmsg also arrives over that transport, with facility 1 (user).
///
/// A real kernel OOM kill cannot be produced in the systemd lab on the development host (cgroup
/// v1: the lab's memory controller is read-only, and the lab has no /dev/kmsg), so this is tested
/// on journal entries in the exact form journalctl prints them.
public enum JournalOOMKills {
    public enum Outcome: Sendable {
        /// `entries`: kernel entries journalctl printed; `narrowed`: it applied `pattern` itself.
        case read(kills: [KernelOOMKill], entries: Int, narrowed: Bool)
        case unavailable(String)
    }

    /// The lines OOMKillParser reads: "oom-kill:constraint=…" and "… Killed process N (comm) …".
    /// Case-sensitive for journalctl (it has capitals).
    public static let pattern = "oom-kill:|Killed process"
    public static let fields = ["MESSAGE", "_TRANSPORT", "SYSLOG_FACILITY"]

    /// The kernel's OOM kills logged from `sinceSeconds` (Unix s) on, as the journal has them.
    public static func read(sinceSeconds: Int64, reader: JournalReader = JournalReader()) -> Outcome {
        var collector = Collector()
        do {
            let statistics = try reader.readKernel(
                .init(sinceSeconds: sinceSeconds, grep: pattern, fields: fields)
            ) { collector.add($0) }
            return .read(kills: collector.kills, entries: statistics.entries, narrowed: statistics.narrowed)
        } catch {
            return .unavailable(error.message)
        }
    }

    /// Feeds journal entries to the OOM parser: only the kernel's own, only the lines it reads.
    public struct Collector: Sendable {
        private var parser = OOMKillParser()
        /// Entries that claimed to be OOM lines but were not the kernel's (counted, not used).
        public private(set) var rejected = 0

        /// Without journalctl's --grep every kernel line of the period passes through here:
        /// memory stays bounded because only OOM lines are parsed and at most this many kills
        /// are kept (a machine OOM-killing more than this in a week is its own finding).
        public static let maximumKills = 10_000

        public init() {}

        public var kills: [KernelOOMKill] { parser.kills }

        public mutating func add(_ entry: JournalEntry) {
            guard let message = entry.bytes("MESSAGE"), Self.mayBeOOMLine(message),
                let time = entry.realtimeMicroseconds
            else { return }
            guard JournalOOMKills.isFromKernel(entry) else {
                rejected += 1
                return
            }
            guard parser.kills.count < Self.maximumKills || !message.starts(with: Self.oomKillPrefix) else {
                return
            }
            // journald's receipt time, not the kernel's own stamp (_SOURCE_MONOTONIC_TIMESTAMP):
            // the kernel's printk clock is not NTP-disciplined and drifts from CLOCK_MONOTONIC
            // (seconds after days of uptime), while systemd's "Main process exited" entry, which the kill is matched
            // to, is stamped by the same journald on receipt — both late alike when it lags.
            parser.add(message, time: time)
        }

        static let oomKillPrefix = Array(OOMKillParser.linePrefix.utf8)
        static let killedProcess = Array("Killed process ".utf8)

        static func mayBeOOMLine(_ message: [UInt8]) -> Bool {
            message.starts(with: oomKillPrefix) || contains(message, killedProcess)
        }

        static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
            guard bytes.count >= needle.count, let first = needle.first else { return false }
            var index = 0
            while index <= bytes.count - needle.count {
                if bytes[index] == first, bytes[index..<(index + needle.count)].elementsEqual(needle) {
                    return true
                }
                index += 1
            }
            return false
        }
    }

    /// journald's kernel transport, kernel facility. journald always records the facility of a
    /// /dev/kmsg record; an entry without one is taken as the kernel's.
    public static func isFromKernel(_ entry: JournalEntry) -> Bool {
        guard entry.word("_TRANSPORT") == "kernel" else { return false }
        guard entry.fields["SYSLOG_FACILITY"] != nil else { return true }
        return entry.word("SYSLOG_FACILITY") == "0"
    }
}
