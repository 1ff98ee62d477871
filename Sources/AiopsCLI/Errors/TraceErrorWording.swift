import AiopsCore
import AiopsProc
import AiopsTrace

/// How the lifecycle sources' typed errors reach the operator: the sentence the error states,
/// a hint saying what to do, and the exit code (README "Exit codes"). The lower layers say what
/// happened; only here is it decided what the operator should do about it.
extension AiopsError {
    init(_ error: LifecycleSourceError) {
        switch error {
        case .bpf(let error): self.init(error)
        case .procConnector(let error): self.init(error)
        case .nestedPIDNamespace:
            self.init(.unavailable, error.description, hint: "use --backend poll, or run aiops on the host")
        }
    }

    init(_ error: BPFLoadError) {
        switch error.kind {
        case .permission:
            self.init(
                .noPermission, error.description,
                hint:
                    "run as root, or use --backend auto to fall back (`aiops doctor` says what this user gets: "
                    + "the proc connector needs CAP_NET_ADMIN on many kernels, /proc polling needs nothing)")
        case .noBTF:
            self.init(
                .unavailable, error.description,
                hint: "use --backend proc, or a kernel built with CONFIG_DEBUG_INFO_BTF=y")
        case .kernelTooOld:
            self.init(.unavailable, error.description, hint: "use --backend proc")
        case .verifierRejected:
            // A bug of ours (exit 70): the log tail travels with the error; the full log is one
            // environment variable away.
            self.init(
                .software, error.description,
                hint:
                    "rerun with AIOPS_BPF_DEBUG=1 for the verifier log and report it; --backend proc works meanwhile"
            )
        case .other:
            self.init(.failure, error.description)
        }
    }

    init(_ error: ProcConnectorError) {
        if error.isPermission {
            self.init(.noPermission, error.description, hint: "run as root (CAP_NET_ADMIN)")
        } else {
            self.init(.unavailable, error.description)
        }
    }
}

/// Opens the one lifecycle session of trace, monitor and collect --duration, with the failure
/// worded for the operator (hint and exit code).
func openLifecycleSession(
    _ choice: BackendChoice, options: SourceOptions = SourceOptions(),
    reader: ProcessSnapshotReader = ProcessSnapshotReader()
) throws(AiopsError) -> LifecycleSession {
    do throws(LifecycleSourceError) {
        return try LifecycleSession(backend: choice, options: options, reader: reader)
    } catch {
        throw AiopsError(error)
    }
}
