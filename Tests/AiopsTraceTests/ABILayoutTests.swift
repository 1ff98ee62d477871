import CAiopsBPF
import Testing

/// aiops_event.h is the kernel <-> user ABI. C pins the sizes with _Static_assert; this pins what
/// Swift imported to the same layout, so a header change that Swift sees differently fails here
/// rather than decoding garbage from the ring buffer.
@Suite("Kernel event ABI")
struct ABILayoutTests {
    @Test("record sizes match the C static assertions")
    func sizes() {
        #expect(MemoryLayout<aiops_event_header>.size == 64)
        #expect(MemoryLayout<aiops_exec_event>.size == 64 + 8 + Int(AIOPS_FILENAME_LEN) + Int(AIOPS_ARGS_LEN))
        #expect(MemoryLayout<aiops_fork_event>.size == 88)
        #expect(MemoryLayout<aiops_exit_event>.size == 88)
        #expect(MemoryLayout<aiops_signal_event>.size == 112)
        #expect(MemoryLayout<aiops_bpf_settings>.size == 16)
    }

    @Test("field offsets the decoder relies on")
    func offsets() {
        #expect(MemoryLayout<aiops_event_header>.offset(of: \.time_ns) == 0)
        #expect(MemoryLayout<aiops_event_header>.offset(of: \.start_ns) == 8)
        #expect(MemoryLayout<aiops_event_header>.offset(of: \.cgroup_id) == 16)
        #expect(MemoryLayout<aiops_event_header>.offset(of: \.pid) == 24)
        #expect(MemoryLayout<aiops_event_header>.offset(of: \.kind) == 40)
        #expect(MemoryLayout<aiops_event_header>.offset(of: \.size) == 42)
        #expect(MemoryLayout<aiops_event_header>.offset(of: \.flags) == 44)
        #expect(MemoryLayout<aiops_event_header>.offset(of: \.comm) == 48)
        #expect(MemoryLayout<aiops_exec_event>.offset(of: \.filename_len) == 68)
        #expect(MemoryLayout<aiops_exec_event>.offset(of: \.args_len) == 70)
        #expect(MemoryLayout<aiops_exec_event>.offset(of: \.filename) == 72)
        #expect(MemoryLayout<aiops_exec_event>.offset(of: \.args) == 72 + Int(AIOPS_FILENAME_LEN))
        #expect(MemoryLayout<aiops_exit_event>.offset(of: \.exit_code) == 80)
        #expect(MemoryLayout<aiops_signal_event>.offset(of: \.target_comm) == 96)
    }

    @Test("argv capacity is at least the issue's floor of 1 KiB and a power of two")
    func capacities() {
        #expect(AIOPS_ARGS_LEN >= 1024)
        #expect(AIOPS_ARGS_LEN & (AIOPS_ARGS_LEN - 1) == 0)
        #expect(AIOPS_EVENT_KIND_MAX.rawValue == 5)
    }
}
