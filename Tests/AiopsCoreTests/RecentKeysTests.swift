import AiopsCore
import Testing

@Suite("recent keys")
struct RecentKeysTests {
    @Test("bounded: the oldest is forgotten; a removed key is matched once")
    func boundedAndRemoved() {
        var keys = RecentKeys(capacity: 3)
        let all = (1...4).map { ProcessKey(pid: Int32($0), startTicks: UInt64($0)) }
        for key in all { keys.insert(key) }
        #expect(!keys.contains(all[0]))
        #expect(keys.contains(all[1]) && keys.contains(all[3]))
        let first = keys.remove(all[2])
        let second = keys.remove(all[2])
        #expect(first && !second)
        #expect(!keys.contains(all[2]))
    }
}
