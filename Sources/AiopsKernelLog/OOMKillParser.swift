import AiopsCore

/// Reads OOM kills out of kernel log messages (kernel ≥ 5.0 wording):
///   oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,
///     oom_memcg=/system.slice/x.service,task_memcg=/system.slice/x.service,task=python3,pid=32167,uid=0
///   Memory cgroup out of memory: Killed process 32167 (python3) total-vm:218760kB, anon-rss:50944kB, …
/// The task name may contain ",", ")" or "pid=": fields are taken from fixed tokens, task_memcg
/// from its key up to ",task=", and the name from between the keys that surround it.
public struct OOMKillParser: Sendable {
    private var pending: [KernelOOMKill] = []
    public private(set) var kills: [KernelOOMKill] = []

    public init() {}

    /// How every OOM-kill line the kernel writes begins (the constraint is one of NONE, CPUSET,
    /// MEMORY_POLICY, MEMCG). Longer than a task name on purpose: a process can name itself
    /// `oom-kill:` (15 bytes at most), and the kernel starts its own lines about that process —
    /// "oom-kill:[4242]: segfault at … in x,constraint=…,task=nginx,pid=…" — with that name.
    /// Only the kernel can write 31 bytes of this prefix.
    public static let linePrefix = "oom-kill:constraint=CONSTRAINT_"

    /// Feeds one kernel message logged at `time` (Unix µs).
    public mutating func add(_ message: [UInt8], time: Int64) {
        let text = String(decoding: message, as: UTF8.self)
        if text.hasPrefix(Self.linePrefix) {
            if let kill = Self.parseOOMKillLine(text, time: time) { kills.append(kill) }
        } else if let range = text.firstRange(of: "Killed process ") {
            // "… Killed process N (comm) total-vm:NkB, anon-rss:NkB, …": attach to the last kill of N.
            let rest = text[range.upperBound...]
            guard let space = rest.firstIndex(of: " "), let pid = Int32(rest[..<space]),
                let index = kills.lastIndex(where: { $0.pid == pid && $0.anonymousResidentKB == nil })
            else { return }
            kills[index].anonymousResidentKB = Self.kilobytes(after: "anon-rss:", in: text)
            kills[index].totalVirtualKB = Self.kilobytes(after: "total-vm:", in: text)
        }
    }

    static func parseOOMKillLine(_ text: String, time: Int64) -> KernelOOMKill? {
        guard let constraint = value(of: "constraint=", in: text, until: ","),
            let taskCgroup = value(of: "task_memcg=", in: text, until: ",task="),
            let pidText = lastValue(of: ",pid=", in: text, until: ","), let pid = Int32(pidText),
            let taskStart = text.firstRange(of: ",task=")?.upperBound,
            let pidStart = text.ranges(of: ",pid=").last?.lowerBound, taskStart <= pidStart
        else { return nil }
        return KernelOOMKill(
            time: time, constraint: constraint, taskCgroup: taskCgroup,
            limitCgroup: value(of: "oom_memcg=", in: text, until: ",task_memcg="), pid: pid,
            command: String(text[taskStart..<pidStart]))
    }

    private static func value(of key: String, in text: String, until end: String) -> String? {
        guard let start = text.firstRange(of: key)?.upperBound else { return nil }
        let rest = text[start...]
        let stop = rest.firstRange(of: end)?.lowerBound ?? rest.endIndex
        return String(rest[..<stop])
    }

    private static func lastValue(of key: String, in text: String, until end: String) -> String? {
        guard let start = text.ranges(of: key).last?.upperBound else { return nil }
        let rest = text[start...]
        let stop = rest.firstRange(of: end)?.lowerBound ?? rest.endIndex
        return String(rest[..<stop])
    }

    private static func kilobytes(after key: String, in text: String) -> UInt64? {
        guard let start = text.firstRange(of: key)?.upperBound else { return nil }
        return UInt64(text[start...].prefix { $0.isNumber })
    }
}
