import AiopsCore
import Testing

@testable import AiopsMonitor

@Suite("critical targets")
struct CriticalTargetTests {
    @Test("numbers are PIDs, unit suffixes are units, the rest are names")
    func parsing() throws {
        #expect(
            try CriticalTarget.parseList("1234, nginx sshd.service,app.scope") == [
                .pid(1234), .name("nginx"), .unit("sshd.service"), .unit("app.scope"),
            ])
    }

    @Test(
        "bad entries are refused, never widened",
        arguments: ["0", "99999999999", "a/b", "bad\u{1B}name", "nginx;.service", "-x.service"])
    func refused(text: String) {
        #expect(throws: CriticalTarget.Invalid.self) { try CriticalTarget(parsing: text) }
    }

    @Test("a name matches the 15-byte comm it was cut to, or argv[0]'s base name")
    func nameMatching() {
        let long = CriticalTarget.name("postgres-checkpointer")
        #expect(long.matches(pid: 1, comm: "postgres-checkp", argv0: nil, unit: nil))
        let postgres = CriticalTarget.name("postgres")
        #expect(
            postgres.matches(pid: 1, comm: "other", argv0: "/usr/lib/postgresql/15/bin/postgres", unit: nil))
        #expect(!postgres.matches(pid: 1, comm: "postgres2", argv0: "/bin/postgres2", unit: nil))
    }
}

@Suite("critical watch")
struct CriticalWatchTests {
    static func candidate(
        _ pid: Int32, _ comm: UntrustedText, ppid: Int32 = 1, unit: String? = nil, exec: Bool = true
    ) -> ProcessCandidate {
        ProcessCandidate(
            key: ProcessKey(pid: pid, startTicks: UInt64(pid)), ppid: ppid, uid: 0, comm: comm, argv: [comm],
            unit: unit, viaExec: exec)
    }

    @Test("the last process of a name exits: down; the next one is its restart, with the old pid")
    func restartByName() throws {
        var watch = CriticalWatch(targets: [.name("nginx")])
        watch.adopt([
            Self.candidate(10, "nginx"), Self.candidate(11, "nginx", ppid: 10), Self.candidate(12, "bash"),
        ])
        #expect(watch.watched.count == 2)
        let worker = watch.exited(ProcessKey(pid: 11, startTicks: 11), at: BootInstant(nanoseconds: 5))
        #expect(worker?.lastOfTarget == false)
        let master = watch.exited(ProcessKey(pid: 10, startTicks: 10), at: BootInstant(nanoseconds: 6))
        #expect(master?.lastOfTarget == true)
        #expect(watch.unmatched == [.name("nginx")])
        #expect(watch.appeared(Self.candidate(20, "bash"), at: BootInstant(nanoseconds: 7)) == nil)
        let appeared = watch.appeared(Self.candidate(21, "nginx"), at: BootInstant(nanoseconds: 9))
        let restart = try #require(appeared)
        #expect(restart.0.oldPID == 10)
        #expect(restart.1 == .name("nginx"))
    }

    @Test("a PID's successor: the same program exec'd by the same parent, not any fork of that name")
    func pidSuccessor() throws {
        var watch = CriticalWatch(targets: [.pid(10)])
        watch.adopt([Self.candidate(10, "mysqld", ppid: 1), Self.candidate(11, "mysqld", ppid: 1)])
        #expect(watch.watched.count == 1)
        _ = watch.exited(ProcessKey(pid: 10, startTicks: 10), at: BootInstant(nanoseconds: 5))
        let otherParent = watch.appeared(
            Self.candidate(30, "mysqld", ppid: 77), at: BootInstant(nanoseconds: 6))
        #expect(otherParent == nil)
        let forked = watch.appeared(
            Self.candidate(31, "mysqld", ppid: 1, exec: false), at: BootInstant(nanoseconds: 6))
        #expect(forked == nil)
        let appeared = watch.appeared(Self.candidate(32, "mysqld", ppid: 1), at: BootInstant(nanoseconds: 7))
        let restart = try #require(appeared)
        #expect(restart.0.oldPID == 10)
    }

    @Test("a watched process found missing by two scans is reported once")
    func missingTwice() {
        var watch = CriticalWatch(targets: [.pid(10)])
        watch.adopt([Self.candidate(10, "x")])
        let first = watch.missing(living: [], at: BootInstant(nanoseconds: 1))
        #expect(first.isEmpty)
        let second = watch.missing(living: [], at: BootInstant(nanoseconds: 2))
        #expect(second == [ProcessKey(pid: 10, startTicks: 10)])
    }
}
