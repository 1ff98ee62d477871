import AiopsCore
import AiopsProc
import Testing

@Suite("ProcStat.parse on fixtures")
struct ProcStatParseTests {
    @Test("every field of a real-format line lands where proc(5) says")
    func fieldsInPlace() throws {
        let stat = try #require(ProcStat.parse(StatFixture.line()))
        #expect(stat.pid == 4242)
        #expect(stat.comm == "nginx")
        #expect(stat.state == UInt8(ascii: "S"))
        #expect(stat.ppid == 4100)
        #expect(stat.processGroup == 4200)
        #expect(stat.session == 4300)
        #expect(stat.ttyNumber == 34817)
        #expect(stat.flags == 4_194_560)
        #expect(!stat.isKernelThread)
        #expect(stat.minorFaults == 1011)
        #expect(stat.majorFaults == 2)
        #expect(stat.userTicks == 7)
        #expect(stat.systemTicks == 3)
        #expect(stat.priority == 15)
        #expect(stat.nice == -5)
        #expect(stat.threads == 4)
        #expect(stat.startTicks == 144_522)
        #expect(stat.virtualBytes == 3_133_440)
        #expect(stat.residentPages == 380)
        #expect(stat.exitCode == 0)
        #expect(stat.key == ProcessKey(pid: 4242, startTicks: 144_522))
        #expect(stat.start == BootInstant(clockTicks: 144_522))
    }

    @Test(
        "comm is everything between the first '(' and the last ')'",
        arguments: [
            "a) b (c", ") ) )", "(", ")", "x) Z 1 2 3 4 5", "((()))", "two  spaces", " lead", "trail ",
        ])
    func hostileComm(comm: String) throws {
        let stat = try #require(ProcStat.parse(StatFixture.line(comm: Array(comm.utf8))))
        #expect(stat.comm == UntrustedText(bytes: Array(comm.utf8)))
        #expect(stat.state == UInt8(ascii: "S"))
        #expect(stat.ppid == 4100)
        #expect(stat.startTicks == 144_522)
    }

    @Test(
        "comm with newlines, ESC sequences, invalid UTF-8 and NUL is kept byte for byte",
        arguments: [
            [0x61, 0x0A, 0x62], [0x0A], [0x1B, 0x5B, 0x32, 0x4A, 0x1B, 0x5D, 0x30, 0x3B, 0x07],
            [0xFF, 0xFE, 0xC0, 0xAF, 0xED, 0xA0, 0x80], [0x29, 0x0A, 0x29, 0x20, 0x5A], [0x00, 0x29, 0x00],
        ] as [[UInt8]])
    func binaryComm(comm: [UInt8]) throws {
        let stat = try #require(ProcStat.parse(StatFixture.line(comm: comm)))
        #expect(stat.comm.bytes == comm)
        #expect(stat.ppid == 4100)
        #expect(stat.exitCode == 0)
    }

    @Test("an empty comm '()' parses")
    func emptyComm() throws {
        let stat = try #require(ProcStat.parse(StatFixture.line(comm: [])))
        #expect(stat.comm.isEmpty)
        #expect(stat.pid == 4242)
    }

    @Test("the last field, exit_code, is read; a line missing its final newline is rejected")
    func exitCodeField() throws {
        let zombie = StatFixture.line(replacing: [3: "Z", 52: "139"])
        let stat = try #require(ProcStat.parse(zombie))
        #expect(stat.isZombie)
        #expect(stat.exitCode == 139)
        #expect(
            AiopsCore.ExitStatus(waitStatus: try #require(stat.exitCode)) == .killed(by: 11, coreDumped: true)
        )
        // Without the kernel's final newline the line may be cut inside "768": rejected.
        #expect(ProcStat.parse(StatFixture.line(replacing: [52: "768"], newline: false)) == nil)
        #expect(ProcStat.parse(StatFixture.line(replacing: [52: "768"]))?.exitCode == 768)
    }

    @Test("older kernels without field 52 parse, without an exit code; field 24 is the minimum")
    func shortLines() throws {
        let old = try #require(ProcStat.parse(StatFixture.line(fieldCount: 44)))
        #expect(old.exitCode == nil)
        #expect(old.residentPages == 380)
        let minimal = try #require(ProcStat.parse(StatFixture.line(fieldCount: 24)))
        #expect(minimal.residentPages == 380)
        #expect(ProcStat.parse(StatFixture.line(fieldCount: 23)) == nil)
    }

    @Test(
        "truncated, garbage and empty input is not a stat line",
        arguments: [
            "", "\n", "hello", "4242", "4242 (", "4242 (nginx", "4242 (nginx)", "4242 (nginx) S",
            "4242 (nginx) S 1 2 3",
            ")( S 1", "x42 (nginx) S", "(nginx) S 1", " 42 (nginx) S",
        ])
    func notAStatLine(text: String) {
        #expect(ProcStat.parse(Array(text.utf8)) == nil)
    }

    @Test("no prefix of a valid line parses: a cut-off read never yields a plausible wrong number")
    func everyPrefix() {
        let line = StatFixture.line(comm: Array("a) b (c".utf8))
        for end in 0..<line.count {
            #expect(ProcStat.parse(line[0..<end]) == nil, "prefix of \(end) bytes parsed")
        }
        #expect(ProcStat.parse(line)?.comm == "a) b (c")
    }

    @Test("a line without its final newline is rejected; a non-positive pid is rejected")
    func newlineAndPid() {
        #expect(ProcStat.parse(StatFixture.line(newline: false)) == nil)
        #expect(ProcStat.parse(StatFixture.line(pid: "0")) == nil)
        #expect(ProcStat.parse(StatFixture.line(pid: "-5")) == nil)
        #expect(ProcStat.parse(StatFixture.line(pid: "1")) != nil)
    }

    @Test(
        "a field with a non-digit is rejected",
        arguments: [(3, "SS"), (4, "41a0"), (22, "-1"), (22, "1.5"), (9, "0x10"), (4, "--1"), (4, "-")])
    func badField(number: Int, text: String) {
        #expect(ProcStat.parse(StatFixture.line(replacing: [number: text])) == nil)
    }

    @Test(
        "a number that overflows its field makes the line unparseable, never a trap or a wrapped value",
        arguments: [
            (22, "18446744073709551616"), (23, "99999999999999999999999"), (19, "-9223372036854775809"),
            (4, "2147483648"), (4, "4294967297"), (5, "-2147483649"), (9, "4294967296"),
        ])
    func overflow(number: Int, text: String) {
        #expect(ProcStat.parse(StatFixture.line(replacing: [number: text])) == nil)
    }

    @Test("an overflowing pid is rejected, the largest values of each type are kept")
    func extremes() throws {
        #expect(ProcStat.parse(StatFixture.line(pid: "99999999999")) == nil)
        let stat = try #require(
            ProcStat.parse(
                StatFixture.line(
                    pid: "2147483647",
                    replacing: [4: "-2147483648", 22: "18446744073709551615", 19: "-9223372036854775808"]
                )))
        #expect(stat.pid == .max)
        #expect(stat.ppid == .min)
        #expect(stat.startTicks == .max)
        #expect(stat.nice == .min)
        // Ticks that large wrap when converted to nanoseconds rather than trapping.
        _ = stat.start
    }

    @Test("PF_KTHREAD in the flags marks a kernel thread")
    func kernelThread() throws {
        let kthreadd = Array(
            ("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 24 0 0 18446744073709551615 0 0 0 0 0 0 0 "
                + "2147483647 0 1 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n").utf8)
        let stat = try #require(ProcStat.parse(kthreadd))
        #expect(stat.isKernelThread)
        #expect(stat.comm == "kthreadd")
        #expect(stat.ppid == 0)
        #expect(stat.exitCode == 0)
    }
}
