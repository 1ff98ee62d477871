/// What one maintenance pass did.
public struct HistoryPruneResult: Hashable, Sendable {
    /// Records (exits, alerts, restarts, fork storms) older than `HistoryLimits.maxAge`.
    public var deletedByAge: Int
    /// The oldest records, deleted to bring the database back under `HistoryLimits.maxBytes`.
    public var deletedBySize: Int
    /// Pages released by the incremental vacuum, in bytes: the database file shrinks by as much
    /// once the write-ahead log is checkpointed (at once, unless a reader holds an old snapshot).
    public var reclaimedBytes: Int64
    public var durationNanoseconds: Int64

    public init(
        deletedByAge: Int = 0, deletedBySize: Int = 0, reclaimedBytes: Int64 = 0,
        durationNanoseconds: Int64 = 0
    ) {
        self.deletedByAge = deletedByAge
        self.deletedBySize = deletedBySize
        self.reclaimedBytes = reclaimedBytes
        self.durationNanoseconds = durationNanoseconds
    }
}
