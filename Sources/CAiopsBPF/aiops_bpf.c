/*
 * The libbpf side of the lifecycle tracer: open the embedded object, configure it, load it,
 * attach it, poll its ring buffer, read its drop counters, close it. See aiops_bpf.h.
 */
#define _GNU_SOURCE
#include "aiops_bpf.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The compiled bpf/lifecycle.bpf.c, embedded by aiops_bpf_object.c. */
extern const unsigned char aiops_bpf_object[];
extern const size_t aiops_bpf_object_size;

struct aiops_bpf_tracer {
	struct bpf_object *object;
	struct bpf_link *links[4];
	int link_count;
	struct ring_buffer *ring;
	int drops_fd;
	const char *exit_variant;
};

/* ---- libbpf messages -------------------------------------------------------------------------
 * libbpf_set_print is process-global, so capture is serialised. The first warning is kept
 * because libbpf's last line ("failed to load object") rarely says why. */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static struct aiops_bpf_error *log_target;

static void copy_line(char *destination, size_t capacity, const char *text)
{
	snprintf(destination, capacity, "%s", text);
	size_t length = strlen(destination);
	while (length > 0 && (destination[length - 1] == '\n' || destination[length - 1] == ' '))
		destination[--length] = '\0';
}

/* Keeps the end of the verifier's log: its last lines say which instruction it refused and why. */
static void keep_log_tail(char *destination, size_t capacity, const char *text)
{
	const char *begin = strstr(text, "BEGIN PROG LOAD LOG");
	const char *log = begin != NULL ? strchr(begin, '\n') : NULL;
	if (log == NULL)
		return;
	log++;
	size_t length = strlen(log);
	const char *end = strstr(log, "-- END PROG LOAD LOG");
	if (end != NULL)
		length = (size_t)(end - log);
	if (length >= capacity)
		log += length - (capacity - 1), length = capacity - 1;
	memcpy(destination, log, length);
	destination[length] = '\0';
}

static int capture_libbpf_message(enum libbpf_print_level level, const char *format, va_list args)
{
	/* One formatting, unbounded: the verifier's log arrives as a single message of many lines. */
	char *message = NULL;
	if (vasprintf(&message, format, args) < 0)
		return 0;
	if (getenv("AIOPS_BPF_DEBUG") != NULL)
		fputs(message, stderr);
	/* Noise on every kernel >= 5.11, where memlock no longer applies. */
	if (level != LIBBPF_DEBUG && log_target != NULL && strstr(message, "RLIMIT_MEMLOCK") == NULL) {
		if (strstr(message, "BEGIN PROG LOAD LOG") != NULL) {
			log_target->verifier_log = true;
			keep_log_tail(log_target->verifier_log_tail, sizeof(log_target->verifier_log_tail),
				      message);
		}
		if (log_target->first_message[0] == '\0')
			copy_line(log_target->first_message, sizeof(log_target->first_message), message);
		copy_line(log_target->last_message, sizeof(log_target->last_message), message);
	}
	free(message);
	return 0;
}

static int fail(struct aiops_bpf_error *error, int kind, const char *step, int error_number)
{
	error->kind = kind;
	error->error_number = error_number;
	snprintf(error->step, sizeof(error->step), "%s", step);
	return -error_number;
}

/* Maps a libbpf failure to what it means for the operator. */
static int classify(int error_number, const struct aiops_bpf_error *error)
{
	if (error_number == EPERM)
		return AIOPS_BPF_ERR_PERMISSION;
	/* The verifier answers EINVAL as often as EACCES; its log tells it from a kernel that lacks
	 * a feature (an unknown helper or program type is EINVAL with no log). */
	if (error->verifier_log)
		return AIOPS_BPF_ERR_VERIFIER;
	if (error_number == EACCES)
		return AIOPS_BPF_ERR_VERIFIER; /* the verifier's answer, not a permission problem */
	if (error_number == ESRCH || strstr(error->first_message, "kernel BTF") != NULL)
		return AIOPS_BPF_ERR_NO_BTF;
	if (error_number == EINVAL || error_number == ENOTSUP || error_number == 524 /* ENOTSUPP */)
		return AIOPS_BPF_ERR_KERNEL_TOO_OLD;
	return AIOPS_BPF_ERR_OTHER;
}

/* ---- checks before libbpf, for clear answers ------------------------------------------------ */

static int check_kernel(struct aiops_bpf_error *error)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		return fail(error, AIOPS_BPF_ERR_NO_BTF, "btf", errno ? errno : ENOENT);

	/* A real map, not libbpf_probe_bpf_map_type: that answers "unsupported" to non-root. */
	int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, NULL, 0, 0, (__u32)getpagesize(), NULL);
	if (fd < 0) {
		int error_number = errno;
		if (error_number == EPERM)
			return fail(error, AIOPS_BPF_ERR_PERMISSION, "ring buffer", EPERM);
		if (error_number == EINVAL)
			return fail(error, AIOPS_BPF_ERR_KERNEL_TOO_OLD, "ring buffer", EINVAL);
		return fail(error, AIOPS_BPF_ERR_OTHER, "ring buffer", error_number);
	}
	close(fd);
	return 0;
}

/* Since 6.?, sched_process_exit passes group_dead, which is exact; the kernel's BTF says which
 * signature this kernel has: btf_trace_sched_process_exit(void *, task, bool) has 3 params. */
static bool exit_tracepoint_has_group_dead(void)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	if (vmlinux == NULL)
		return false;
	bool result = false;
	int id = btf__find_by_name_kind(vmlinux, "btf_trace_sched_process_exit", BTF_KIND_TYPEDEF);
	if (id > 0) {
		const struct btf_type *type = btf__type_by_id(vmlinux, id);
		type = btf__type_by_id(vmlinux, type->type); /* typedef -> pointer */
		if (type != NULL && btf_is_ptr(type))
			type = btf__type_by_id(vmlinux, type->type); /* pointer -> function prototype */
		result = type != NULL && btf_is_func_proto(type) && btf_vlen(type) >= 3;
	}
	btf__free(vmlinux);
	return result;
}

/* ---- open ------------------------------------------------------------------------------------- */

static int configure(struct bpf_object *object, const struct aiops_bpf_config *config,
		     bool group_dead, struct aiops_bpf_error *error)
{
	struct bpf_map *settings_map = bpf_object__find_map_by_name(object, ".rodata.settings");
	struct bpf_map *events = bpf_object__find_map_by_name(object, "events");
	struct bpf_program *exit_exact = bpf_object__find_program_by_name(object, "handle_exit");
	struct bpf_program *exit_legacy =
		bpf_object__find_program_by_name(object, "handle_exit_legacy");
	if (!settings_map || !events || !exit_exact || !exit_legacy)
		return fail(error, AIOPS_BPF_ERR_OTHER, "open", ENOENT);

	struct aiops_bpf_settings settings = {
		.wakeup_bytes = config->wakeup_bytes,
		.emit_threads = config->emit_threads ? 1 : 0,
		.emit_sigchld = config->emit_sigchld ? 1 : 0,
	};
	int result = bpf_map__set_initial_value(settings_map, &settings, sizeof(settings));
	if (result == 0)
		result = bpf_map__set_max_entries(events, config->ring_bytes);
	if (result == 0)
		result = bpf_program__set_autoload(group_dead ? exit_legacy : exit_exact, false);
	if (result != 0)
		return fail(error, AIOPS_BPF_ERR_OTHER, "configure", -result);
	return 0;
}

static int attach_all(struct aiops_bpf_tracer *tracer, struct aiops_bpf_error *error)
{
	struct bpf_program *program;
	bpf_object__for_each_program(program, tracer->object)
	{
		if (!bpf_program__autoload(program))
			continue;
		if (tracer->link_count == (int)(sizeof(tracer->links) / sizeof(tracer->links[0])))
			return fail(error, AIOPS_BPF_ERR_OTHER, "attach", E2BIG);
		struct bpf_link *link = bpf_program__attach(program);
		if (link == NULL) {
			int error_number = errno;
			return fail(error, classify(error_number, error), "attach", error_number);
		}
		tracer->links[tracer->link_count++] = link;
	}
	return 0;
}

static int open_locked(const struct aiops_bpf_config *config, aiops_bpf_event_fn on_event,
		       void *context, struct aiops_bpf_tracer *tracer, struct aiops_bpf_error *error)
{
	int result = check_kernel(error);
	if (result != 0)
		return result;

	bool group_dead = exit_tracepoint_has_group_dead();
	tracer->exit_variant = group_dead ? "group_dead" : "signal_live";

	struct bpf_object_open_opts options;
	memset(&options, 0, sizeof(options)); /* LIBBPF_OPTS is a macro Swift cannot use: set sz */
	options.sz = sizeof(options);
	options.object_name = "aiops_lifecycle";
	tracer->object = bpf_object__open_mem(aiops_bpf_object, aiops_bpf_object_size, &options);
	if (tracer->object == NULL) {
		int error_number = errno;
		return fail(error, classify(error_number, error), "open", error_number);
	}

	result = configure(tracer->object, config, group_dead, error);
	if (result != 0)
		return result;

	result = bpf_object__load(tracer->object);
	if (result != 0)
		return fail(error, classify(-result, error), "load", -result);

	result = attach_all(tracer, error);
	if (result != 0)
		return result;

	tracer->drops_fd = bpf_object__find_map_fd_by_name(tracer->object, "drops");
	int events_fd = bpf_object__find_map_fd_by_name(tracer->object, "events");
	if (tracer->drops_fd < 0 || events_fd < 0)
		return fail(error, AIOPS_BPF_ERR_OTHER, "maps", ENOENT);

	tracer->ring = ring_buffer__new(events_fd, (ring_buffer_sample_fn)on_event, context, NULL);
	if (tracer->ring == NULL) {
		int error_number = errno;
		return fail(error, classify(error_number, error), "ring buffer", error_number);
	}
	return 0;
}

int aiops_bpf_tracer_open(const struct aiops_bpf_config *config, aiops_bpf_event_fn on_event,
			  void *context, struct aiops_bpf_tracer **out, struct aiops_bpf_error *error)
{
	memset(error, 0, sizeof(*error));
	*out = NULL;
	struct aiops_bpf_tracer *tracer = calloc(1, sizeof(*tracer));
	if (tracer == NULL)
		return fail(error, AIOPS_BPF_ERR_OTHER, "allocate", ENOMEM);
	tracer->drops_fd = -1;

	pthread_mutex_lock(&log_lock);
	log_target = error;
	libbpf_print_fn_t previous = libbpf_set_print(capture_libbpf_message);
	int result = open_locked(config, on_event, context, tracer, error);
	libbpf_set_print(previous);
	log_target = NULL;
	pthread_mutex_unlock(&log_lock);

	if (result != 0) {
		aiops_bpf_tracer_close(tracer);
		return result;
	}
	*out = tracer;
	return 0;
}

/* ---- running ---------------------------------------------------------------------------------- */

int aiops_bpf_tracer_poll(struct aiops_bpf_tracer *tracer, int timeout_ms)
{
	/* The programs write with BPF_RB_NO_WAKEUP below the watermark, so epoll may time out with
	 * records queued: always consume after waiting. */
	int waited = ring_buffer__poll(tracer->ring, timeout_ms);
	if (waited < 0 && waited != -EINTR)
		return waited;
	int consumed = ring_buffer__consume(tracer->ring);
	if (consumed < 0)
		return consumed;
	return (waited > 0 ? waited : 0) + consumed;
}

int aiops_bpf_tracer_drops(struct aiops_bpf_tracer *tracer, __u64 drops[AIOPS_EVENT_KIND_MAX])
{
	int cpus = libbpf_num_possible_cpus();
	if (cpus <= 0)
		return cpus < 0 ? cpus : -EINVAL;
	__u64 *per_cpu = calloc((size_t)cpus, sizeof(__u64));
	if (per_cpu == NULL)
		return -ENOMEM;
	for (__u32 kind = 0; kind < AIOPS_EVENT_KIND_MAX; kind++) {
		drops[kind] = 0;
		if (bpf_map_lookup_elem(tracer->drops_fd, &kind, per_cpu) != 0) {
			int error_number = errno;
			free(per_cpu);
			return -error_number;
		}
		for (int cpu = 0; cpu < cpus; cpu++)
			drops[kind] += per_cpu[cpu];
	}
	free(per_cpu);
	return 0;
}

const char *aiops_bpf_tracer_exit_variant(const struct aiops_bpf_tracer *tracer)
{
	return tracer->exit_variant;
}

void aiops_bpf_tracer_close(struct aiops_bpf_tracer *tracer)
{
	if (tracer == NULL)
		return;
	for (int index = tracer->link_count - 1; index >= 0; index--)
		bpf_link__destroy(tracer->links[index]);
	ring_buffer__free(tracer->ring);
	bpf_object__close(tracer->object);
	free(tracer);
}
