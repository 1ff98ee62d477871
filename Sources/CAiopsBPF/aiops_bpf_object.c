/*
 * The compiled BPF object, embedded in the binary so aiops runs without files beside it.
 * `make bpf` compiles bpf/lifecycle.bpf.c into bpfobj/ (not committed: built from source on every
 * machine, so nothing generated can drift from the source). SwiftPM rebuilds this file when the
 * object changes because clang lists embedded files as dependencies.
 */
#include <stddef.h>

#if !__has_embed("bpfobj/lifecycle.bpf.o")
#error "The BPF object is missing: run `make bpf` (or `make build`) before `swift build`."
#endif

#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wc23-extensions"
const unsigned char aiops_bpf_object[] = {
#embed "bpfobj/lifecycle.bpf.o"
};
#pragma clang diagnostic pop

const size_t aiops_bpf_object_size = sizeof(aiops_bpf_object);
