import AiopsCore
import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Stops a `LifecycleSession` on SIGINT or SIGTERM (a second one exits at once) or at the end
/// of a duration; with `hangups`, SIGHUP becomes a `.hangup` notice in the session's stream.
///
/// Create it before opening the session: a signal that arrives while BPF loads then waits for
/// the session (and stops it the moment it is attached) instead of killing the process.
/// Signals are handled on Dispatch, so a consumer behind a backlog cannot delay them.
public final class SessionStopper: Sendable {
    public enum Cause: Sendable, Equatable {
        case signal(Int32)
        case duration
    }

    private struct State {
        var session: LifecycleSession?
        var stopPending = false
        var hangupsPending = 0
        var signalStops = 0
        var handlers: [DispatchHandle] = []
    }

    private let state = Mutex(State())
    private let onStop: @Sendable (Cause) -> Void

    /// `onStop` runs at once, in the handler, whatever the consumer is doing.
    public init(hangups: Bool = false, onStop: @escaping @Sendable (Cause) -> Void = { _ in }) {
        self.onStop = onStop
        var handlers: [DispatchHandle] = []
        for number in hangups ? [SIGINT, SIGTERM, SIGHUP] : [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let handler = DispatchSource.makeSignalSource(signal: number, queue: .global())
            handler.setEventHandler { [self] in
                number == SIGHUP ? hangup() : stop(.signal(number))
            }
            handler.resume()
            handlers.append(DispatchHandle(source: handler))
        }
        state.withLock { $0.handlers = handlers }
    }

    /// From now on stops (and tells) `session`; with `afterNanoseconds`, also at that time.
    public func attach(_ session: LifecycleSession, stopAfterNanoseconds: UInt64? = nil) {
        let (stopNow, hangups) = state.withLock { state in
            state.session = session
            defer { state.hangupsPending = 0 }
            return (state.stopPending, state.hangupsPending)
        }
        for _ in 0..<hangups { session.post(.hangup) }
        if stopNow { session.stop() }
        if let stopAfterNanoseconds {
            let delay = DispatchTimeInterval.nanoseconds(Int(min(stopAfterNanoseconds, UInt64(Int.max))))
            DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [self] in stop(.duration) }
        }
    }

    /// Stops handling the signals (their default action does not come back: they stay ignored).
    public func uninstall() {
        let handlers = state.withLock { state in
            defer { state.handlers = [] }
            return state.handlers
        }
        for handler in handlers { handler.cancel() }
    }

    private func stop(_ cause: Cause) {
        let session = state.withLock { state -> LifecycleSession? in
            if case .signal(let number) = cause {
                state.signalStops += 1
                if state.signalStops > 1 { _exit(128 + number) }
            }
            state.stopPending = true
            return state.session
        }
        onStop(cause)
        session?.stop()
    }

    private func hangup() {
        let session = state.withLock { state -> LifecycleSession? in
            if state.session == nil { state.hangupsPending += 1 }
            return state.session
        }
        session?.post(.hangup)
    }
}
