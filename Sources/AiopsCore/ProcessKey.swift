/// A process's identity. PIDs wrap in under a minute of churn, so a PID alone never names a
/// process: (pid, start time) does, and it is the same whether the process was seen by BPF
/// (start_boottime in ns) or in /proc (stat field 22, in clock ticks).
public struct ProcessKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let pid: Int32
    /// Start time in clock ticks since boot (USER_HZ), the resolution /proc offers.
    public let startTicks: UInt64

    public init(pid: Int32, startTicks: UInt64) {
        self.pid = pid
        self.startTicks = startTicks
    }

    public init(pid: Int32, start: BootInstant) {
        self.init(pid: pid, startTicks: start.clockTicks)
    }

    public static func < (lhs: ProcessKey, rhs: ProcessKey) -> Bool {
        (lhs.pid, lhs.startTicks) < (rhs.pid, rhs.startTicks)
    }

    public var description: String { "\(pid)@\(startTicks)" }
}
