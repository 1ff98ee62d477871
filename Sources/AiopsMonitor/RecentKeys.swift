import AiopsCore

/// A bounded set of recently seen process keys: the oldest is forgotten when full, so memory
/// stays flat however many processes come and go.
struct RecentKeys {
    private var keys: Set<ProcessKey> = []
    private var order: [ProcessKey] = []
    private var next = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    mutating func insert(_ key: ProcessKey) {
        guard keys.insert(key).inserted else { return }
        if order.count < capacity {
            order.append(key)
        } else {
            keys.remove(order[next])
            order[next] = key
            next = (next + 1) % capacity
        }
    }

    /// Whether it was there; it is not any more (a key is matched once).
    mutating func remove(_ key: ProcessKey) -> Bool {
        keys.remove(key) != nil
    }
}
