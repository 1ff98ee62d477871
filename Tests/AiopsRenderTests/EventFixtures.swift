import AiopsCore

/// Events at a known wall time: boot second 1000 is 2026-11-25T10:20:30.123456789Z.
enum EventFixtures {
    static let bootNanoseconds: UInt64 = 1_000_000_000_000
    static let unixNanoseconds: Int64 = 1_795_602_030_123_456_789
    static let clock = WallClock(offsetNanoseconds: unixNanoseconds - Int64(bootNanoseconds))
    static let time = BootInstant(nanoseconds: bootNanoseconds)
    static let rfc3339 = "2026-11-25T10:20:30.123456Z"

    static func process(
        pid: Int32 = 4242, comm: UntrustedText = "worker", startedSecondsAgo: UInt64? = 2,
        cgroupID: UInt64? = nil
    ) -> EventProcess {
        EventProcess(
            pid: pid, tid: pid, ppid: 1, uid: 33, comm: comm,
            start: startedSecondsAgo.map { BootInstant(nanoseconds: bootNanoseconds - $0 * 1_000_000_000) },
            cgroupID: cgroupID)
    }

    static func event(_ payload: LifecycleEvent.Payload, process: EventProcess = process()) -> LifecycleEvent
    {
        LifecycleEvent(time: time, source: .bpf, process: process, payload: payload)
    }

    static func exit(_ status: AiopsCore.ExitStatus?, process: EventProcess = process()) -> LifecycleEvent {
        event(.exit(ExitDetails(status: status)), process: process)
    }

    /// Bytes that must never reach a terminal or break a JSON line.
    static let hostile: [UInt8] =
        [
            0x1B, 0x5D, 0x30, 0x3B, 0x70, 0x77, 0x6E, 0x07, 0x0A, 0x0D, 0x00, 0x22, 0x5C, 0xFF, 0xC2, 0x9B,
            0x32, 0x4A,
        ]
        + Array("\u{202E}txt".utf8)
}
