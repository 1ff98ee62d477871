import AiopsAnalyze
import AiopsCore
import Testing

/// Joining the daemon's recorded deaths to the journal's episodes: same end, same unit (the
/// query's job), closest in time, each death used once.
@Suite("monitor deaths joined to restart episodes")
struct MonitorDeathMatcherTests {
    typealias Script = RestartHistoryTests

    /// Three SIGSEGV crashes at 100, 200 and 300 s, each restarted after a second.
    static let episodes: [RestartEpisode] = {
        var events: [ServiceEvent] = []
        for (index, end) in [100.0, 200.0, 300.0].enumerated() {
            events += Script.autoRestartedRun(
                "run\(index)", start: end - 50, end: end, exit: .init(code: .dumped, status: 11),
                result: "core-dump", counter: index + 1)
        }
        events.append(Script.event(.started, 301, "run3"))
        return RestartHistory(events: events, context: .init(controlGroup: "/system.slice/web.service"))
            .episodes
    }()

    static func death(at seconds: Double, pid: Int32, status: AiopsCore.ExitStatus?) -> ExitRecord {
        ExitRecord(
            unixNanoseconds: Int64(seconds * 1e9), pid: pid, ppid: 1, uid: 0, comm: UntrustedText("web".utf8),
            argv: [], startUnixNanoseconds: nil, unit: "web.service", status: status, killerPID: pid,
            snapshot: ResourceSnapshot(time: BootInstant(nanoseconds: 1), residentBytes: 1 << 20),
            source: .bpf)
    }

    @Test("each crash gets the death recorded just before systemd logged it")
    func crashesMatched() throws {
        let segv = AiopsCore.ExitStatus.killed(by: 11, coreDumped: true)
        // The kernel ends the process a few ms before systemd logs it; one death is the other
        // end of the run, one has another status, one is far from any episode.
        let records = [
            Self.death(at: 99.995, pid: 10, status: segv),
            Self.death(at: 199.990, pid: 20, status: segv),
            Self.death(at: 299.999, pid: 30, status: segv),
            Self.death(at: 299.5, pid: 31, status: .exited(1)),
            Self.death(at: 250, pid: 40, status: segv),
        ]
        try #require(Self.episodes.count == 3)
        let matches = MonitorDeathMatcher.match(Self.episodes, with: records)
        #expect(matches.mapValues(\.pid) == [0: 10, 1: 20, 2: 30])
    }

    @Test("a death beyond the tolerance, an unknown status or a different signal is not joined")
    func mismatches() {
        let records = [
            Self.death(at: 97.9, pid: 10, status: .killed(by: 11, coreDumped: true)),
            Self.death(at: 200, pid: 20, status: nil),
            Self.death(at: 300, pid: 30, status: .killed(by: 6, coreDumped: true)),
        ]
        #expect(MonitorDeathMatcher.match(Self.episodes, with: records).isEmpty)
    }

    @Test("two episodes close together do not share one death: the closer takes it")
    func closestWins() throws {
        var events: [ServiceEvent] = []
        for (index, end) in [100.0, 101.0].enumerated() {
            events += Script.autoRestartedRun(
                "r\(index)", start: end - 0.5, end: end, exit: .init(code: .exited, status: 1),
                result: "exit-code", counter: index + 1)
        }
        let episodes = RestartHistory(events: events, context: .init(controlGroup: "/x.service")).episodes
        try #require(episodes.count == 2)
        let only = Self.death(at: 100.9, pid: 7, status: .exited(1))
        #expect(MonitorDeathMatcher.match(episodes, with: [only]).mapValues(\.pid) == [1: 7])
    }
}
