/*
 * The few kernel types the lifecycle programs read, declared for CO-RE.
 *
 * Why not vmlinux.h: it is 2.8 MB generated from the *build* host's BTF, ties the build to a
 * kernel with BTF, and hides which fields we depend on. preserve_access_index makes every field
 * access a CO-RE relocation that libbpf resolves by name against the running kernel's BTF, so
 * only the fields listed here must exist there; their offsets and the struct sizes do not matter.
 * Anonymous wrappers in the real types (kernel_siginfo, mm_struct) are matched by libbpf.
 */
#ifndef AIOPS_KERNEL_TYPES_H
#define AIOPS_KERNEL_TYPES_H

#include <linux/types.h>
#include <linux/bpf.h> /* map types, ring-buffer flags, helper ids: uapi, stable */

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s32 s32;
typedef __s64 s64;
typedef _Bool bool;
typedef int pid_t;
typedef unsigned int uid_t;
#define true 1
#define false 0

/* Values from include/linux/sched/signal.h and include/uapi/asm-generic/siginfo.h. */
#define SIGNAL_GROUP_EXIT 0x00000004
#define SIGCHLD 17
#define SI_USER 0
#define SI_KERNEL 0x80

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

typedef struct {
	int counter;
} atomic_t;

struct sched_entity {
	u64 sum_exec_runtime;
};

struct signal_struct {
	atomic_t live;
	int group_exit_code;
	unsigned int flags;
	unsigned long maxrss;
	unsigned long long sum_sched_runtime;
};

struct mm_struct {
	unsigned long arg_start;
	unsigned long arg_end;
};

struct task_struct {
	pid_t pid;
	pid_t tgid;
	int exit_code;
	u64 start_boottime;
	char comm[16];
	struct task_struct *real_parent;
	struct task_struct *group_leader;
	struct signal_struct *signal;
	struct mm_struct *mm;
	struct sched_entity se;
};

struct linux_binprm {
	const char *filename;
};

struct kernel_siginfo {
	int si_signo;
	int si_errno;
	int si_code;
};

#pragma clang attribute pop

#endif
