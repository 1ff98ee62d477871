import AiopsCore
import AiopsTestSupport
import Foundation
import Synchronization

@testable import AiopsStore

/// Bytes a process can put in its name or arguments, and that must come back exactly.
enum Hostile {
    /// ESC sequences, a newline, a NUL, invalid UTF-8 (a lone continuation byte, a truncated
    /// sequence, 0xFF), a C1 CSI, a bidi override, a backslash.
    static let bytes: [UInt8] =
        [0x1B] + Array("[31mred".utf8) + [0x0A, 0x00, 0x80, 0xE2, 0x82, 0xFF, 0xC2, 0x9B]
        + Array("\u{202E}txt.exe\\".utf8)
    static let comm = UntrustedText(bytes: Array(bytes.prefix(15)))
    static let argv: [UntrustedText] = [
        "/usr/bin/evil", UntrustedText(bytes: bytes), "", UntrustedText(bytes: [0, 0, 0]), "with space",
        UntrustedText(bytes: Array(repeating: 0x41, count: 5000)),
    ]
    /// A String holding a NUL, control characters and non-ASCII text.
    static let text = "nginx\u{0}.service \u{1B}[2J é 🚀 \n"
}

/// A wall clock the test moves by hand.
final class TestClock: Sendable {
    private let value: Mutex<Int64>

    /// 2026-11-25T03:33:27Z.
    static let start: Int64 = 1_795_577_607_000_000_000

    init(_ start: Int64 = TestClock.start) {
        value = Mutex(start)
    }

    var now: Int64 { value.withLock { $0 } }

    func advance(seconds: Int64) {
        value.withLock { $0 += seconds * 1_000_000_000 }
    }

    var function: @Sendable () -> Int64 { { [self] in now } }
}

enum Records {
    static let day: Int64 = 86_400 * 1_000_000_000

    static func exit(
        at time: Int64, pid: Int32 = 4242, comm: UntrustedText = "worker",
        status: ExitStatus? = .killed(by: 11),
        unit: String? = "app.service"
    ) -> ExitRecord {
        ExitRecord(
            unixNanoseconds: time, pid: pid, ppid: 1, uid: 33, comm: comm,
            argv: ["/usr/bin/worker", "--config", "/etc/worker.conf", "--verbose"],
            startUnixNanoseconds: time - 3_600_000_000_000, unit: unit, status: status, killerPID: 1,
            killerComm: "systemd",
            snapshot: ResourceSnapshot(
                time: BootInstant(nanoseconds: 123_456_789), cpuNanoseconds: 5_000_000,
                residentBytes: 1 << 30,
                virtualBytes: 4 << 30, readBytes: 12345, writeBytes: 67890, threads: 17, openFiles: 250),
            peakResidentBytes: 3 << 29, source: .bpf)
    }

    static func alert(at time: Int64, kind: Alert.Kind = .processExited, facts: [Alert.Fact] = []) -> Alert {
        Alert(
            kind: kind, severity: .critical, unixNanoseconds: time, subject: "worker (pid 4242)", pid: 4242,
            unit: "app.service", summary: "exited with SIGSEGV after 3h", facts: facts)
    }

    static func restart(at time: Int64, target: String = "nginx") -> RestartRecord {
        RestartRecord(unixNanoseconds: time, target: target, oldPID: 100, newPID: 200, downtimeSeconds: 1.25)
    }

    static func forkStorm(at time: Int64) -> ForkStormRecord {
        ForkStormRecord(
            unixNanoseconds: time, parentPID: 77, parentComm: "bash", unit: nil, rate: 2500.5,
            baselineRate: 3.25,
            windowSeconds: 5)
    }
}

/// Opens a store at `directory/history.sqlite` on a test clock.
func openStore(
    in directory: TemporaryDirectory, name: String = "history.sqlite",
    limits: HistoryLimits = HistoryLimits(),
    clock: TestClock = TestClock(), monotonic: TestClock? = nil
) throws -> (store: HistoryStore, report: HistoryOpenReport) {
    guard let monotonic else {
        return try HistoryStore.open(at: directory.file(name), limits: limits, now: clock.function)
    }
    return try HistoryStore.open(
        at: directory.file(name), limits: limits, now: clock.function, monotonic: monotonic.function)
}

func fileBytes(_ path: String) -> [UInt8]? {
    FileManager.default.contents(atPath: path).map { Array($0) }
}

func writeFile(_ path: String, _ bytes: [UInt8]) {
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
}

func exists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
}
