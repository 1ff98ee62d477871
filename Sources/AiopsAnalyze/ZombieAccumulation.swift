import AiopsCore

/// A zombie found by a /proc scan: a process that exited and that its parent has not waited
/// for yet.
public struct ZombieObservation: Hashable, Sendable {
    public var key: ProcessKey
    public var ppid: Int32
    /// When it exited, if the tracer saw the exit; otherwise its age counts from the first scan
    /// that found it (at most one interval late).
    public var exitTime: BootInstant?

    public init(key: ProcessKey, ppid: Int32, exitTime: BootInstant? = nil) {
        self.key = key
        self.ppid = ppid
        self.exitTime = exitTime
    }
}

/// Zombies piling up: under one parent that does not reap its children, or on the whole system.
public struct ZombieAccumulation: Hashable, Sendable {
    public enum Scope: Hashable, Sendable {
        /// The zombies of one parent (by pid: a zombie's parent is alive, or it would have been
        /// re-parented and reaped).
        case parent(pid: Int32)
        case system
    }

    public var scope: Scope
    public var count: Int
    /// The zombie there the longest, and since when.
    public var oldest: ProcessKey
    public var oldestSince: BootInstant
    /// Whether `oldestSince` is its exit time (else: when a scan first found it).
    public var oldestSinceExit: Bool
    public var oldestSeconds: Double
    /// Consecutive scans in which the parent had more zombies and reaped none (0 for the system).
    public var growingScans: Int

    public init(
        scope: Scope, count: Int, oldest: ProcessKey, oldestSince: BootInstant, oldestSinceExit: Bool,
        oldestSeconds: Double, growingScans: Int
    ) {
        self.scope = scope
        self.count = count
        self.oldest = oldest
        self.oldestSince = oldestSince
        self.oldestSinceExit = oldestSinceExit
        self.oldestSeconds = oldestSeconds
        self.growingScans = growingScans
    }

    /// e.g. "7 zombies of parent pid 1234 not reaped, the oldest exited 3m12s ago, growing for 3
    /// scans" or "23 zombies on the system, the oldest there for at least 12m".
    public var summary: String {
        let zombies = QuantityText.count(count, "zombie")
        let age = DurationText.format(seconds: oldestSeconds)
        let oldestText =
            oldestSinceExit ? "the oldest exited \(age) ago" : "the oldest there for at least \(age)"
        switch scope {
        case .parent(let pid):
            // One scan of growth is just the first sighting.
            let growth = growingScans > 1 ? ", growing for \(growingScans) scans" : ""
            return "\(zombies) of parent pid \(pid) not reaped, \(oldestText)\(growth)"
        case .system:
            return "\(zombies) on the system, \(oldestText)"
        }
    }
}
