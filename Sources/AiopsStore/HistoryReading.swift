import AiopsCore

/// What the analyses (`aiops analyze crash --last`, `aiops analyze restarts`) ask of the
/// history. `HistoryStore` (the daemon's) and `HistoryReader` (read-only, for other processes)
/// both answer; an analysis can be tested against any other implementation.
///
/// Every answer is newest first and comes from one snapshot of the database, even while the
/// daemon writes and prunes. Times are wall-clock nanoseconds since the Unix epoch; `since` is
/// inclusive. Rows that no build of aiops could have written (a crafted file) are skipped.
public protocol HistoryReading {
    func exits(_ query: ExitQuery) throws(HistoryStoreError) -> [ExitRecord]
    func lastAbnormalExit() throws(HistoryStoreError) -> ExitRecord?
    func alerts(since: Int64, kind: Alert.Kind?, limit: Int?) throws(HistoryStoreError) -> [Alert]
    func restarts(since: Int64, target: String?, limit: Int?) throws(HistoryStoreError) -> [RestartRecord]
    func forkStorms(since: Int64, limit: Int?) throws(HistoryStoreError) -> [ForkStormRecord]
}

extension HistoryReading {
    /// The newest exit whose status is known and abnormal: `aiops analyze crash --last`.
    public func lastAbnormalExit() throws(HistoryStoreError) -> ExitRecord? {
        try exits(ExitQuery(onlyAbnormal: true, limit: 1)).first
    }
}

/// Which exits to return. Every criterion set must hold.
public struct ExitQuery: Hashable, Sendable {
    public var since: Int64?
    /// Only exits whose status is known and abnormal (`ExitStatus.isAbnormal`).
    public var onlyAbnormal: Bool
    public var pid: Int32?
    /// The kernel's name, compared byte for byte.
    public var comm: UntrustedText?
    public var unit: String?
    /// At most this many (the newest); nil for all.
    public var limit: Int?

    public init(
        since: Int64? = nil, onlyAbnormal: Bool = false, pid: Int32? = nil, comm: UntrustedText? = nil,
        unit: String? = nil, limit: Int? = nil
    ) {
        self.since = since
        self.onlyAbnormal = onlyAbnormal
        self.pid = pid
        self.comm = comm
        self.unit = unit
        self.limit = limit
    }
}
