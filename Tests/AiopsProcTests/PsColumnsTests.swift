import AiopsCore
import Foundation
import Testing

@testable import AiopsProc

/// ps aux's columns, computed as procps-ng 4 computes them.
@Suite("ps columns")
struct PsColumnsTests {
    static let facts = SystemFacts(
        memoryTotalKiB: 2_000_000, uptimeSeconds: 1000.5, bootTimeSeconds: 1_764_000_000, pageSize: 4096,
        cpuCount: 2)

    static func stat(
        state: String = "S", utime: Int = 0, stime: Int = 0, start: Int = 0, nice: Int = 0, threads: Int = 1,
        pid: Int = 100, session: Int = 1, group: Int = 100, foreground: Int = -1
    ) -> ProcStat {
        let line =
            "\(pid) (x) \(state) 1 \(group) \(session) 0 \(foreground) 4194560 0 0 0 0 \(utime) \(stime) 0 0 20 \(nice) "
            + "\(threads) 0 \(start) 1000 10\n"
        return ProcStat.parse(Array(line.utf8))!
    }

    static func sample(_ stat: ProcStat, locked: UInt64? = 0, rss: UInt64? = 1000) -> ProcessSample {
        ProcessSample(
            stat: stat, realUID: 0, effectiveUID: 0, residentKiB: rss, lockedKiB: locked, argv: [],
            argvTruncated: false,
            cgroupPath: nil, time: BootInstant(nanoseconds: 0))
    }

    @Test("%CPU: ticks × 1000 / HZ / fractional seconds alive, truncated to tenths")
    func cpu() {
        let columns = PsColumns(facts: Self.facts, nowUnixSeconds: 1_764_001_000)
        // 500 ticks (5 s) over 1000.5 - 500/100 = 995.5 s -> 5000 / 995.5 = 5.02 -> "0.5"
        let old = Self.stat(utime: 300, stime: 200, start: 500)
        #expect(columns.cpuPermille(old) == 5)
        #expect(PsColumns.percent(fromPermille: 5) == "0.5")
        // Half a second old, 0.25 s of CPU: 50%.
        let young = Self.stat(utime: 25, start: 100_000)
        #expect(columns.cpuPermille(young) == 500)
        // Multi-threaded over 100%: ps drops the decimal.
        #expect(PsColumns.percent(fromPermille: 1234) == "123")
        // Started "after" the uptime (clock skew): 0, not a trap.
        #expect(columns.cpuPermille(Self.stat(utime: 5, start: 200_000)) == 0)
    }

    @Test("%MEM: VmRSS × 1000 / MemTotal")
    func memory() {
        let columns = PsColumns(facts: Self.facts, nowUnixSeconds: 0)
        #expect(columns.memoryPermille(residentKiB: 100_000) == 50)
        #expect(columns.memoryPermille(residentKiB: nil) == 0)
    }

    @Test(
        "STAT flags: < N L s l +",
        arguments: [
            (stat(nice: -5), "S<"), (stat(nice: 10), "SN"), (stat(pid: 1, session: 1), "Ss"),
            (stat(threads: 4), "Sl"), (stat(group: 100, foreground: 100), "S+"),
            (stat(state: "R", nice: -1, threads: 2, pid: 7, session: 7, group: 7, foreground: 7), "R<sl+"),
        ])
    func statFlags(stat: ProcStat, text: String) {
        let columns = PsColumns(facts: Self.facts, nowUnixSeconds: 0)
        #expect(columns.stateText(Self.sample(stat)) == text)
        #expect(columns.stateText(Self.sample(Self.stat(), locked: 64)) == "SL")
    }

    @Test("TIME is minutes:seconds of CPU")
    func cpuTime() {
        #expect(PsColumns.cpuTimeText(Self.stat(utime: 100 * 75, stime: 100 * 5)) == "1:20")
        #expect(PsColumns.cpuTimeText(Self.stat()) == "0:00")
        #expect(PsColumns.cpuTimeText(Self.stat(utime: 100 * 3600 * 25)) == "1500:00")
    }

    @Test("START: HH:MM today, MonDD this year, the year before that")
    func start() {
        // Boot at a fixed instant; "now" one hour, two days and two years later.
        let boot = Self.facts.bootTimeSeconds
        let stat = Self.stat(start: 0)
        let hour = PsColumns(facts: Self.facts, nowUnixSeconds: boot + 60)
        #expect(hour.startText(stat).count == 5 && hour.startText(stat).contains(":"))
        let later = PsColumns(facts: Self.facts, nowUnixSeconds: boot + 3 * 86_400)
        #expect(later.startText(stat).count == 5 && !later.startText(stat).contains(":"))
        let years = PsColumns(facts: Self.facts, nowUnixSeconds: boot + 800 * 86_400)
        #expect(years.startText(stat) == "2025")
    }

    @Test("COMMAND: argv, or [comm] without one")
    func command() {
        #expect(PsColumns.command(Self.sample(Self.stat())) == ["[x]"])
    }
}

@Suite("terminal names")
struct TerminalNamesTests {
    /// /proc/tty/drivers of this machine, plus a usual serial range.
    static let drivers = TerminalNames.parseDrivers(
        Array(
            """
            /dev/tty             /dev/tty        5       0 system:/dev/tty
            /dev/console         /dev/console    5       1 system:console
            /dev/ptmx            /dev/ptmx       5       2 system
            /dev/vc/0            /dev/vc/0       4       0 system:vtmaster
            serial               /dev/ttyS       4      64-111 serial
            pty_slave            /dev/pts      136 0-1048575 pty:slave
            unknown              /dev/tty        4 1-63 console

            """.utf8))

    static func device(_ major: UInt32, _ minor: UInt32) -> Int32 {
        Int32(bitPattern: (minor & 0xFF) | (major << 8) | ((minor & ~0xFF) << 12))
    }

    @Test(
        "device numbers by name, as ps prints them",
        arguments: [
            ((136, 0), "pts/0"), ((136, 300), "pts/300"), ((4, 1), "tty1"), ((4, 64), "ttyS0"),
            ((4, 65), "ttyS1"),
            ((5, 1), "console"), ((5, 0), "tty"),
        ])
    func names(device: (UInt32, UInt32), name: String) {
        let names = TerminalNames(drivers: Self.drivers, pseudoTerminalIsHere: { _, _ in true })
        #expect(names.name(ofDevice: Self.device(device.0, device.1)) == name)
    }

    @Test("a pseudo-terminal of another devpts (a container's) is ?, as ps prints it")
    func foreignPseudoTerminal() {
        let names = TerminalNames(drivers: Self.drivers, pseudoTerminalIsHere: { minor, _ in minor != 7 })
        #expect(names.name(ofDevice: Self.device(136, 7)) == "?")
        #expect(names.name(ofDevice: Self.device(136, 8)) == "pts/8")
    }

    @Test("the real check: a pts number with no node in /dev/pts is not here")
    func realDeviceNodeCheck() {
        var missing: UInt32 = 4000
        while FileManager.default.fileExists(atPath: "/dev/pts/\(missing)") { missing += 1 }
        let names = TerminalNames()
        #expect(names.name(ofDevice: Self.device(136, missing)) == "?")
    }

    @Test("no terminal is ?, an unknown device its numbers")
    func unknown() {
        let names = TerminalNames(drivers: Self.drivers, pseudoTerminalIsHere: { _, _ in true })
        #expect(names.name(ofDevice: 0) == "?")
        #expect(names.name(ofDevice: Self.device(200, 3)) == "200,3")
    }
}

@Suite("process window")
struct ProcessWindowTests {
    @Test("CPU during the window, not since start; the peak resident set")
    func window() {
        var window = ProcessWindow()
        let first = PsColumnsTests.stat(utime: 1000, start: 10)
        let last = PsColumnsTests.stat(utime: 1100, start: 10)
        func sample(_ stat: ProcStat, rss: UInt64, at seconds: UInt64) -> ProcessSample {
            var sample = PsColumnsTests.sample(stat, rss: rss)
            sample.time = BootInstant(nanoseconds: seconds * 1_000_000_000)
            return sample
        }
        window.add([sample(first, rss: 100, at: 10)], at: BootInstant(nanoseconds: 10_000_000_000))
        window.add([sample(first, rss: 900, at: 11)], at: BootInstant(nanoseconds: 11_000_000_000))
        window.add([sample(last, rss: 300, at: 12)], at: BootInstant(nanoseconds: 12_000_000_000))
        let entry = window.entries[first.key]
        // 100 ticks = 1 s of CPU over 2 s: 50%, although 11 s over its life is far less.
        #expect(entry?.windowCPUPercent == 50)
        #expect(entry?.peakResidentKiB == 900)
        #expect(window.rounds == 3)
        #expect(window.seconds == 2)
    }

    @Test("a process sampled once has no window CPU")
    func once() {
        var window = ProcessWindow()
        window.add([PsColumnsTests.sample(PsColumnsTests.stat())], at: BootInstant(nanoseconds: 1))
        #expect(window.entries.values.first?.windowCPUPercent == nil)
    }
}
