import AiopsCore
import AiopsRender
import Testing

@Suite("EventJSONEncoder")
struct EventJSONEncoderTests {
    static let commonFields: Set<String> = [
        "time", "event", "pid", "tid", "ppid", "uid", "comm", "start_time", "unit", "source",
    ]

    static func encode(_ event: LifecycleEvent, units: [UInt64: String] = [:]) throws -> JSONValue {
        var encoder = EventJSONEncoder(clock: EventFixtures.clock, unitOf: { units[$0] })
        let bytes = encoder.encode(event)
        #expect(!bytes.contains(10), "a JSON line must not contain a newline")
        let json = try JSONValue.parse(bytes)
        #expect(json.keys.isSuperset(of: commonFields))
        return json
    }

    /// "2026-11-25T10:20:30.123456Z": digits where the pattern has 'd'.
    static func isRFC3339Micro(_ text: String?) -> Bool {
        guard let text else { return false }
        let pattern = Array("dddd-dd-ddTdd:dd:dd.ddddddZ")
        let characters = Array(text)
        guard characters.count == pattern.count else { return false }
        return zip(characters, pattern).allSatisfy { $1 == "d" ? $0.isASCII && $0.isNumber : $0 == $1 }
    }

    @Test("common fields: times, identity, unit from the cgroup id, source")
    func commonFieldValues() throws {
        let json = try Self.encode(
            EventFixtures.exit(.exited(0), process: EventFixtures.process(cgroupID: 77)),
            units: [77: "nginx.service"])
        #expect(json["time"] == .string(EventFixtures.rfc3339))
        #expect(Self.isRFC3339Micro(json["time"]?.string))
        #expect(json["event"] == .string("exit"))
        #expect(json["pid"] == .integer(4242))
        #expect(json["tid"] == .integer(4242))
        #expect(json["ppid"] == .integer(1))
        #expect(json["uid"] == .integer(33))
        #expect(json["comm"] == .string("worker"))
        #expect(json["start_time"] == .string("2026-11-25T10:20:28.123456Z"))
        #expect(json["unit"] == .string("nginx.service"))
        #expect(json["source"] == .string("bpf"))
    }

    @Test("unknown parts of the process are null, not missing")
    func unknownsAreNull() throws {
        var process = EventFixtures.process(startedSecondsAgo: nil, cgroupID: 5)
        process.ppid = nil
        process.uid = nil
        let json = try Self.encode(EventFixtures.exit(.exited(0), process: process))
        for field in ["ppid", "uid", "start_time", "unit", "age_s"] {
            #expect(json[field] == .null, "\(field)")
        }
    }

    @Test("exec: filename, argv, and both argv flags")
    func exec() throws {
        let details = ExecDetails(
            filename: "/usr/bin/env", argv: ["env", "A=1", UntrustedText(bytes: [0xFF, 0x0A])],
            argvTruncated: true,
            argvMissing: false)
        let json = try Self.encode(EventFixtures.event(.exec(details)))
        #expect(json.keys.isSuperset(of: ["filename", "argv", "argv_truncated", "argv_missing"]))
        #expect(json["event"] == .string("exec"))
        #expect(json["filename"] == .string("/usr/bin/env"))
        #expect(json["argv"] == .array([.string("env"), .string("A=1"), .string("\u{FFFD}\n")]))
        #expect(json["argv_truncated"] == .bool(true))
        #expect(json["argv_missing"] == .bool(false))
    }

    @Test("fork: child pid and tid, and whether it is a thread")
    func fork() throws {
        let details = ForkDetails(childPID: 4242, childTID: 4250, childStart: nil, isThread: true)
        let json = try Self.encode(EventFixtures.event(.fork(details)))
        #expect(json["event"] == .string("fork"))
        #expect(json["child_pid"] == .integer(4242))
        #expect(json["child_tid"] == .integer(4250))
        #expect(json["thread"] == .bool(true))
    }

    @Test("exit by SIGSEGV with a core: no exit code, signal 11, core dumped")
    func segfaultExit() throws {
        var details = ExitDetails(
            status: .killed(by: 11, coreDumped: true), cpuNanoseconds: 1_250_000_000, maxRSSBytes: 10_485_760)
        details.argv = ["./crash", "--now"]
        details.killer = Killer(
            signal: 11, code: 1, senderPID: 4242, senderComm: "crash", time: EventFixtures.time)
        let json = try Self.encode(EventFixtures.event(.exit(details)))
        #expect(
            json.keys.isSuperset(of: [
                "exit_code", "signal", "signal_name", "core_dumped", "status_known", "meaning", "age_s",
                "cpu_s",
                "max_rss_kb", "argv", "killer",
            ]))
        #expect(json["exit_code"] == .null)
        #expect(json["signal"] == .integer(11))
        #expect(json["signal_name"] == .string("SIGSEGV"))
        #expect(json["core_dumped"] == .bool(true))
        #expect(json["status_known"] == .bool(true))
        #expect(json["meaning"] == .null)
        #expect(json["age_s"]?.number == 2)
        #expect(json["cpu_s"]?.number == 1.25)
        #expect(json["max_rss_kb"] == .integer(10_240))
        #expect(json["argv"] == .array([.string("./crash"), .string("--now")]))
        #expect(
            json["killer"]
                == .object([
                    "pid": .integer(4242), "comm": .string("crash"), "signal_name": .string("SIGSEGV"),
                    "code_name": .string("SEGV_MAPERR"), "by_kernel": .bool(false),
                ]))
    }

    @Test("exit with a known code and its meaning; argv and killer null when unknown")
    func codeExit() throws {
        let json = try Self.encode(EventFixtures.exit(.exited(127)))
        #expect(json["exit_code"] == .integer(127))
        #expect(json["signal"] == .null)
        #expect(json["signal_name"] == .null)
        #expect(json["core_dumped"] == .bool(false))
        #expect(json["status_known"] == .bool(true))
        #expect(json["meaning"] == .string("command not found"))
        #expect(json["cpu_s"] == .null)
        #expect(json["max_rss_kb"] == .null)
        #expect(json["argv"] == .null)
        #expect(json["killer"] == .null)
    }

    @Test("exit with an unknown status: status_known false, every status field null")
    func unknownStatusExit() throws {
        let json = try Self.encode(EventFixtures.exit(nil))
        #expect(json["status_known"] == .bool(false))
        #expect(json["exit_code"] == .null)
        #expect(json["signal"] == .null)
        #expect(json["signal_name"] == .null)
        #expect(json["core_dumped"] == .bool(false))
        #expect(json["meaning"] == .null)
    }

    @Test("an OOM kill's killer is the kernel")
    func oomKiller() throws {
        var details = ExitDetails(status: .killed(by: 9))
        details.killer = Killer(
            signal: 9, code: 0x80, senderPID: 999, senderComm: "stress", time: EventFixtures.time)
        let json = try Self.encode(EventFixtures.event(.exit(details)))
        #expect(json["killer"]?["by_kernel"] == .bool(true))
        #expect(json["killer"]?["code_name"] == .string("SI_KERNEL"))
        #expect(json["signal_name"] == .string("SIGKILL"))
    }

    @Test("signal: sender, target, code and result names")
    func signal() throws {
        let details = SignalDetails(
            signal: 15, code: 0, result: 1, toGroup: true, targetPID: 4300, targetTID: 4301, targetStart: nil,
            targetComm: "victim")
        let json = try Self.encode(
            EventFixtures.event(.signal(details), process: EventFixtures.process(pid: 1, comm: "systemd")))
        #expect(json["event"] == .string("signal"))
        #expect(json["signal"] == .integer(15))
        #expect(json["signal_name"] == .string("SIGTERM"))
        #expect(json["sender_pid"] == .integer(1))
        #expect(json["sender_comm"] == .string("systemd"))
        #expect(json["target_pid"] == .integer(4300))
        #expect(json["target_tid"] == .integer(4301))
        #expect(json["target_comm"] == .string("victim"))
        #expect(json["code"] == .integer(0))
        #expect(json["code_name"] == .string("SI_USER"))
        #expect(json["result"] == .string("ignored"))
        #expect(json["group"] == .bool(true))
    }

    @Test("hostile comm, argv and target names keep every event a valid single JSON line")
    func hostileEvent() throws {
        let hostile = UntrustedText(bytes: EventFixtures.hostile)
        let process = EventFixtures.process(comm: hostile)
        let events = [
            EventFixtures.event(
                .exec(ExecDetails(filename: hostile, argv: [hostile, hostile], argvTruncated: false)),
                process: process),
            EventFixtures.exit(.exited(1), process: process),
            EventFixtures.event(
                .signal(
                    SignalDetails(
                        signal: 9, code: 0, result: 0, toGroup: false, targetPID: 1, targetTID: 1,
                        targetStart: nil,
                        targetComm: hostile)), process: process),
        ]
        for event in events {
            let json = try Self.encode(event)
            #expect(json["comm"] == .string(hostile.lossyString))
        }
        #expect(
            try Self.encode(events[0])["argv"]
                == .array([.string(hostile.lossyString), .string(hostile.lossyString)]))
        #expect(try Self.encode(events[2])["target_comm"] == .string(hostile.lossyString))
    }
}
