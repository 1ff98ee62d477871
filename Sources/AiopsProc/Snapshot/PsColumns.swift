import AiopsCore

#if canImport(Glibc)
    import Glibc
#endif

/// ps aux's columns, computed exactly as procps-ng 4 computes them, so `aiops collect processes`
/// can be compared with `ps` figure for figure:
/// - %CPU: CPU time over the process's whole life (not recent use), in tenths of a percent:
///   ticks × 1000 / HZ / fractional seconds since start, truncated.
/// - %MEM: VmRSS × 1000 / MemTotal, truncated.
/// - STAT: the state letter, then < (nice < 0), N (nice > 0), L (locked pages), s (session
///   leader), l (multi-threaded), + (in the terminal's foreground process group).
/// - START: HH:MM if started today, MonDD if this year, else the year (local time).
/// - TIME: CPU time as minutes:seconds.
public struct PsColumns {
    public let facts: SystemFacts
    private let now: Int64
    private let today: (year: Int32, dayOfYear: Int32)

    public init(facts: SystemFacts, nowUnixSeconds: Int64) {
        self.facts = facts
        self.now = nowUnixSeconds
        var time = time_t(nowUnixSeconds)
        var parts = tm()
        localtime_r(&time, &parts)
        self.today = (parts.tm_year, parts.tm_yday)
    }

    /// %CPU in tenths of a percent ("0.5" is 5). Over 100% on several CPUs, as ps.
    public func cpuPermille(_ stat: ProcStat) -> UInt64 {
        let hertz = BootInstant.clockTicksPerSecond
        // procps 4 measures the process's life in fractional seconds (libproc2's TIME_ELAPSED).
        let elapsed = facts.uptimeSeconds - Double(stat.startTicks) / Double(hertz)
        guard elapsed > 0 else { return 0 }
        let ticks = (stat.userTicks + stat.systemTicks) * 1000 / hertz
        return UInt64(Double(ticks) / elapsed)
    }

    /// %MEM in tenths of a percent.
    public func memoryPermille(residentKiB: UInt64?) -> UInt64 {
        guard let residentKiB, facts.memoryTotalKiB > 0 else { return 0 }
        return residentKiB * 1000 / facts.memoryTotalKiB
    }

    /// "12.3", or "123" at 100% and over, as ps prints per-mille values.
    public static func percent(fromPermille value: UInt64) -> String {
        value > 999 ? String(value / 10) : "\(value / 10).\(value % 10)"
    }

    public func stateText(_ sample: ProcessSample) -> String {
        let stat = sample.stat
        var text = String(UnicodeScalar(stat.state))
        if stat.nice < 0 { text += "<" }
        if stat.nice > 0 { text += "N" }
        if (sample.lockedKiB ?? 0) > 0 { text += "L" }
        if stat.session == stat.pid { text += "s" }
        if stat.threads > 1 { text += "l" }
        if stat.processGroup == stat.terminalProcessGroup { text += "+" }
        return text
    }

    /// Wall-clock start time, seconds since the Unix epoch.
    public func startUnixSeconds(_ stat: ProcStat) -> Int64 {
        facts.bootTimeSeconds + Int64(stat.startTicks / BootInstant.clockTicksPerSecond)
    }

    public func startText(_ stat: ProcStat) -> String {
        var time = time_t(startUnixSeconds(stat))
        var parts = tm()
        localtime_r(&time, &parts)
        let format: String
        if parts.tm_year != today.year {
            format = "%Y"
        } else if parts.tm_yday != today.dayOfYear {
            format = "%b%d"
        } else {
            format = "%H:%M"
        }
        var buffer = [CChar](repeating: 0, count: 32)
        let length = strftime(&buffer, buffer.count, format, &parts)
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// CPU time as M:SS (ps's "bsdtime").
    public static func cpuTimeText(_ stat: ProcStat) -> String {
        let seconds = (stat.userTicks + stat.systemTicks) / BootInstant.clockTicksPerSecond
        let rest = seconds % 60
        return "\(seconds / 60):\(rest < 10 ? "0" : "")\(rest)"
    }

    /// The command line, or "[comm]" when there is none (kernel threads, zombies), as ps.
    public static func command(_ sample: ProcessSample) -> [UntrustedText] {
        if sample.argv.isEmpty {
            return [UntrustedText(bytes: [UInt8(ascii: "[")] + sample.stat.comm.bytes + [UInt8(ascii: "]")])]
        }
        return sample.argv
    }
}
