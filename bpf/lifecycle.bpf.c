// SPDX-License-Identifier: GPL-2.0
/*
 * aiops lifecycle tracer: exec, fork, exit and signal events of every process, on one ring buffer.
 *
 * Kernel floor 5.8 (ring buffer, bpf_ktime_get_boot_ns); tp_btf gives typed task pointers so the
 * fork program sees the child and the signal program the target. Below that the user-space
 * fallbacks (proc connector, /proc polling) are the product.
 *
 * Cost matters more than anything here: a storm forks 40 000 tasks a second. So: noise (SIGCHLD,
 * thread creation) is filtered in the kernel, records are sized to what they carry, and the reader
 * is not woken per record (BPF_RB_NO_WAKEUP) but polls, unless the ring fills past a watermark.
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "aiops_event.h"

char LICENSE[] SEC("license") = "GPL";

const volatile struct aiops_bpf_settings settings SEC(".rodata.settings") = {};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024); /* resized by the loader */
} events SEC(".maps");

/* Failed ring-buffer writes per event kind: the ring buffer itself never reports losses. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, AIOPS_EVENT_KIND_MAX);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

/* exec records are built here (4.4 KB does not fit the 512-byte stack), then copied out sized. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct aiops_exec_event);
} exec_scratch SEC(".maps");

static __always_inline void count_drop(__u32 kind)
{
	__u64 *count = bpf_map_lookup_elem(&drops, &kind);
	if (count)
		*count += 1;
}

static __always_inline __u64 wakeup_flags(void)
{
	if (settings.wakeup_bytes == 0)
		return 0;
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= settings.wakeup_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

static __always_inline void fill_header(struct aiops_event_header *header, struct task_struct *task,
					__u16 kind, __u16 size)
{
	struct task_struct *leader = BPF_CORE_READ(task, group_leader);

	header->time_ns = bpf_ktime_get_boot_ns();
	header->start_ns = BPF_CORE_READ(leader, start_boottime);
	header->cgroup_id = bpf_get_current_cgroup_id();
	header->pid = BPF_CORE_READ(task, tgid);
	header->tid = BPF_CORE_READ(task, pid);
	header->ppid = BPF_CORE_READ(task, real_parent, tgid);
	header->uid = (__u32)bpf_get_current_uid_gid();
	header->kind = kind;
	header->size = size;
	header->flags = 0;
	BPF_CORE_READ_STR_INTO(&header->comm, leader, comm);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 zero = 0;
	struct aiops_exec_event *event = bpf_map_lookup_elem(&exec_scratch, &zero);
	if (!event)
		return 0;

	fill_header(&event->header, task, AIOPS_EVENT_EXEC, 0);
	event->old_tid = old_pid;

	long copied = bpf_probe_read_kernel_str(event->filename, sizeof(event->filename),
						BPF_CORE_READ(bprm, filename));
	event->filename_len = copied > 0 ? copied - 1 : 0;
	if (copied == sizeof(event->filename))
		event->header.flags |= AIOPS_FLAG_FILENAME_TRUNCATED;

	/* argv as the new image sees it: the kernel copied it to the new stack just before. */
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	unsigned long arg_start = BPF_CORE_READ(mm, arg_start);
	unsigned long arg_end = BPF_CORE_READ(mm, arg_end);
	unsigned long args_len = arg_end > arg_start ? arg_end - arg_start : 0;
	if (args_len > AIOPS_ARGS_LEN) {
		args_len = AIOPS_ARGS_LEN;
		event->header.flags |= AIOPS_FLAG_ARGS_TRUNCATED;
	}
	if (args_len > 0 && bpf_probe_read_user(event->args, args_len, (void *)arg_start) != 0) {
		args_len = 0;
		event->header.flags |= AIOPS_FLAG_ARGS_UNREADABLE;
	}
	event->args_len = args_len;

	__u32 size = offsetof(struct aiops_exec_event, args) + args_len;
	if (size > sizeof(*event))
		return 0; /* cannot happen; tells the verifier the bound */
	event->header.size = size;
	if (bpf_ringbuf_output(&events, event, size, wakeup_flags()) != 0)
		count_drop(AIOPS_EVENT_EXEC);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 child_pid = BPF_CORE_READ(child, tgid);
	__u32 child_tid = BPF_CORE_READ(child, pid);
	bool thread = child_pid != child_tid;
	if (thread && !settings.emit_threads)
		return 0;

	struct aiops_fork_event *event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);
	if (!event) {
		count_drop(AIOPS_EVENT_FORK);
		return 0;
	}
	fill_header(&event->header, parent, AIOPS_EVENT_FORK, sizeof(*event));
	if (thread)
		event->header.flags |= AIOPS_FLAG_THREAD;
	event->child_start_ns = BPF_CORE_READ(child, group_leader, start_boottime);
	event->child_pid = child_pid;
	event->child_tid = child_tid;
	event->child_ppid = BPF_CORE_READ(child, real_parent, tgid);
	event->reserved = 0;
	bpf_ringbuf_submit(event, wakeup_flags());
	return 0;
}

/* Reports the status wait(2) will return for the process, not the exiting thread's own code: when
 * the main thread called pthread_exit and a worker later exit(5), the answer is 5. */
static __always_inline int emit_exit(struct task_struct *task)
{
	struct aiops_exit_event *event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);
	if (!event) {
		count_drop(AIOPS_EVENT_EXIT);
		return 0;
	}
	fill_header(&event->header, task, AIOPS_EVENT_EXIT, sizeof(*event));

	struct signal_struct *signal = BPF_CORE_READ(task, signal);
	if (BPF_CORE_READ(signal, flags) & SIGNAL_GROUP_EXIT) {
		event->exit_code = BPF_CORE_READ(signal, group_exit_code);
		event->header.flags |= AIOPS_FLAG_GROUP_EXIT;
	} else {
		event->exit_code = BPF_CORE_READ(task, exit_code);
	}

	/* Threads already reaped are summed in the signal struct; the zombie leader is not yet. */
	struct task_struct *leader = BPF_CORE_READ(task, group_leader);
	__u64 cpu = BPF_CORE_READ(signal, sum_sched_runtime) + BPF_CORE_READ(task, se.sum_exec_runtime);
	if (leader != task)
		cpu += BPF_CORE_READ(leader, se.sum_exec_runtime);
	event->cpu_ns = cpu;
	event->maxrss_pages = BPF_CORE_READ(signal, maxrss); /* do_exit set it from the mm's hiwater */
	event->reserved = 0;
	bpf_ringbuf_submit(event, wakeup_flags());
	return 0;
}

/* Kernels >= 6.? pass group_dead: exact even when threads exit at the same time on two CPUs. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_exit, struct task_struct *task, bool group_dead)
{
	if (!group_dead)
		return 0;
	return emit_exit(task);
}

/* Older kernels: signal->live was decremented before the tracepoint; 0 means the last thread.
 * (Two threads exiting at once may both read 0; user space keeps one exit per process.) */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_exit_legacy, struct task_struct *task)
{
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	return emit_exit(task);
}

/* Runs in the sender's context; the target is an argument. Fires for ignored signals too. */
SEC("tp_btf/signal_generate")
int BPF_PROG(handle_signal, int sig, struct kernel_siginfo *info, struct task_struct *target,
	     int group, int result)
{
	if (sig == SIGCHLD && !settings.emit_sigchld)
		return 0;

	struct aiops_signal_event *event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);
	if (!event) {
		count_drop(AIOPS_EVENT_SIGNAL);
		return 0;
	}
	struct task_struct *sender = (struct task_struct *)bpf_get_current_task();
	fill_header(&event->header, sender, AIOPS_EVENT_SIGNAL, sizeof(*event));

	/* SEND_SIG_NOINFO (0) and SEND_SIG_PRIV (1) are sentinels, not pointers. */
	unsigned long info_value = (unsigned long)info;
	if (info_value == 0)
		event->code = SI_USER;
	else if (info_value == 1)
		event->code = SI_KERNEL;
	else
		event->code = BPF_CORE_READ(info, si_code);

	struct task_struct *target_leader = BPF_CORE_READ(target, group_leader);
	event->target_start_ns = BPF_CORE_READ(target_leader, start_boottime);
	event->target_pid = BPF_CORE_READ(target, tgid);
	event->target_tid = BPF_CORE_READ(target, pid);
	event->signal = sig;
	event->result = result;
	event->group = group;
	BPF_CORE_READ_STR_INTO(&event->target_comm, target_leader, comm);
	bpf_ringbuf_submit(event, wakeup_flags());
	return 0;
}
