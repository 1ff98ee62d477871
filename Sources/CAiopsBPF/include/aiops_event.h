/*
 * The kernel <-> user-space ABI of the aiops lifecycle tracer.
 *
 * Included by bpf/lifecycle.bpf.c (which writes these records into the ring buffer), by the C
 * loader and, through the CAiopsBPF module, by Swift (which decodes them). The layout is defined
 * here once; the _Static_asserts below pin it, and a Swift test checks MemoryLayout against it.
 *
 * Rules: fixed-width types only, every field naturally aligned, explicit padding, no pointers.
 * Bump AIOPS_ABI_VERSION when a layout changes.
 */
#ifndef AIOPS_EVENT_H
#define AIOPS_EVENT_H

#include <linux/types.h>

#define AIOPS_ABI_VERSION 1

#define AIOPS_COMM_LEN 16
#define AIOPS_FILENAME_LEN 256
/* argv bytes read from the new process image. Issue floor: 16 arguments / 1 KiB. */
#define AIOPS_ARGS_LEN 4096

enum aiops_event_kind {
	AIOPS_EVENT_EXEC = 1,
	AIOPS_EVENT_FORK = 2,
	AIOPS_EVENT_EXIT = 3,
	AIOPS_EVENT_SIGNAL = 4,
	/* Size of the per-kind counter arrays (index 0 is unused). */
	AIOPS_EVENT_KIND_MAX = 5,
};

enum aiops_event_flags {
	/* exec: argv was longer than AIOPS_ARGS_LEN; the last argument is cut. */
	AIOPS_FLAG_ARGS_TRUNCATED = 1 << 0,
	/* exec: the filename was longer than AIOPS_FILENAME_LEN - 1. */
	AIOPS_FLAG_FILENAME_TRUNCATED = 1 << 1,
	/* exec: argv could not be read from the new process image. */
	AIOPS_FLAG_ARGS_UNREADABLE = 1 << 2,
	/* fork: the child is a thread of the parent's process, not a new process. */
	AIOPS_FLAG_THREAD = 1 << 3,
	/* exit: the status is signal->group_exit_code (exit_group, fatal signal), not the thread's. */
	AIOPS_FLAG_GROUP_EXIT = 1 << 4,
};

/* Common to every record. Describes the task the event happened in (for a signal: the sender). */
struct aiops_event_header {
	__u64 time_ns;   /* CLOCK_BOOTTIME when the event happened */
	__u64 start_ns;  /* the process's start (group leader's start_boottime): with pid, its identity */
	__u64 cgroup_id; /* cgroup v2 id of the task */
	__u32 pid;       /* process id (tgid) */
	__u32 tid;       /* thread id */
	__u32 ppid;      /* process id of the real parent */
	__u32 uid;       /* real uid */
	__u16 kind;      /* enum aiops_event_kind */
	__u16 size;      /* bytes in this record, header included */
	__u32 flags;     /* enum aiops_event_flags */
	char comm[AIOPS_COMM_LEN]; /* the process's (group leader's) comm, not NUL-terminated if 16 long */
};

/* A successful execve: the header already describes the new image. */
struct aiops_exec_event {
	struct aiops_event_header header;
	__u32 old_tid;      /* tid that called execve (differs when a non-leader thread execs) */
	__u16 filename_len; /* bytes of filename, NUL excluded */
	__u16 args_len;     /* bytes of args: NUL-separated argv; the record ends after them */
	char filename[AIOPS_FILENAME_LEN];
	char args[AIOPS_ARGS_LEN];
};

/* A new task. The header describes the parent (the forking task). */
struct aiops_fork_event {
	struct aiops_event_header header;
	__u64 child_start_ns; /* child's group leader start_boottime */
	__u32 child_pid;      /* child's tgid (== header.pid for a thread) */
	__u32 child_tid;
	__u32 child_ppid;     /* child's real parent (differs from header.pid with CLONE_PARENT) */
	__u32 reserved;
};

/* A process ended: emitted once, when its last thread exits. */
struct aiops_exit_event {
	struct aiops_event_header header; /* tid: the last thread; comm: the group leader's */
	__u64 cpu_ns;       /* CPU time of the whole process, user + system (a lower bound) */
	__u64 maxrss_pages; /* peak resident set of the process, in pages */
	__u32 exit_code;    /* wait(2) status: (status << 8) | 0x80 if core dumped | signal */
	__u32 reserved;
};

/* A signal generated for a task. The header describes the sender (the current task). */
struct aiops_signal_event {
	struct aiops_event_header header;
	__u64 target_start_ns;
	__u32 target_pid; /* tgid */
	__u32 target_tid;
	__s32 signal;
	__s32 code;   /* si_code: SI_USER 0, SI_KERNEL 0x80, SI_TKILL -6, SEGV_MAPERR 1, ... */
	__s32 result; /* 0 delivered, 1 ignored, 2 already pending, 3 overflow, 4 info lost */
	__s32 group;  /* 1 when sent to the whole thread group */
	char target_comm[AIOPS_COMM_LEN];
};

/* Load-time settings, placed in their own read-only section so the verifier prunes on them. */
struct aiops_bpf_settings {
	__u64 wakeup_bytes; /* wake the reader once this much is queued; 0: wake for every record */
	__u8 emit_threads;  /* 1: report thread creation as fork events with AIOPS_FLAG_THREAD */
	__u8 emit_sigchld;  /* 1: report SIGCHLD (every child exit sends one) */
	__u8 reserved[6];
};

_Static_assert(sizeof(struct aiops_event_header) == 64, "header layout");
_Static_assert(sizeof(struct aiops_exec_event) == 64 + 8 + AIOPS_FILENAME_LEN + AIOPS_ARGS_LEN,
	       "exec layout");
_Static_assert(sizeof(struct aiops_fork_event) == 88, "fork layout");
_Static_assert(sizeof(struct aiops_exit_event) == 88, "exit layout");
_Static_assert(sizeof(struct aiops_signal_event) == 112, "signal layout");
_Static_assert(sizeof(struct aiops_bpf_settings) == 16, "settings layout");
_Static_assert((AIOPS_ARGS_LEN & (AIOPS_ARGS_LEN - 1)) == 0, "args length is a power of two");

#endif
