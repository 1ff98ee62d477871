#define _GNU_SOURCE
#include "aiops_linux.h"

#include <errno.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int send_operation(int fd, enum proc_cn_mcast_op operation)
{
	/* nlmsghdr, then cn_msg, then the operation as cn_msg's payload. */
	_Alignas(struct nlmsghdr) char request[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof(operation))];
	memset(request, 0, sizeof(request));
	struct nlmsghdr *header = (struct nlmsghdr *)request;
	header->nlmsg_len = NLMSG_LENGTH(sizeof(struct cn_msg) + sizeof(operation));
	header->nlmsg_type = NLMSG_DONE;
	struct cn_msg *message = NLMSG_DATA(header);
	message->id.idx = CN_IDX_PROC;
	message->id.val = CN_VAL_PROC;
	message->len = sizeof(operation);
	memcpy(message->data, &operation, sizeof(operation));
	return send(fd, request, header->nlmsg_len, 0) < 0 ? -errno : 0;
}

int aiops_cn_open(int receive_buffer_bytes)
{
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_CONNECTOR);
	if (fd < 0)
		return -errno;
	/* A large buffer makes overruns (ENOBUFS) rarer; FORCE works past rmem_max for root. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &receive_buffer_bytes,
		       sizeof(receive_buffer_bytes)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes,
			   sizeof(receive_buffer_bytes));
	struct sockaddr_nl address;
	memset(&address, 0, sizeof(address));
	address.nl_family = AF_NETLINK;
	address.nl_groups = CN_IDX_PROC;
	address.nl_pid = 0; /* let the kernel pick: several aiops may run at once */
	if (bind(fd, (struct sockaddr *)&address, sizeof(address)) != 0) {
		int error = errno;
		close(fd);
		return -error;
	}
	int result = send_operation(fd, PROC_CN_MCAST_LISTEN);
	if (result != 0) {
		close(fd);
		return result;
	}
	return fd;
}

int aiops_cn_receive(int fd, void *buffer, size_t capacity, int timeout_ms)
{
	for (;;) {
		struct pollfd waiting = { .fd = fd, .events = POLLIN };
		int ready = poll(&waiting, 1, timeout_ms);
		if (ready < 0)
			return errno == EINTR ? 0 : -errno;
		if (ready == 0)
			return 0;
		struct sockaddr_nl sender;
		socklen_t sender_length = sizeof(sender);
		ssize_t length = recvfrom(fd, buffer, capacity, 0, (struct sockaddr *)&sender,
					  &sender_length);
		if (length < 0)
			return errno == EINTR ? 0 : -errno;
		if (sender.nl_pid != 0)
			continue; /* not from the kernel: ignore */
		return (int)length;
	}
}

void aiops_cn_close(int fd)
{
	send_operation(fd, PROC_CN_MCAST_IGNORE);
	close(fd);
}

int aiops_cn_parse(const void *datagram, size_t length, struct aiops_cn_event *events,
		   int capacity)
{
	int count = 0;
	const struct nlmsghdr *header = datagram;
	int remaining = (int)length;
	for (; NLMSG_OK(header, remaining) && count < capacity; header = NLMSG_NEXT(header, remaining)) {
		if (header->nlmsg_type == NLMSG_ERROR || header->nlmsg_type == NLMSG_NOOP)
			continue;
		const struct cn_msg *message = NLMSG_DATA(header);
		if (header->nlmsg_len < NLMSG_LENGTH(sizeof(*message)) ||
		    message->id.idx != CN_IDX_PROC || message->id.val != CN_VAL_PROC ||
		    message->len < offsetof(struct proc_event, event_data) ||
		    header->nlmsg_len < NLMSG_LENGTH(sizeof(*message) + message->len))
			continue;
		const struct proc_event *event = (const struct proc_event *)message->data;
		struct aiops_cn_event *out = &events[count];
		memset(out, 0, sizeof(*out));
		out->timestamp_ns = event->timestamp_ns;
		switch (event->what) {
		case PROC_EVENT_FORK:
			out->kind = AIOPS_CN_FORK;
			out->pid = event->event_data.fork.parent_pid;
			out->tgid = event->event_data.fork.parent_tgid;
			out->child_pid = event->event_data.fork.child_pid;
			out->child_tgid = event->event_data.fork.child_tgid;
			break;
		case PROC_EVENT_EXEC:
			out->kind = AIOPS_CN_EXEC;
			out->pid = event->event_data.exec.process_pid;
			out->tgid = event->event_data.exec.process_tgid;
			break;
		case PROC_EVENT_EXIT:
			out->kind = AIOPS_CN_EXIT;
			out->pid = event->event_data.exit.process_pid;
			out->tgid = event->event_data.exit.process_tgid;
			out->exit_code = event->event_data.exit.exit_code;
			out->exit_signal = event->event_data.exit.exit_signal;
			out->parent_tgid = event->event_data.exit.parent_tgid;
			break;
		default:
			out->kind = AIOPS_CN_OTHER;
			break;
		}
		count++;
	}
	return count;
}
