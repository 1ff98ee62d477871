import AiopsCore

/// /proc/<pid>/stat, parsed exactly. The comm sits between the first "(" and the *last* ")":
/// it may itself contain spaces, parentheses, newlines and any byte (prctl(PR_SET_NAME)), so
/// splitting the line on spaces — a bug fixed in psutil, gopsutil, sysstat and .NET — is wrong.
public struct ProcStat: Hashable, Sendable {
    public var pid: Int32
    public var comm: UntrustedText
    /// R S D Z T t X I W P (see proc(5)).
    public var state: UInt8
    public var ppid: Int32
    public var processGroup: Int32
    public var session: Int32
    public var ttyNumber: Int32
    /// The foreground process group of the controlling terminal (-1 without one).
    public var terminalProcessGroup: Int32
    /// PF_* flags; PF_KTHREAD (0x00200000) marks kernel threads.
    public var flags: UInt32
    public var minorFaults: UInt64
    public var majorFaults: UInt64
    /// CPU time in clock ticks.
    public var userTicks: UInt64
    public var systemTicks: UInt64
    public var priority: Int64
    public var nice: Int64
    public var threads: Int64
    public var startTicks: UInt64
    public var virtualBytes: UInt64
    public var residentPages: Int64
    /// The wait status of a zombie (field 52, Linux >= 3.5); nil on older kernels.
    public var exitCode: UInt32?

    public static let kernelThreadFlag: UInt32 = 0x0020_0000

    public var isKernelThread: Bool { flags & Self.kernelThreadFlag != 0 }
    public var isZombie: Bool { state == UInt8(ascii: "Z") }
    public var start: BootInstant { BootInstant(clockTicks: startTicks) }
    public var key: ProcessKey { ProcessKey(pid: pid, startTicks: startTicks) }

    /// nil when the text is not a stat line (truncated, foreign, empty). The kernel ends every
    /// stat line with a newline: a line without one was cut short, and its last number may be
    /// a plausible wrong value ("38" of "380"), so it is rejected rather than half-believed.
    public static func parse<C: Collection>(_ bytes: C) -> ProcStat? where C.Element == UInt8 {
        let line = Array(bytes)
        guard line.last == 10, let open = line.firstIndex(of: UInt8(ascii: "(")),
            let close = line.lastIndex(of: UInt8(ascii: ")")), open < close,
            let pid = Int32(ascii: line[..<open].dropLast(while: { $0 == 32 })), pid > 0
        else { return nil }
        // Fields from 3 (state) on, space separated, after ") "; the line ends with a newline.
        // Their bounds are found in one pass (this runs for every process of every snapshot).
        var bounds: [Range<Int>] = []
        bounds.reserveCapacity(52)
        var fieldStart: Int? = nil
        for index in (close + 1)..<line.count {
            let byte = line[index]
            if byte == 32 || byte == 10 {
                if let start = fieldStart { bounds.append(start..<index) }
                fieldStart = nil
            } else if fieldStart == nil {
                fieldStart = index
            }
        }
        // Field n (1-based, proc(5)) is bounds[n - 3].
        func field(_ number: Int) -> ArraySlice<UInt8>? {
            let index = number - 3
            return index < bounds.count ? line[bounds[index]] : nil
        }
        func unsigned(_ number: Int) -> UInt64? { field(number).flatMap { UInt64(ascii: $0) } }
        func signed(_ number: Int) -> Int64? { field(number).flatMap { Int64(ascii: $0) } }
        // Fields are parsed at their own width: an out-of-range value (a corrupt or foreign line)
        // rejects the line instead of being truncated into a plausible wrong pid or flag set.
        func signed32(_ number: Int) -> Int32? { field(number).flatMap { Int32(ascii: $0) } }
        func unsigned32(_ number: Int) -> UInt32? { field(number).flatMap { UInt32(ascii: $0) } }

        guard let stateField = field(3), stateField.count == 1,
            let ppid = signed32(4), let processGroup = signed32(5), let session = signed32(6),
            let tty = signed32(7), let terminalGroup = signed32(8), let flags = unsigned32(9),
            let minorFaults = unsigned(10),
            let majorFaults = unsigned(12), let userTicks = unsigned(14), let systemTicks = unsigned(15),
            let priority = signed(18), let nice = signed(19), let threads = signed(20),
            let startTicks = unsigned(22), let virtualBytes = unsigned(23), let resident = signed(24)
        else { return nil }
        return ProcStat(
            pid: pid, comm: UntrustedText(line[(open + 1)..<close]), state: stateField.first!,
            ppid: ppid, processGroup: processGroup, session: session, ttyNumber: tty,
            terminalProcessGroup: terminalGroup,
            flags: flags, minorFaults: minorFaults, majorFaults: majorFaults,
            userTicks: userTicks, systemTicks: systemTicks, priority: priority, nice: nice,
            threads: threads, startTicks: startTicks, virtualBytes: virtualBytes,
            residentPages: resident, exitCode: unsigned32(52))
    }
}

extension BidirectionalCollection {
    func dropLast(while predicate: (Element) -> Bool) -> SubSequence {
        var end = endIndex
        while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
        return self[startIndex..<end]
    }
}

extension FixedWidthInteger {
    /// Parses ASCII decimal digits with an optional leading '-'; nil on anything else or
    /// overflow (never traps on hostile input).
    init?<C: Collection>(ascii digits: C) where C.Element == UInt8 {
        var iterator = digits.makeIterator()
        guard var byte = iterator.next() else { return nil }
        var negative = false
        if byte == UInt8(ascii: "-") {
            guard Self.isSigned, let next = iterator.next() else { return nil }
            negative = true
            byte = next
        }
        var value: Self = 0
        while true {
            guard byte >= 48 && byte <= 57 else { return nil }
            let digit = Self(byte - 48)
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) =
                negative
                ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return nil }
            value = next
            guard let following = iterator.next() else { break }
            byte = following
        }
        self = value
    }
}
