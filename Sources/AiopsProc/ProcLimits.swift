/// /proc/<pid>/limits: the process's rlimits as the kernel enforces them, which can differ from
/// the shell's `ulimit` (prlimit(1), systemd's Limit*=, a setrlimit() in the program).
///
/// The file is a fixed-width table written with "%-25s %-20s %-20s %-10s": a header line, then
/// one line per resource, "unlimited" for RLIM_INFINITY and no unit for the nice and realtime
/// priorities. Names are matched against the kernel's own list, so the parse does not depend on
/// the column widths; an unknown name (a future kernel) falls back to the 25-column name field.
public struct ResourceLimit: Hashable, Sendable {
    public enum Value: Hashable, Sendable {
        case unlimited
        case limited(UInt64)

        /// The number, nil when unlimited.
        public var number: UInt64? {
            if case .limited(let value) = self { return value }
            return nil
        }
    }

    /// The resources Linux has limits for, in the kernel's order; the raw value is the key JSON
    /// uses.
    public enum Kind: String, CaseIterable, Hashable, Sendable {
        case cpuTime = "cpu_time"
        case fileSize = "file_size"
        case dataSize = "data_size"
        case stackSize = "stack_size"
        case coreFileSize = "core_file_size"
        case residentSet = "resident_set"
        case processes
        case openFiles = "open_files"
        case lockedMemory = "locked_memory"
        case addressSpace = "address_space"
        case fileLocks = "file_locks"
        case pendingSignals = "pending_signals"
        case messageQueueSize = "msgqueue_size"
        case nicePriority = "nice_priority"
        case realtimePriority = "realtime_priority"
        case realtimeTimeout = "realtime_timeout"

        /// The name the kernel prints (fs/proc/base.c, lnames[]).
        public var kernelName: String {
            switch self {
            case .cpuTime: return "Max cpu time"
            case .fileSize: return "Max file size"
            case .dataSize: return "Max data size"
            case .stackSize: return "Max stack size"
            case .coreFileSize: return "Max core file size"
            case .residentSet: return "Max resident set"
            case .processes: return "Max processes"
            case .openFiles: return "Max open files"
            case .lockedMemory: return "Max locked memory"
            case .addressSpace: return "Max address space"
            case .fileLocks: return "Max file locks"
            case .pendingSignals: return "Max pending signals"
            case .messageQueueSize: return "Max msgqueue size"
            case .nicePriority: return "Max nice priority"
            case .realtimePriority: return "Max realtime priority"
            case .realtimeTimeout: return "Max realtime timeout"
            }
        }
    }

    /// The kernel's name for it ("Max open files"); kept even for kinds we know, so a report
    /// shows exactly what the file said.
    public var name: String
    /// nil for a resource this code does not know.
    public var kind: Kind?
    public var soft: Value
    public var hard: Value
    /// "files", "bytes", "seconds", "us"…; nil for the priorities.
    public var unit: String?

    public init(name: String, kind: Kind?, soft: Value, hard: Value, unit: String?) {
        self.name = name
        self.kind = kind
        self.soft = soft
        self.hard = hard
        self.unit = unit
    }
}

public enum ProcLimits {
    /// nil when the text is not a limits table (no header line). Lines that do not parse (a cut
    /// read, garbage) are dropped one by one.
    public static func parse(_ bytes: [UInt8]) -> [ResourceLimit]? {
        let complete = bytes[..<((bytes.lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1)]
        var lines = complete.split(separator: UInt8(ascii: "\n"))[...]
        guard let header = lines.popFirst(), header.starts(with: Array("Limit ".utf8)) else { return nil }
        var limits: [ResourceLimit] = []
        for line in lines {
            if let limit = parseLine(line) { limits.append(limit) }
        }
        return limits
    }

    static func parseLine(_ line: ArraySlice<UInt8>) -> ResourceLimit? {
        let kind = ResourceLimit.Kind.allCases.first { kind in
            let name = Array(kind.kernelName.utf8)
            return line.starts(with: name) && line.dropFirst(name.count).first == 32
        }
        let nameLength = kind.map { $0.kernelName.utf8.count } ?? 25
        guard line.count > nameLength else { return nil }
        let nameBytes = line.prefix(nameLength).dropLast(while: { $0 == 32 })
        // Names are the kernel's own ASCII; anything else is not a limits line.
        guard !nameBytes.isEmpty, nameBytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        let fields = line.dropFirst(nameLength).split(separator: 32)
        guard fields.count == 2 || fields.count == 3, let soft = value(fields[0]), let hard = value(fields[1])
        else { return nil }
        var unit: String?
        if fields.count == 3 {
            guard fields[2].allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return nil }  // a-z
            unit = String(decoding: fields[2], as: UTF8.self)
        }
        return ResourceLimit(
            name: String(decoding: nameBytes, as: UTF8.self), kind: kind, soft: soft, hard: hard, unit: unit)
    }

    private static func value(_ field: ArraySlice<UInt8>) -> ResourceLimit.Value? {
        if field.elementsEqual("unlimited".utf8) { return .unlimited }
        return UInt64(ascii: field).map { .limited($0) }
    }
}

extension Array where Element == ResourceLimit {
    public subscript(kind: ResourceLimit.Kind) -> ResourceLimit? {
        first { $0.kind == kind }
    }
}
