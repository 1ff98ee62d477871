/*
 * Process-lifecycle storm generator for tools/bench/lifecycle_storm.py.
 *
 *   storm fork SECONDS WORKERS          children _exit(0) at once
 *   storm exec SECONDS WORKERS HELPER   children execve(HELPER), which exits 0
 *
 * WORKERS processes fork children as fast as they can for SECONDS, each waiting for its child
 * before forking the next (so at most WORKERS children exist at a time and every child is reaped
 * by the worker that counted it). At the end one line goes to stdout:
 *
 *   spawned=N failed=F fork_errors=E elapsed=S workers=PID,PID,...
 *
 * spawned counts every child that was forked and reaped — exactly the number of process exits a
 * tracer should see. failed counts children whose wait status was not "exited 0" (e.g. an execve
 * failure); they still exited, so they are part of spawned.
 *
 * Children must be recognisable in a system-wide trace on a shared machine, so:
 *   - each worker names itself "aiops-storm" (prctl PR_SET_NAME) before forking: fork children
 *     inherit that comm, and it is the comm their exit carries;
 *   - exec children take the comm of HELPER's file name (the script names it "aiops-storm-x");
 *   - the workers rename themselves "storm-worker" before they exit, so their own exits never
 *     match the children's comm, and their pids are printed so a trace can also be filtered by
 *     parent pid (another copy of this benchmark may be running on the same machine).
 *
 * Compiled with -DSTORM_HELPER, this file is instead the exec target: a program that does
 * nothing and exits 0 (linked statically when the toolchain can, to keep exec cheap).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef STORM_HELPER

int main(void) { return 0; }

#else

#define MAX_WORKERS 256

/* Per-worker counters, in memory shared with the parent (MAP_SHARED survives fork). */
struct worker_counts {
    uint64_t spawned;
    uint64_t failed;
    uint64_t fork_errors;
};

static double monotonic_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* One worker: fork, (exec,) reap, count, until the shared deadline. Never returns. */
static void run_worker(int exec_mode, const char *helper, double deadline, struct worker_counts *counts) {
    char *const child_argv[] = {(char *)"aiops-storm-x", NULL};
    char *const child_envp[] = {NULL};

    prctl(PR_SET_NAME, "aiops-storm", 0, 0, 0);
    while (monotonic_seconds() < deadline) {
        pid_t child = fork();
        if (child == 0) {
            if (exec_mode) {
                execve(helper, child_argv, child_envp);
                _exit(127); /* still one exit; counted as failed by the worker */
            }
            _exit(0);
        }
        if (child < 0) {
            counts->fork_errors++;
            if (errno == EAGAIN) usleep(1000); /* out of pids or a limit: back off, keep going */
            continue;
        }
        int status = 0;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
        }
        counts->spawned++;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) counts->failed++;
    }
    /* Rename before exiting so this worker's own exit is not mistaken for a storm child's. */
    prctl(PR_SET_NAME, "storm-worker", 0, 0, 0);
    _exit(0);
}

int main(int argc, char **argv) {
    if (argc < 4 || (strcmp(argv[1], "fork") != 0 && strcmp(argv[1], "exec") != 0)) {
        fprintf(stderr, "usage: %s fork|exec SECONDS WORKERS [HELPER]\n", argv[0]);
        return 2;
    }
    int exec_mode = strcmp(argv[1], "exec") == 0;
    double seconds = atof(argv[2]);
    int workers = atoi(argv[3]);
    const char *helper = argc > 4 ? argv[4] : NULL;
    if (seconds <= 0 || workers < 1 || workers > MAX_WORKERS || (exec_mode && helper == NULL)) {
        fprintf(stderr, "storm: bad arguments (seconds > 0, 1..%d workers, exec needs HELPER)\n", MAX_WORKERS);
        return 2;
    }
    if (exec_mode && access(helper, X_OK) != 0) {
        fprintf(stderr, "storm: helper %s is not executable: %s\n", helper, strerror(errno));
        return 2;
    }

    struct worker_counts *counts =
        mmap(NULL, sizeof(*counts) * (size_t)workers, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (counts == MAP_FAILED) {
        perror("storm: mmap");
        return 1;
    }
    memset(counts, 0, sizeof(*counts) * (size_t)workers);

    /* One deadline for all workers, so the storm window is the same for each of them. */
    double start = monotonic_seconds();
    double deadline = start + seconds;
    pid_t pids[MAX_WORKERS];
    for (int i = 0; i < workers; i++) {
        pids[i] = fork();
        if (pids[i] == 0) run_worker(exec_mode, helper, deadline, &counts[i]);
        if (pids[i] < 0) {
            perror("storm: fork worker");
            return 1;
        }
    }
    for (int i = 0; i < workers; i++) {
        while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR) {
        }
    }
    double elapsed = monotonic_seconds() - start;

    uint64_t spawned = 0, failed = 0, fork_errors = 0;
    for (int i = 0; i < workers; i++) {
        spawned += counts[i].spawned;
        failed += counts[i].failed;
        fork_errors += counts[i].fork_errors;
    }
    printf("spawned=%llu failed=%llu fork_errors=%llu elapsed=%.6f workers=", (unsigned long long)spawned,
           (unsigned long long)failed, (unsigned long long)fork_errors, elapsed);
    for (int i = 0; i < workers; i++) printf("%s%d", i ? "," : "", (int)pids[i]);
    printf("\n");
    return 0;
}

#endif
