import AiopsProc
import Foundation
import Testing

/// The resource parsers on text captured from this machine, then on hostile and cut-short text.
@Suite("Resource file parsers")
struct ResourceParserTests {
    static let kibibyte: UInt64 = 1024

    @Test("status: memory, swap, peak, locked, threads, context switches and SigQ, in bytes")
    func status() {
        let status = ProcStatusResources.parse(ResourceFixtures.status)
        #expect(status.residentBytes == 21304 * Self.kibibyte)
        #expect(status.residentAnonymousBytes == 14412 * Self.kibibyte)
        #expect(status.residentFileBytes == 6892 * Self.kibibyte)
        #expect(status.residentSharedMemoryBytes == 0)
        #expect(status.peakResidentBytes == 21304 * Self.kibibyte)
        #expect(status.virtualBytes == 24924 * Self.kibibyte)
        #expect(status.peakVirtualBytes == 24924 * Self.kibibyte)
        #expect(status.lockedBytes == 0)
        #expect(status.swapBytes == 0)
        #expect(status.threads == 1)
        #expect(status.voluntaryContextSwitches == 20)
        #expect(status.involuntaryContextSwitches == 4)
        #expect(status.queuedSignals == 0)
        #expect(status.queuedSignalsLimit == 96365)
    }

    @Test("status: a hostile Name line, wrong units and overflow drop only their own field")
    func hostileStatus() {
        let text = Array(
            ("Name:\tVmRSS:\t1 kB\nVmRSS:\t12 MB\nRssAnon:\t18446744073709551615 kB\nRssFile:\t-5 kB\n"
                + "VmSwap:\t7 kB\nThreads:\tmany\nSigQ:\t1/\nvoluntary_ctxt_switches:\t3\n").utf8)
        let status = ProcStatusResources.parse(text)
        #expect(status.residentBytes == nil)
        #expect(status.residentAnonymousBytes == nil)
        #expect(status.residentFileBytes == nil)
        #expect(status.swapBytes == 7 * Self.kibibyte)
        #expect(status.threads == nil)
        #expect(status.queuedSignals == nil)
        #expect(status.voluntaryContextSwitches == 3)
    }

    @Test("status: a read cut in the middle of a number does not yield the number's prefix")
    func truncatedStatus() {
        let full = ResourceFixtures.status
        let cut = Array(full[..<(full.firstRange(of: Array("VmRSS:\t   213".utf8))!.upperBound)])
        let status = ProcStatusResources.parse(cut)
        #expect(status.residentBytes == nil)
        #expect(status.peakResidentBytes == 21304 * Self.kibibyte)
        #expect(ProcStatusResources.parse([]) == ProcStatusResources())
    }

    @Test("smaps_rollup: PSS and its parts, swap and swap PSS")
    func smapsRollup() throws {
        let rollup = try #require(SmapsRollup.parse(ResourceFixtures.smapsRollup))
        #expect(rollup.residentBytes == 21304 * Self.kibibyte)
        #expect(rollup.proportionalBytes == 19952 * Self.kibibyte)
        #expect(rollup.proportionalAnonymousBytes == 14412 * Self.kibibyte)
        #expect(rollup.proportionalFileBytes == 5540 * Self.kibibyte)
        #expect(rollup.proportionalSharedMemoryBytes == 0)
        #expect(rollup.privateDirtyBytes == 14412 * Self.kibibyte)
        #expect(rollup.sharedCleanBytes == 1584 * Self.kibibyte)
        #expect(rollup.anonymousBytes == 14412 * Self.kibibyte)
        #expect(rollup.swapBytes == 0)
        #expect(rollup.proportionalSwapBytes == 0)
        #expect(rollup.lockedBytes == 0)
    }

    @Test("smaps_rollup: a zombie's empty file is no reading, not zeros; the header alone neither")
    func emptyRollup() {
        #expect(SmapsRollup.parse([]) == nil)
        #expect(
            SmapsRollup.parse(Array("56259c236000-7ffed0b85000 ---p 00000000 00:00 0   [rollup]\n".utf8))
                == nil)
        #expect(
            SmapsRollup.parse(Array("Pss:\t\u{1B}[31m kB\nSwapPss: 4 kB\n".utf8))?.proportionalSwapBytes
                == 4096)
    }

    @Test("io: all seven counters")
    func io() throws {
        let io = try #require(ProcIO.parse(ResourceFixtures.io))
        #expect(io.readCharacters == 8_753_853)
        #expect(io.writtenCharacters == 3547)
        #expect(io.readSyscalls == 2536)
        #expect(io.writeSyscalls == 30)
        #expect(io.storageReadBytes == 6_836_224)
        #expect(io.storageWriteBytes == 0)
        #expect(io.cancelledWriteBytes == 0)
    }

    @Test("io: a missing or unparsable counter rejects the whole reading (no invented zero)")
    func partialIO() {
        let full = ResourceFixtures.io
        #expect(ProcIO.parse(Array(full.dropLast())) == nil)  // last line cut: its number is suspect
        #expect(ProcIO.parse(Array(full.prefix(40))) == nil)
        let garbled = Array(
            String(decoding: full, as: UTF8.self).replacingOccurrences(of: "syscw: 30", with: "syscw: 3x0")
                .utf8)
        #expect(ProcIO.parse(garbled) == nil)
        #expect(ProcIO.parse([]) == nil)
    }

    @Test("limits: all sixteen, 'unlimited', units, and the unit-less priorities")
    func limits() throws {
        let limits = try #require(ProcLimits.parse(ResourceFixtures.limits))
        #expect(limits.count == 16)
        #expect(limits.map(\.kind) == ResourceLimit.Kind.allCases.map { $0 })
        let files = try #require(limits[.openFiles])
        #expect(files.name == "Max open files")
        #expect(files.soft == .limited(20000))
        #expect(files.hard == .limited(20000))
        #expect(files.unit == "files")
        #expect(limits[.cpuTime]?.soft == .unlimited)
        #expect(limits[.cpuTime]?.unit == "seconds")
        #expect(limits[.stackSize]?.soft == .limited(8_388_608))
        #expect(limits[.stackSize]?.hard == .unlimited)
        #expect(limits[.coreFileSize]?.soft == .limited(0))
        #expect(limits[.processes]?.soft == .limited(96365))
        #expect(limits[.nicePriority]?.unit == nil)
        #expect(limits[.nicePriority]?.soft == .limited(0))
        #expect(limits[.realtimeTimeout]?.unit == "us")
    }

    @Test("limits: the largest value, a future resource, garbage and cut lines")
    func hostileLimits() throws {
        let header = "Limit                     Soft Limit           Hard Limit           Units     \n"
        let text =
            header
            + "Max open files            18446744073709551615 unlimited            files     \n"
            + "Max frobnication level    12                   34                   frobs     \n"
            + "Max processes             12x                  88                   processes \n"
            + "Max \u{1B}[31mevil               1                    2                    bytes\n"
            + "Max locked memory         18446744073709551616 1                    bytes     \n"
            + "Max file locks            5                    6                    LOCKS     \n"
            + "Max core file size        0                    unlim"
        let limits = try #require(ProcLimits.parse(Array(text.utf8)))
        #expect(limits.count == 2)
        #expect(limits[.openFiles]?.soft == .limited(UInt64.max))
        #expect(limits[.openFiles]?.hard == .unlimited)
        let future = try #require(limits.first { $0.kind == nil })
        #expect(future.name == "Max frobnication level")
        #expect(future.soft == .limited(12))
        #expect(future.unit == "frobs")
        #expect(ProcLimits.parse(Array("Max open files 1 2 files\n".utf8)) == nil)  // no header
        #expect(ProcLimits.parse([]) == nil)
        #expect(ProcLimits.parse(Array(header.utf8)) == [])
    }

    @Test("meminfo: totals in bytes")
    func meminfo() {
        let info = MemInfo.parse(ResourceFixtures.meminfo)
        #expect(info.totalBytes == 24_684_096 * Self.kibibyte)
        #expect(info.availableBytes == 24_225_008 * Self.kibibyte)
    }

    @Test("descriptor links are classified; socket inodes extracted exactly")
    func descriptorKinds() {
        var files = OpenFiles()
        let links: [String?] = [
            "socket:[8350879]", "pipe:[8350855]", "anon_inode:[eventpoll]", "anon_inode:inotify", "/dev/null",
            "/var/log/app.log", "/tmp/x (deleted)", "net:[4026531840]", nil, "socket:[12x]",
            "socket:[99999999999999999999]",
        ]
        for link in links { files.add(link: link.map { Array($0.utf8) }) }
        #expect(files.count == 11)
        #expect(files.sockets == 1)
        #expect(files.socketInodes == [8_350_879])
        #expect(files.pipes == 1)
        #expect(files.anonymousInodes == 2)
        #expect(files.devices == 1)
        #expect(files.regularFiles == 2)
        #expect(files.deletedFiles == 1)
        #expect(files.other == 3)
        #expect(files.unreadable == 1)
    }
}
