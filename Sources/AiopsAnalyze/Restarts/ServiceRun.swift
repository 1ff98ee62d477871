import AiopsCore

/// The events of one run of a service: everything logged under one INVOCATION_ID, from its
/// "Started" to its end. Events without an id (a dependency failure) form runs of their own.
struct ServiceRun {
    var invocationID: String?
    var events: [ServiceEvent] = []

    var startedAt: Int64? { events.first { $0.kind == .started }?.time }

    /// Groups time-ordered events by invocation id, in order of each run's first event.
    static func group(_ events: [ServiceEvent]) -> [ServiceRun] {
        var runs: [ServiceRun] = []
        var index: [String: Int] = [:]
        for event in events {
            guard let id = event.invocationID else {
                runs.append(ServiceRun(invocationID: nil, events: [event]))
                continue
            }
            if let existing = index[id] {
                runs[existing].events.append(event)
            } else {
                index[id] = runs.count
                runs.append(ServiceRun(invocationID: id, events: [event]))
            }
        }
        return runs
    }

    func first<T>(_ match: (ServiceEvent.Kind) -> T?) -> (T, Int64)? {
        for event in events { if let value = match(event.kind) { return (value, event.time) } }
        return nil
    }

    func last<T>(_ match: (ServiceEvent.Kind) -> T?) -> (T, Int64)? {
        for event in events.reversed() { if let value = match(event.kind) { return (value, event.time) } }
        return nil
    }

    func contains(_ kind: ServiceEvent.Kind) -> Bool { events.contains { $0.kind == kind } }
}
