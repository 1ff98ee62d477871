import AiopsCore
import Testing

@Suite("ProcessKey")
struct ProcessKeyTests {
    @Test("a BPF start in nanoseconds and a /proc start in ticks within the same tick give the same key")
    func sameKeyFromBothClocks() {
        let tick = BootInstant.nanosecondsPerTick
        let fromProc = ProcessKey(pid: 42, startTicks: 500)
        let fromBPF = ProcessKey(pid: 42, start: BootInstant(nanoseconds: 500 * tick + tick - 1))
        #expect(fromProc == fromBPF)
        #expect(Set([fromProc, fromBPF]).count == 1)
    }

    @Test("the same pid started one tick later is another process")
    func pidReuseIsAnotherKey() {
        let tick = BootInstant.nanosecondsPerTick
        let first = ProcessKey(pid: 42, start: BootInstant(nanoseconds: 500 * tick))
        let reused = ProcessKey(pid: 42, start: BootInstant(nanoseconds: 501 * tick))
        #expect(first != reused)
        #expect(first < reused)
    }

    @Test("keys order by pid, then by start")
    func ordering() {
        let keys = [
            ProcessKey(pid: 7, startTicks: 1), ProcessKey(pid: 3, startTicks: 9),
            ProcessKey(pid: 7, startTicks: 0),
        ]
        #expect(
            keys.sorted() == [
                ProcessKey(pid: 3, startTicks: 9), ProcessKey(pid: 7, startTicks: 0),
                ProcessKey(pid: 7, startTicks: 1),
            ])
    }

    @Test("description is pid@ticks")
    func description() {
        #expect(ProcessKey(pid: 1234, startTicks: 98_765).description == "1234@98765")
    }
}
