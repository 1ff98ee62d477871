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
        // Starting on a whole second keeps the forks of each second inside its own steps,
        // whatever the machine's uptime.
        let window: UInt64 = 1_000_000_000
        let start = BootInstant(nanoseconds: (BootInstant.now().nanoseconds / window + 1) * window)
        var storms: [ForkStormRecord] = []
        for second in 0..<12 {
            for fork in 0..<120 {
                // Spread over the second, as a loop forking 120 times a second would.
                let time = BootInstant(
                    nanoseconds: start.nanoseconds + UInt64(second) * 1_000_000_000 + UInt64(fork) * 8_000_000
                )
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
        // Quiet again: once the window has drained, the storm's end is told with its total.
        var ends: [Alert] = []
        for second in 12..<20 {
            let tick = BootInstant(nanoseconds: start.nanoseconds + UInt64(second + 1) * 1_000_000_000)
            ends += engine.tick(at: tick).alerts.filter { $0.kind == .forkStormEnded }
        }
        let end = try #require(ends.first)
        #expect(ends.count == 1)
        #expect(
            end.summary.hasPrefix("stormer (pid 2000000000): fork storm over, created 1440 processes in 12s"))
        #expect(end.facts.contains { $0.name == "forks" && $0.value == .integer(1440) })
        let storm = try #require(storms.first)
        #expect(storm.parentPID == 2_000_000_000)
        #expect(storm.parentComm == UntrustedText("stormer".utf8))
        #expect(abs(storm.rate - 120) < 6, "\(storm.rate)")
    }
}
