import AiopsCore

/// Watches the zombies of successive /proc scans for accumulation: a parent that stopped reaping
/// its children (many zombies, or more at every scan), or too many on the whole system. Each is
/// reported once per episode; an episode ends when the count falls back to well under its
/// threshold. Pure: the scan's time comes with it. Memory follows the zombies that exist.
public struct ZombieWatch: Sendable {
    public struct Configuration: Hashable, Sendable {
        /// Zombies of one parent that are worth an alert. A zombie normally lives for
        /// microseconds (until the parent's SIGCHLD handler or wait loop runs), so a scan seeing
        /// even one is luck; five at once means the parent is not waiting for its children.
        public var perParentThreshold = 5
        /// Consecutive scans in which a parent had more zombies and reaped none — e.g. 1, 2, 3
        /// over 20 s at the default interval. Catches a parent that stopped reaping, early,
        /// before it reaches the threshold; a parent that reaps late but does reap resets it.
        public var growingScans = 3
        /// Zombies on the whole system worth an alert, whoever their parents: each holds a pid,
        /// and many parents each a little sloppy add up.
        public var systemThreshold = 20
        /// An episode ends when the count falls to this share of its threshold (5 → 2, 20 → 10):
        /// a count hovering at the threshold is one episode, not many.
        public var episodeEndFraction = 0.5

        public init() {}
    }

    private struct Known: Sendable {
        var ppid: Int32
        var since: BootInstant
        var sinceExit: Bool
    }

    private struct Parent: Sendable {
        var count = 0
        var growingScans = 0
        var inEpisode = false
    }

    public let configuration: Configuration
    private var known: [ProcessKey: Known] = [:]
    private var parents: [Int32: Parent] = [:]
    private var systemInEpisode = false

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// One scan's zombies (all of them); returns the accumulations that start with it, parents
    /// in pid order, then the system.
    public mutating func evaluate(zombies: [ZombieObservation], now: BootInstant) -> [ZombieAccumulation] {
        var current: [ProcessKey: Known] = [:]
        for zombie in zombies {
            if let exit = zombie.exitTime {
                current[zombie.key] = Known(ppid: zombie.ppid, since: exit, sinceExit: true)
            } else {
                let previous = known[zombie.key]
                current[zombie.key] = Known(
                    ppid: zombie.ppid, since: previous?.since ?? now, sinceExit: previous?.sinceExit ?? false)
            }
        }
        // A zombie gone (or moved to another parent) since the last scan was reaped by its parent.
        var reaped: Set<Int32> = []
        for (key, zombie) in known where current[key]?.ppid != zombie.ppid {
            reaped.insert(zombie.ppid)
        }
        known = current

        var groups: [Int32: (count: Int, oldest: (key: ProcessKey, zombie: Known))] = [:]
        for (key, zombie) in current {
            var group = groups[zombie.ppid] ?? (0, (key, zombie))
            group.count += 1
            if Self.isOlder((key, zombie), than: group.oldest) { group.oldest = (key, zombie) }
            groups[zombie.ppid] = group
        }

        var found: [ZombieAccumulation] = []
        for pid in Set(groups.keys).union(parents.keys).sorted() {
            let group = groups[pid]
            var parent = parents[pid] ?? Parent()
            let count = group?.count ?? 0
            if reaped.contains(pid) {
                parent.growingScans = 0
            } else if count > parent.count {
                parent.growingScans += 1
            }
            parent.count = count
            if parent.inEpisode {
                if Double(count) <= configuration.episodeEndFraction
                    * Double(configuration.perParentThreshold)
                {
                    parent.inEpisode = false
                }
            } else if let group,
                count >= configuration.perParentThreshold || parent.growingScans >= configuration.growingScans
            {
                parent.inEpisode = true
                found.append(
                    report(
                        .parent(pid: pid), count: count, oldest: group.oldest, now: now,
                        growing: parent.growingScans))
            }
            parents[pid] = count == 0 && !parent.inEpisode ? nil : parent
        }

        let total = current.count
        if systemInEpisode {
            if Double(total) <= configuration.episodeEndFraction * Double(configuration.systemThreshold) {
                systemInEpisode = false
            }
        } else if total >= configuration.systemThreshold,
            let oldest = current.map({ (key: $0.key, zombie: $0.value) }).min(by: Self.isOlder)
        {
            systemInEpisode = true
            found.append(report(.system, count: total, oldest: oldest, now: now, growing: 0))
        }
        return found
    }

    private func report(
        _ scope: ZombieAccumulation.Scope, count: Int, oldest: (key: ProcessKey, zombie: Known),
        now: BootInstant, growing: Int
    ) -> ZombieAccumulation {
        ZombieAccumulation(
            scope: scope, count: count, oldest: oldest.key, oldestSince: oldest.zombie.since,
            oldestSinceExit: oldest.zombie.sinceExit, oldestSeconds: now.seconds(since: oldest.zombie.since),
            growingScans: growing)
    }

    /// Earlier first; ties by key, so the answer does not depend on dictionary order.
    private static func isOlder(
        _ lhs: (key: ProcessKey, zombie: Known), than rhs: (key: ProcessKey, zombie: Known)
    )
        -> Bool
    {
        (lhs.zombie.since, lhs.key) < (rhs.zombie.since, rhs.key)
    }
}
