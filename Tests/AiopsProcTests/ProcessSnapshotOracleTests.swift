import AiopsCore
import AiopsProc
import AiopsTestSupport
import Foundation
import Testing

/// `ps` as an independent oracle for the snapshot reader. ps runs between two scans, so a
/// process alive through both scans was alive while ps ran: for those the answers must agree
/// exactly. Everything else is churn from other tests and the system, explained rather than
/// merely tolerated, so the test stays exact when a fork storm runs in parallel.
@Suite("ProcessSnapshotReader against ps")
struct ProcessSnapshotOracleTests {
    struct PsRow {
        var pid: Int32
        var ppid: Int32
        var state: UInt8
    }

    static func ps() throws -> [Int32: PsRow] {
        let result = try runCommand("/bin/ps", ["-e", "-o", "pid=,ppid=,stat="])
        #expect(result.status == 0, "ps failed: \(result.standardError)")
        var rows: [Int32: PsRow] = [:]
        for line in result.outputLines {
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            guard columns.count == 3, let pid = Int32(columns[0]), let ppid = Int32(columns[1]),
                let state = columns[2].utf8.first
            else {
                Issue.record("unexpected ps line: \(line)")
                continue
            }
            rows[pid] = PsRow(pid: pid, ppid: ppid, state: state)
        }
        return rows
    }

    @Test("the same processes, parents and states as ps -e, even for a comm built to fool parsers")
    func agreesWithPs() throws {
        let decoyComm = ") Z 1 1 1"
        let decoy = try LiveChild(["rename", Array(decoyComm.utf8).hex, "30000"])
        defer { decoy.stop() }
        _ = try #require(decoy.waitForStat { $0.comm == UntrustedText(decoyComm.utf8) })

        let scanStart = BootInstant.now()
        let before = Dictionary(
            ProcessSnapshotReader().all().map { ($0.pid, $0) }, uniquingKeysWith: { first, _ in first })
        let ps = try Self.ps()
        let after = Dictionary(
            ProcessSnapshotReader().allStats().map { ($0.pid, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(before.count > 3 && ps.count > 3)

        let stable = before.values.filter { after[$0.pid]?.key == $0.key }
        // Alive through both scans, hence while ps ran.
        let missingFromPs = stable.filter { ps[$0.pid] == nil }.map(\.pid)
        #expect(missingFromPs.isEmpty, "ps lists no \(missingFromPs)")
        // Listed by ps but by neither scan: it must have started and ended in between. A process
        // that is still here and older than the first scan was missed by the reader.
        let onlyInPs = ps.keys.filter { before[$0] == nil && after[$0] == nil }
        let missed = onlyInPs.filter { pid in
            guard let stat = ProcFS().read("\(pid)/stat").bytes.flatMap(ProcStat.parse) else { return false }
            return stat.start.clockTicks < scanStart.clockTicks
        }
        #expect(missed.isEmpty, "the reader missed \(missed)")

        // Parents: exact wherever the parent did not change between the scans.
        let stableParent = stable.filter { after[$0.pid]?.ppid == $0.stat.ppid }
        let wrongParent = stableParent.filter { ps[$0.pid]?.ppid != $0.stat.ppid }.map(\.pid)
        #expect(wrongParent.isEmpty, "ppid differs from ps for \(wrongParent)")
        #expect(stableParent.count * 10 >= stable.count * 9)

        // States: a process may flip between R and S while ps reads; allow 1% + 2 of those.
        let stableState = stable.filter { after[$0.pid]?.state == $0.stat.state }
        let wrongState = stableState.filter { ps[$0.pid]?.state != $0.stat.state }
        #expect(wrongState.count <= stableState.count / 100 + 2, "states differ: \(wrongState.map(\.pid))")

        // The decoy is a sleeping child of ours, whatever its comm says.
        let decoySnapshot = try #require(before[decoy.pid])
        #expect(decoySnapshot.stat.comm == UntrustedText(decoyComm.utf8))
        #expect(decoySnapshot.stat.ppid == getpid())
        #expect(decoySnapshot.stat.state != UInt8(ascii: "Z"))
        #expect(ps[decoy.pid]?.ppid == getpid())
    }

    @Test("our own snapshot: argv, uid and key, as the process itself knows them")
    func ownSnapshot() throws {
        let snapshot = try #require(ProcessSnapshotReader(argvLimit: 1 << 20).snapshot(pid: getpid()))
        #expect(snapshot.argv == CommandLine.arguments.map { UntrustedText($0.utf8) })
        #expect(!snapshot.argvTruncated)
        #expect(snapshot.uid == getuid())
        #expect(snapshot.stat.ppid == getppid())
    }

    @Test("kernel threads have the PF_KTHREAD flag and no command line")
    func kernelThreads() throws {
        let snapshots = ProcessSnapshotReader().all()
        for thread in snapshots where thread.stat.isKernelThread {
            #expect(thread.argv.isEmpty, "kernel thread \(thread.pid) has argv \(thread.argv)")
        }
        // Where kthreadd is visible (not in a pid namespace), it and all its children are kernel threads.
        if let kthreadd = snapshots.first(where: { $0.stat.comm == "kthreadd" && $0.stat.ppid == 0 }) {
            #expect(kthreadd.stat.isKernelThread)
            let children = snapshots.filter { $0.stat.ppid == kthreadd.pid }
            #expect(!children.isEmpty)
            #expect(children.allSatisfy { $0.stat.isKernelThread })
        }
        #expect(snapshots.first { $0.pid == getpid() }?.stat.isKernelThread == false)
    }
}
