/// A bounded set of recently seen process keys: the oldest is forgotten when full, so memory
/// stays flat however many processes come and go. Used to recognise a second report of the same
/// end (a duplicate exit, an exit a scan already reported).
public struct RecentKeys: Sendable {
    private var ring: [ProcessKey?]
    private var members: Set<ProcessKey> = []
    private var next = 0

    public init(capacity: Int) {
        ring = Array(repeating: nil, count: max(1, capacity))
    }

    public func contains(_ key: ProcessKey) -> Bool { members.contains(key) }

    public mutating func insert(_ key: ProcessKey) {
        guard !members.contains(key) else { return }
        if let evicted = ring[next] { members.remove(evicted) }
        ring[next] = key
        members.insert(key)
        next = (next + 1) % ring.count
    }

    /// Whether it was there; it is not any more (a key is matched once). Its ring slot is
    /// reused in turn.
    public mutating func remove(_ key: ProcessKey) -> Bool {
        members.remove(key) != nil
    }
}
