/// Which lifecycle source a trace uses.
public enum BackendChoice: String, Sendable, CaseIterable {
    /// BPF, else the proc connector, else /proc polling.
    case auto
    case bpf
    /// The netlink proc connector.
    case proc
    /// /proc polling.
    case poll
}

/// Settings every source understands.
public struct SourceOptions: Sendable {
    public var emitThreads = false
    public var emitSIGCHLD = false
    public var ringBytes: UInt32?
    public var pollIntervalNanoseconds: UInt64?
    public var queueCapacity: Int?

    public init() {}
}

public struct OpenedSource {
    public var source: any LifecycleSource
    /// Why better backends were passed over (auto only), one line each.
    public var fallbackReasons: [String]

    /// The one line every command prints on stderr when `auto` fell back: why, to what, and
    /// what that backend cannot see. nil when nothing was passed over.
    public var fallbackBanner: String? {
        guard !fallbackReasons.isEmpty else { return nil }
        return "\(fallbackReasons.joined(separator: "; ")) — falling back to \(source.backend.rawValue), "
            + "which cannot see: " + source.limitations.joined(separator: "; ")
    }
}

/// Opens the chosen source, or with `auto` the best one this host allows. An explicit choice
/// that fails is an error (so `--backend bpf` never silently degrades); `auto` records why it
/// fell back so the banner can say what is missing.
public func openLifecycleSource(_ choice: BackendChoice, options: SourceOptions) throws(LifecycleSourceError)
    -> OpenedSource
{
    let nested = PIDNamespace.isHost() == false
    switch choice {
    case .bpf:
        if nested { throw .nestedPIDNamespace }
        do throws(BPFLoadError) {
            return OpenedSource(source: try openBPF(options), fallbackReasons: [])
        } catch {
            throw .bpf(error)
        }
    case .proc:
        if nested { throw .nestedPIDNamespace }
        do throws(ProcConnectorError) {
            return OpenedSource(source: try openConnector(options), fallbackReasons: [])
        } catch {
            throw .procConnector(error)
        }
    case .poll:
        return OpenedSource(source: openPoll(options), fallbackReasons: [])
    case .auto:
        if nested {
            return OpenedSource(source: openPoll(options), fallbackReasons: [PIDNamespace.nestedMessage])
        }
        var reasons: [String] = []
        do {
            return OpenedSource(source: try openBPF(options), fallbackReasons: [])
        } catch {
            reasons.append("BPF: \(error)")
        }
        do {
            return OpenedSource(source: try openConnector(options), fallbackReasons: reasons)
        } catch {
            reasons.append("proc connector: \(error)")
        }
        return OpenedSource(source: openPoll(options), fallbackReasons: reasons)
    }
}

private func openBPF(_ options: SourceOptions) throws(BPFLoadError) -> BPFLifecycleSource {
    var configuration = BPFLifecycleSource.Configuration()
    configuration.emitThreads = options.emitThreads
    configuration.emitSIGCHLD = options.emitSIGCHLD
    if let ring = options.ringBytes { configuration.ringBytes = ring }
    configuration.wakeupBytes = min(configuration.wakeupBytes, configuration.ringBytes / 4)
    if let capacity = options.queueCapacity { configuration.queueCapacity = capacity }
    return try BPFLifecycleSource(configuration: configuration)
}

private func openConnector(_ options: SourceOptions) throws(ProcConnectorError) -> ProcConnectorSource {
    var configuration = ProcConnectorSource.Configuration()
    configuration.emitThreads = options.emitThreads
    if let capacity = options.queueCapacity { configuration.queueCapacity = capacity }
    return try ProcConnectorSource(configuration: configuration)
}

private func openPoll(_ options: SourceOptions) -> ProcPollSource {
    var configuration = ProcPollSource.Configuration()
    if let interval = options.pollIntervalNanoseconds { configuration.intervalNanoseconds = interval }
    if let capacity = options.queueCapacity { configuration.queueCapacity = capacity }
    return ProcPollSource(configuration: configuration)
}
