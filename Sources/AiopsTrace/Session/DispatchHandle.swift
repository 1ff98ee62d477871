import Dispatch

/// A Dispatch source (a timer, a signal handler) held under a lock: Dispatch sources are safe
/// to cancel from any thread, but Swift does not know it.
struct DispatchHandle: @unchecked Sendable {
    let source: any DispatchSourceProtocol

    func cancel() { source.cancel() }
}
