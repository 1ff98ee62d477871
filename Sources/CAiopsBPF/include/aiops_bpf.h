/*
 * A small C API over libbpf for the lifecycle tracer, so that Swift never imports libbpf's macros
 * (LIBBPF_OPTS) or kernel headers, and so the lifecycle open -> configure -> load -> attach ->
 * poll -> close lives in one place with every return value checked.
 */
#ifndef AIOPS_BPF_H
#define AIOPS_BPF_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "aiops_event.h"

/* Why loading failed, classified here because libbpf's own errors mislead (a verifier rejection
 * is EACCES, not a permission problem). Swift turns it into a typed error; only the CLI words it
 * and picks the exit code. */
enum aiops_bpf_error_kind {
	AIOPS_BPF_OK = 0,
	AIOPS_BPF_ERR_PERMISSION = 1,     /* not root, or lacking CAP_BPF + CAP_PERFMON */
	AIOPS_BPF_ERR_NO_BTF = 2,         /* no kernel BTF: CO-RE and tp_btf are impossible */
	AIOPS_BPF_ERR_KERNEL_TOO_OLD = 3, /* no ring buffer or tp_btf support */
	AIOPS_BPF_ERR_VERIFIER = 4,       /* the verifier rejected a program */
	AIOPS_BPF_ERR_OTHER = 5,
};

struct aiops_bpf_error {
	int kind;          /* enum aiops_bpf_error_kind */
	int error_number;  /* positive errno of the failing step */
	char step[32];     /* which step failed: "btf", "ring buffer", "open", "load", "attach" ... */
	char first_message[512]; /* libbpf's first warning: usually names the real cause */
	char last_message[512];  /* libbpf's last warning */
	bool verifier_log;       /* libbpf printed a verifier log: the verifier spoke */
	/* The verifier's log when it spoke: its last bytes, where it says why it refused. */
	char verifier_log_tail[4096];
};

struct aiops_bpf_config {
	__u32 ring_bytes;   /* ring buffer size: a power of two, at least one page */
	__u32 wakeup_bytes; /* wake the reader when this much is queued; 0: on every record */
	bool emit_threads;  /* report thread creation (fork events flagged AIOPS_FLAG_THREAD) */
	bool emit_sigchld;  /* report SIGCHLD signals */
};

/* Called for every record, on the thread that called aiops_bpf_tracer_poll. Return 0. */
typedef int (*aiops_bpf_event_fn)(void *context, void *data, size_t size);

struct aiops_bpf_tracer;

/* Opens, configures, loads and attaches the lifecycle programs. 0 on success; on failure -errno
 * with *error filled in. */
int aiops_bpf_tracer_open(const struct aiops_bpf_config *config, aiops_bpf_event_fn on_event,
			  void *context, struct aiops_bpf_tracer **tracer,
			  struct aiops_bpf_error *error);

/* Waits up to timeout_ms for a wake-up, then consumes everything queued. Returns the number of
 * records consumed or -errno. */
int aiops_bpf_tracer_poll(struct aiops_bpf_tracer *tracer, int timeout_ms);

/* Failed ring-buffer writes per enum aiops_event_kind, summed over CPUs. 0 or -errno. */
int aiops_bpf_tracer_drops(struct aiops_bpf_tracer *tracer, __u64 drops[AIOPS_EVENT_KIND_MAX]);

/* Which exit program is attached: "group_dead" (exact) or "signal_live" (older kernels). */
const char *aiops_bpf_tracer_exit_variant(const struct aiops_bpf_tracer *tracer);

/* Detaches the programs and frees everything. No callback runs after it returns. */
void aiops_bpf_tracer_close(struct aiops_bpf_tracer *tracer);

#endif
