import CAiopsBPF
import Testing

@testable import AiopsTrace

/// The C loader classifies a failed load into `struct aiops_bpf_error`; Swift reads it into a
/// typed `BPFLoadError` without losing the classification, the errno or the verifier's log.
@Suite("BPF source load errors")
struct BPFSourceLoadErrorTests {
    private static func record(kind: aiops_bpf_error_kind, errno: Int32, log: String) -> aiops_bpf_error {
        var record = aiops_bpf_error()
        record.kind = Int32(kind.rawValue)
        record.error_number = errno
        fill(&record.step, "load")
        fill(&record.first_message, "libbpf: prog 'on_exec': BPF program load failed: Permission denied")
        fill(&record.last_message, "libbpf: failed to load object")
        record.verifier_log = !log.isEmpty
        fill(&record.verifier_log_tail, log)
        return record
    }

    private static func fill<T>(_ array: inout T, _ text: String) {
        withUnsafeMutableBytes(of: &array) { raw in
            let bytes = Array(text.utf8.prefix(raw.count - 1))
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
    }

    @Test(
        "every kind the loader reports becomes its typed kind",
        arguments: [
            (AIOPS_BPF_ERR_PERMISSION, BPFLoadError.Kind.permission), (AIOPS_BPF_ERR_NO_BTF, .noBTF),
            (AIOPS_BPF_ERR_KERNEL_TOO_OLD, .kernelTooOld), (AIOPS_BPF_ERR_VERIFIER, .verifierRejected),
            (AIOPS_BPF_ERR_OTHER, .other),
        ])
    func kinds(kind: aiops_bpf_error_kind, expected: BPFLoadError.Kind) {
        let error = BPFLoadError(Self.record(kind: kind, errno: 13, log: ""))
        #expect(error.kind == expected)
        #expect(error.errorNumber == 13)
        #expect(error.step == "load")
        #expect(error.libbpfDetail.hasPrefix("load failed (EACCES); libbpf: libbpf: prog 'on_exec'"))
    }

    @Test("a verifier rejection carries the verifier's log")
    func verifierLog() {
        let log =
            "0: R1=ctx() R10=fp0\n1: (79) r2 = *(u64 *)(r1 +4096)\ninvalid bpf_context access off=4096\n"
        let error = BPFLoadError(Self.record(kind: AIOPS_BPF_ERR_VERIFIER, errno: 13, log: log))
        #expect(error.kind == .verifierRejected)
        #expect(error.verifierLog == log)
        #expect(!error.description.contains(log))  // the log is there to read, not in the one line
    }

    @Test("the C record has room for the verifier log's tail")
    func layout() {
        #expect(MemoryLayout.size(ofValue: aiops_bpf_error().verifier_log_tail) == 4096)
    }
}
