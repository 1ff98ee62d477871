import AiopsCore
import CAiopsBPF

/// A load failure, classified by the C loader, turned into a message an operator can act on.
struct BPFLoadError {
    let kind: UInt32
    let errorNumber: Int32
    let step: String
    let firstMessage: String
    let lastMessage: String

    init(_ error: aiops_bpf_error) {
        var copy = error
        kind = UInt32(error.kind)
        errorNumber = error.error_number
        step = withUnsafeBytes(of: &copy.step) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
        firstMessage = withUnsafeBytes(of: &copy.first_message) {
            String(cString: $0.bindMemory(to: CChar.self).baseAddress!)
        }
        lastMessage = withUnsafeBytes(of: &copy.last_message) {
            String(cString: $0.bindMemory(to: CChar.self).baseAddress!)
        }
    }

    var libbpfDetail: String {
        let messages = [firstMessage, lastMessage].filter { !$0.isEmpty }
        let unique = messages.count == 2 && messages[0] == messages[1] ? [messages[0]] : messages
        let base = "\(step) failed (\(errnoName(errorNumber)))"
        return unique.isEmpty ? base : base + "; libbpf: " + unique.joined(separator: " … ")
    }

    var asAiopsError: AiopsError {
        switch kind {
        case AIOPS_BPF_ERR_PERMISSION.rawValue:
            return AiopsError(
                .noPermission, "BPF tracing needs root, or CAP_BPF and CAP_PERFMON: \(libbpfDetail)",
                hint:
                    "run as root, or use --backend auto to fall back (`aiops doctor` says what this user gets: "
                    + "the proc connector needs CAP_NET_ADMIN on many kernels, /proc polling needs nothing)")
        case AIOPS_BPF_ERR_NO_BTF.rawValue:
            return AiopsError(
                .unavailable,
                "this kernel has no BTF (/sys/kernel/btf/vmlinux), which BPF tracing needs: \(libbpfDetail)",
                hint: "use --backend proc, or a kernel built with CONFIG_DEBUG_INFO_BTF=y")
        case AIOPS_BPF_ERR_KERNEL_TOO_OLD.rawValue:
            return AiopsError(
                .unavailable,
                "this kernel lacks BPF ring buffers or BTF tracepoints (Linux 5.8 or later): \(libbpfDetail)",
                hint: "use --backend proc")
        case AIOPS_BPF_ERR_VERIFIER.rawValue:
            return AiopsError(
                .software,
                "the kernel's BPF verifier rejected aiops's program (a bug in aiops): \(libbpfDetail)",
                hint:
                    "rerun with AIOPS_BPF_DEBUG=1 for the verifier log and report it; --backend proc works meanwhile"
            )
        default:
            return AiopsError(.failure, "loading the BPF programs failed: \(libbpfDetail)")
        }
    }
}

func errnoName(_ number: Int32) -> String {
    let names: [Int32: String] = [
        1: "EPERM", 2: "ENOENT", 3: "ESRCH", 7: "E2BIG", 12: "ENOMEM", 13: "EACCES", 16: "EBUSY",
        22: "EINVAL", 95: "EOPNOTSUPP", 524: "ENOTSUPP",
    ]
    return names[number] ?? "errno \(number)"
}
