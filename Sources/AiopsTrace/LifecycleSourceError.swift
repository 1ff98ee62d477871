/// Why `openLifecycleSource` could not open the source it was asked for. Each case carries the
/// typed error of the layer where it arose; the CLI words it and picks the exit code.
public enum LifecycleSourceError: Error, Sendable, CustomStringConvertible {
    case bpf(BPFLoadError)
    case procConnector(ProcConnectorError)
    /// `--backend bpf` or `proc` inside a PID namespace other than the host's: kernel events would
    /// name processes by pids that /proc here does not show.
    case nestedPIDNamespace

    public var description: String {
        switch self {
        case .bpf(let error): return error.description
        case .procConnector(let error): return error.description
        case .nestedPIDNamespace: return PIDNamespace.nestedMessage
        }
    }
}
