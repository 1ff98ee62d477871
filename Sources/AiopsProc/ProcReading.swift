import AiopsCore

/// Why a /proc file gave no value. Kept apart from a value of zero: an operator reading
/// "IO 0 B/s" for a process whose IO counters were merely unreadable would draw the wrong
/// conclusion, so every resource figure says whether it was read or why not.
public enum ProcUnavailable: String, Hashable, Sendable {
    /// EACCES/EPERM: another user's process (ptrace access mode checks), hidepid=, a sandbox.
    case permission
    /// The process exists but this kernel has no such file (e.g. smaps_rollup before 4.14,
    /// /proc/<pid>/io without CONFIG_TASK_IO_ACCOUNTING).
    case missing
    /// The process went away while it was being read.
    case gone
    /// Read, but not in a format we understand (truncated, foreign): not believed.
    case malformed
    /// Any other errno.
    case failed

    /// Words for a report: "unavailable (permission)".
    public var text: String { "unavailable (\(rawValue))" }
}

/// A value read from /proc, or the reason it could not be.
public enum ProcReading<Value> {
    case value(Value)
    case unavailable(ProcUnavailable)

    public var value: Value? {
        if case .value(let value) = self { return value }
        return nil
    }

    public var unavailableReason: ProcUnavailable? {
        if case .unavailable(let reason) = self { return reason }
        return nil
    }

    public func map<T>(_ transform: (Value) -> T) -> ProcReading<T> {
        switch self {
        case .value(let value): return .value(transform(value))
        case .unavailable(let reason): return .unavailable(reason)
        }
    }
}

extension ProcReading: Sendable where Value: Sendable {}
extension ProcReading: Equatable where Value: Equatable {}
extension ProcReading: Hashable where Value: Hashable {}

extension ProcFS {
    /// Reads `/proc/<pid>/<file>` and parses it; ENOENT is told apart into "the process is gone"
    /// and "this kernel has no such file" by whether /proc/<pid> itself is still there.
    public func reading<T>(
        pid: Int32, _ file: String, limit: Int = 64 * 1024, parse: ([UInt8]) -> T?
    ) -> ProcReading<T> {
        switch read("\(pid)/\(file)", limit: limit) {
        case .bytes(let bytes, _):
            guard let value = parse(bytes) else { return .unavailable(.malformed) }
            return .value(value)
        case .gone: return .unavailable(exists(pid: pid) ? .missing : .gone)
        case .denied: return .unavailable(.permission)
        case .failed: return .unavailable(.failed)
        }
    }
}
