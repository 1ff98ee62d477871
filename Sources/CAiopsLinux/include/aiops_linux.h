/*
 * The netlink proc connector (CN_IDX_PROC), for the fallback lifecycle source.
 *
 * Why C: struct proc_event is a tagged union of packed kernel structs and the messages are
 * walked with the NLMSG_* macros; Swift imports neither cleanly. These helpers flatten one
 * datagram into plain records and build the subscription message. Socket calls stay in Swift.
 */
#ifndef AIOPS_LINUX_H
#define AIOPS_LINUX_H

#include <linux/types.h>
#include <stddef.h>

enum aiops_cn_kind {
	AIOPS_CN_FORK = 1,
	AIOPS_CN_EXEC = 2,
	AIOPS_CN_EXIT = 3,
	AIOPS_CN_OTHER = 4, /* uid, gid, sid, comm, ptrace, coredump changes: not used */
};

/* One proc connector event, flattened. */
struct aiops_cn_event {
	__u64 timestamp_ns; /* CLOCK_MONOTONIC */
	__u32 kind;         /* enum aiops_cn_kind */
	__s32 pid;          /* fork: the parent's tid; exec/exit: the task's tid */
	__s32 tgid;         /* fork: the parent's tgid; exec/exit: the task's tgid */
	__s32 child_pid;    /* fork only: the child's tid */
	__s32 child_tgid;   /* fork only: the child's tgid */
	__u32 exit_code;    /* exit only: wait(2) status of the task */
	__u32 exit_signal;  /* exit only: the signal sent to the parent (SIGCHLD), not the cause */
	__s32 parent_tgid;  /* exit only, Linux >= 4.18: the parent */
};

/* Creates and binds a proc connector socket and subscribes to events. Returns the fd or -errno. */
int aiops_cn_open(int receive_buffer_bytes);

/* Receives one datagram, waiting at most timeout_ms. Returns its length, 0 on timeout, or -errno
 * (-ENOBUFS: the kernel dropped events because the socket buffer was full). Datagrams not sent
 * by the kernel are discarded. */
int aiops_cn_receive(int fd, void *buffer, size_t capacity, int timeout_ms);

/* Unsubscribes and closes. */
void aiops_cn_close(int fd);

/* Parses one received datagram into up to `capacity` events. Returns how many were written. */
int aiops_cn_parse(const void *datagram, size_t length, struct aiops_cn_event *events,
		   int capacity);

#endif
