import AiopsCore

/// What /proc tells about one process at one moment: enough to name it, place it in the tree
/// and identify it across sources.
public struct ProcessSnapshot: Hashable, Sendable {
    public var stat: ProcStat
    public var uid: UInt32?
    public var argv: [UntrustedText]
    /// The command line was longer than the read limit.
    public var argvTruncated: Bool

    public init(stat: ProcStat, uid: UInt32?, argv: [UntrustedText], argvTruncated: Bool) {
        self.stat = stat
        self.uid = uid
        self.argv = argv
        self.argvTruncated = argvTruncated
    }

    public var pid: Int32 { stat.pid }
    public var key: ProcessKey { stat.key }
}

/// Reads snapshots of processes from /proc.
public struct ProcessSnapshotReader: Sendable {
    public let procfs: ProcFS
    /// Command lines can be megabytes; beyond this the read stops and is marked truncated.
    public let argvLimit: Int

    public init(procfs: ProcFS = ProcFS(), argvLimit: Int = 4096) {
        self.procfs = procfs
        self.argvLimit = argvLimit
    }

    /// nil when the process is gone (or its stat is unreadable).
    public func snapshot(pid: Int32, includeArgv: Bool = true) -> ProcessSnapshot? {
        guard let statBytes = procfs.read("\(pid)/stat", limit: 2048).bytes,
            let stat = ProcStat.parse(statBytes)
        else { return nil }
        let status = procfs.read("\(pid)/status").bytes.map(ProcStatus.parse)
        var argv: [UntrustedText] = []
        var truncated = false
        if includeArgv, case .bytes(let bytes, let cut) = procfs.read("\(pid)/cmdline", limit: argvLimit) {
            argv = ProcCommandLine.parse(bytes)
            truncated = cut
        }
        return ProcessSnapshot(stat: stat, uid: status?.realUID, argv: argv, argvTruncated: truncated)
    }

    /// Every process that can be read now. Processes that exit mid-scan are skipped.
    public func all(includeArgv: Bool = true) -> [ProcessSnapshot] {
        procfs.pids().compactMap { snapshot(pid: $0, includeArgv: includeArgv) }
    }

    /// Just the stat of every process: the cheap scan for polling.
    public func allStats() -> [ProcStat] {
        procfs.pids().compactMap { pid in
            procfs.read("\(pid)/stat", limit: 2048).bytes.flatMap(ProcStat.parse)
        }
    }

    /// Thread group of a task id: /proc/<tid> exists for threads too, though readdir hides it.
    public func threadGroup(ofTask tid: Int32) -> Int32? {
        procfs.read("\(tid)/status").bytes.map(ProcStatus.parse)?.tgid
    }
}
