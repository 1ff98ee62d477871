import AiopsProc
import AiopsTestSupport
import Foundation

/// A test child that is killed and reaped when the test ends, however it ends: tests call
/// `stop()` in a `defer` (which also keeps the object alive to the end of the scope).
final class LiveChild {
    let pid: pid_t
    private var reaped = false

    init(_ arguments: [String]) throws {
        pid = try spawnChild(BuildProducts.testChild, arguments)
    }

    /// Polls until the child's stat satisfies `condition`; returns that stat (nil once the
    /// failure deadline passes).
    func waitForStat(_ condition: (ProcStat) -> Bool) -> ProcStat? {
        var found: ProcStat?
        waitUntil(every: 0.005) {
            guard let bytes = ProcFS().read("\(pid)/stat").bytes, let stat = ProcStat.parse(bytes) else {
                return false
            }
            found = condition(stat) ? stat : nil
            return found != nil
        }
        return found
    }

    /// Reaps the child after it exits by itself, returning its wait status.
    func reap() -> Int32 {
        reaped = true
        return waitForExit(pid)
    }

    /// Kills and reaps the child unless it was reaped already.
    func stop() {
        guard !reaped else { return }
        reaped = true
        kill(pid, SIGKILL)
        waitForExit(pid)
    }

    deinit {
        stop()
    }
}

extension Array where Element == UInt8 {
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}
