/// The last `capacity` elements appended, oldest first: the bounded memory of a detector.
/// Capacities are tens of elements, so dropping the oldest by shifting is cheaper than the
/// bookkeeping of a ring.
struct RecentWindow<Element: Sendable>: Sendable {
    let capacity: Int
    private(set) var elements: [Element] = []

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        elements.reserveCapacity(self.capacity)
    }

    var count: Int { elements.count }
    var first: Element? { elements.first }

    mutating func append(_ element: Element) {
        if elements.count >= capacity {
            elements.removeFirst(elements.count - capacity + 1)
        }
        elements.append(element)
    }
}
