import AiopsAnalyze
import AiopsCore
import Testing

@testable import AiopsMonitor

@Suite("fork storms in the monitor")
struct ForkStormNamingTests {
    @Test("a storm is named from the parent's fork events, even once the parent is gone from /proc")
    func namedFromEvents() throws {
        let engine = MonitorEngine(rules: MonitorRules())
        // No such process: a /proc read at the end of the window finds nothing.
        let parent = EventProcess(
            pid: 2_000_000_000, tid: 2_000_000_000, ppid: 1, uid: 0, comm: UntrustedText("stormer".utf8),
            start: BootInstant(nanoseconds: 1_000))
        // Windows are aligned to multiples of their length (5 s): starting on a boundary puts
        // five whole seconds of forks in the first window, whatever the machine's uptime.
        let window = UInt64(ForkStormDetector.Configuration().windowSeconds * 1e9)
        let start = BootInstant(nanoseconds: (BootInstant.now().nanoseconds / window + 1) * window)
        var storms: [ForkStormRecord] = []
        for second in 0..<12 {
            for fork in 0..<120 {
                let time = BootInstant(
                    nanoseconds: start.nanoseconds + UInt64(second) * 1_000_000_000 + UInt64(fork))
                let child = ForkDetails(
                    childPID: Int32(100_000 + second * 120 + fork),
                    childTID: Int32(100_000 + second * 120 + fork),
                    childStart: time, isThread: false)
                _ = engine.observe(
                    LifecycleEvent(time: time, source: .bpf, process: parent, payload: .fork(child)))
            }
            let tick = BootInstant(nanoseconds: start.nanoseconds + UInt64(second + 1) * 1_000_000_000)
            storms += engine.tick(at: tick).forkStorms
        }
        let storm = try #require(storms.first)
        #expect(storm.parentPID == 2_000_000_000)
        #expect(storm.parentComm == UntrustedText("stormer".utf8))
        #expect(storm.rate == 120)
    }
}
