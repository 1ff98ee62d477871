import AiopsCore
import AiopsProc

/// What the tracer knows about each live process: seeded from /proc when a trace starts (so the
/// exit of a process born before the trace still has a name, a command line and a parent),
/// then kept current by the events themselves.
///
/// Indexed by pid, but every record carries its start time and a pid seen with another start
/// time is a different process: the stale record is replaced, never merged. Bounded: past
/// `capacity` records the oldest are evicted and counted.
public final class ProcessTable {
    public struct Record: Sendable, Equatable {
        public enum Origin: String, Sendable {
            /// Existed when the trace started; its history before that is unknown.
            case seeded
            /// Born during the trace.
            case forked
        }

        public var pid: Int32
        public var start: BootInstant?
        public var ppid: Int32?
        public var uid: UInt32?
        public var comm: UntrustedText
        public var argv: [UntrustedText]?
        public var cgroupID: UInt64?
        public var origin: Origin
        /// The last potentially fatal signal generated for it, joined onto the exit if it died of it.
        public var pendingKiller: Killer?
        fileprivate var sequence: UInt64

        public var key: ProcessKey? { start.map { ProcessKey(pid: pid, start: $0) } }
    }

    public let capacity: Int
    /// Keep one exit per process even if a source reports it twice (off for exact sources: the
    /// check costs a set insertion per exit).
    public var deduplicatesExits = true
    public private(set) var evictions: UInt64 = 0
    /// Exits of the same process reported twice (possible on kernels without group_dead).
    public private(set) var duplicateExits: UInt64 = 0

    private var records: [Int32: Record] = [:]
    private var nextSequence: UInt64 = 0
    private var recentExits = RecentKeys(capacity: 4096)
    /// For `prune`: when each record was first found missing from /proc.
    private var missingSince: [Int32: BootInstant] = [:]

    public init(capacity: Int = 131_072) {
        self.capacity = capacity
    }

    public var count: Int { records.count }

    /// Forgets processes missing from /proc (`living`, a fresh listing) for `graceNanoseconds`:
    /// records left by exits the source lost. Not at once: a process reaped a moment ago still
    /// has its exit event (and its killer) in flight, and must find its record when it lands.
    /// A long-running consumer calls it now and then, so the table holds what is alive, not
    /// everything that ever lost its exit.
    public func prune(
        keeping living: Set<Int32>, at now: BootInstant, graceNanoseconds: UInt64 = 30_000_000_000
    ) {
        var stillMissing: [Int32: BootInstant] = [:]
        for pid in records.keys where !living.contains(pid) {
            let since = missingSince[pid] ?? now
            if now.nanoseconds &- since.nanoseconds >= graceNanoseconds {
                records[pid] = nil
            } else {
                stillMissing[pid] = since
            }
        }
        missingSince = stillMissing
    }

    public func record(pid: Int32) -> Record? { records[pid] }

    /// Adds the processes that exist now. Call after the source started, so nothing is born
    /// unseen in between; records the events already created are not overwritten.
    public func seed(_ snapshots: [ProcessSnapshot]) {
        for snapshot in snapshots {
            if let known = records[snapshot.pid]?.start, known.sameStart(as: snapshot.stat.start) { continue }
            insert(
                Record(
                    pid: snapshot.pid, start: snapshot.stat.start, ppid: snapshot.stat.ppid,
                    uid: snapshot.uid,
                    comm: snapshot.stat.comm, argv: snapshot.stat.isKernelThread ? nil : snapshot.argv,
                    cgroupID: nil, origin: .seeded, pendingKiller: nil, sequence: 0))
        }
    }

    /// Brings the table up to date with `event` and returns the event completed with what the
    /// table knows (start time, comm, parent, command line, killer). nil for a duplicate exit.
    public func apply(_ event: LifecycleEvent) -> LifecycleEvent? {
        var event = event
        complete(&event.process, afterExec: event.kind == .exec)

        switch event.payload {
        case .exec(let exec):
            var record = currentRecord(for: event.process) ?? newRecord(for: event.process, origin: .forked)
            record.comm = event.process.comm
            record.argv = exec.argvMissing ? record.argv : exec.argv
            record.ppid = event.process.ppid ?? record.ppid
            record.uid = event.process.uid ?? record.uid
            insert(record)

        case .fork(var fork):
            guard !fork.isThread else { break }
            if fork.childStart == nil, let known = records[fork.childPID], known.origin == .forked {
                fork.childStart = known.start
            }
            let parent = currentRecord(for: event.process)
            insert(
                Record(
                    pid: fork.childPID, start: fork.childStart, ppid: event.process.pid,
                    uid: event.process.uid ?? parent?.uid, comm: event.process.comm, argv: parent?.argv,
                    cgroupID: event.process.cgroupID, origin: .forked, pendingKiller: nil, sequence: 0))
            event.payload = .fork(fork)

        case .signal(var signal):
            if signal.targetStart == nil, let target = records[signal.targetPID] {
                signal.targetStart = target.start
            }
            if signal.targetComm.isEmpty, let target = records[signal.targetPID] {
                signal.targetComm = target.comm
            }
            if signal.isPotentiallyFatal, var target = records[signal.targetPID],
                Self.sameStart(target.start, signal.targetStart)
            {
                target.pendingKiller = Killer(
                    signal: signal.signal, code: signal.code, senderPID: event.process.pid,
                    senderComm: event.process.comm, time: event.time)
                records[signal.targetPID] = target
            }
            event.payload = .signal(signal)

        case .exit(var exit):
            if deduplicatesExits, let key = event.process.key {
                if recentExits.contains(key) {
                    duplicateExits += 1
                    return nil
                }
                recentExits.insert(key)
            }
            if let record = currentRecord(for: event.process) {
                exit.argv = record.argv
                if let killer = record.pendingKiller, killer.signal == exit.status?.signal {
                    exit.killer = killer
                }
            }
            // Whatever the table held for this pid is dead now, even a stale older record.
            records[event.process.pid] = nil
            event.payload = .exit(exit)
        }
        return event
    }

    /// Fills what the source did not know from the record of the same process. After an exec the
    /// recorded name is the old program's: it is never used for the new one.
    private func complete(_ process: inout EventProcess, afterExec: Bool) {
        guard var record = records[process.pid] else { return }
        if process.start == nil { process.start = record.start }
        guard Self.sameStart(record.start, process.start) else { return }
        if let precise = process.start, record.start != precise {
            // A seeded record knows its start to the tick; the event to the nanosecond.
            record.start = precise
            records[process.pid] = record
        }
        if process.comm.isEmpty && !afterExec { process.comm = record.comm }
        if process.ppid == nil { process.ppid = record.ppid }
        if process.uid == nil { process.uid = record.uid }
        if process.cgroupID == nil { process.cgroupID = record.cgroupID }
    }

    /// The record of this very process, if the table has it (not an older process of that pid).
    private func currentRecord(for process: EventProcess) -> Record? {
        guard let record = records[process.pid], Self.sameStart(record.start, process.start) else {
            return nil
        }
        return record
    }

    /// Unknown starts match anything: the source could not tell, and the pid is all there is.
    private static func sameStart(_ first: BootInstant?, _ second: BootInstant?) -> Bool {
        guard let first, let second else { return true }
        return first.sameStart(as: second)
    }

    private func newRecord(for process: EventProcess, origin: Record.Origin) -> Record {
        Record(
            pid: process.pid, start: process.start, ppid: process.ppid, uid: process.uid, comm: process.comm,
            argv: nil, cgroupID: process.cgroupID, origin: origin, pendingKiller: nil, sequence: 0)
    }

    private func insert(_ record: Record) {
        var record = record
        record.sequence = nextSequence
        nextSequence += 1
        records[record.pid] = record
        if records.count > capacity { evictOldest() }
    }

    /// Drops the oldest tenth. Rare (a table this full means exits were missed or the host has
    /// more processes than `capacity`), so a sort is fine.
    private func evictOldest() {
        let excess = records.count - capacity * 9 / 10
        let oldest = records.values.sorted { $0.sequence < $1.sequence }.prefix(excess)
        for record in oldest { records[record.pid] = nil }
        evictions += UInt64(oldest.count)
    }
}
