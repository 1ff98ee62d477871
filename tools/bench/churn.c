/*
 * Steady process churn and idle processes for tools/bench/monitor_overhead.py.
 *
 *   churn rate SECONDS RATE HELPER      fork+exec HELPER (which exits 0 at once) RATE times a second
 *   churn idle COUNT NAMED NAME         COUNT processes that sleep until killed
 *
 * rate: one process spawns on a fixed schedule — spawn i is due at start + i/RATE — sleeping
 * until each due time (clock_nanosleep, absolute), so the rate is the target and not the
 * machine's maximum. A spawn is fork, execve(HELPER) in the child, and waitpid: its latency is
 * fork() to reaped, which includes everything a tracer adds in the kernel on the way (the BPF
 * programs run on fork, exec and exit in these processes' context). When a spawn starts late the
 * schedule is kept (the next ones follow at once), so a machine that cannot keep up shows as an
 * achieved rate below the target and a growing lag, not as silently skipped spawns. At the end
 * one line goes to stdout:
 *
 *   spawned=N failed=F fork_errors=E elapsed=S late=L max_lag_ms=M
 *   lat_mean_us=… lat_p50_us=… lat_p90_us=… lat_p99_us=… lat_p999_us=… lat_max_us=…
 *
 * (on one line). late counts spawns that started more than one period behind their due time.
 * The generator names itself "aiops-churn"; the children take the helper's file name.
 *
 * idle: forks COUNT children that pause() until killed; the first NAMED of them name themselves
 * NAME (prctl PR_SET_NAME), the others "aiops-idle". Once all exist their pids go to stdout on
 * one line; the parent then waits for SIGTERM or SIGINT, kills and reaps every child, and exits.
 * Nothing may outlive a benchmark on a shared machine, so each child also asks for SIGKILL when
 * its parent dies (PR_SET_PDEATHSIG), and the parent for SIGTERM when *its* parent (the script)
 * dies: a crashed or killed script still takes the 1000 idle processes with it.
 *
 * Compiled with -DCHURN_HELPER, this file is instead the exec target: exits 0 at once (linked
 * statically when the toolchain can, to keep exec cheap).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef CHURN_HELPER

int main(void) { return 0; }

#else

#define MAX_IDLE 100000

static double monotonic_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static void sleep_until(double when) {
    struct timespec due = {.tv_sec = (time_t)when, .tv_nsec = (long)((when - (double)(time_t)when) * 1e9)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL) == EINTR) {
    }
}

static int compare_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static uint32_t percentile(const uint32_t *sorted, size_t n, double p) {
    if (n == 0) return 0;
    size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return sorted[rank - 1];
}

/* One spawn: fork, exec the helper, reap. Returns the wait status, or -1 if fork failed. */
static int spawn_once(const char *helper) {
    char *const child_argv[] = {(char *)"aiops-churn-x", NULL};
    char *const child_envp[] = {NULL};
    pid_t child = fork();
    if (child == 0) {
        execve(helper, child_argv, child_envp);
        _exit(127); /* still one exit; counted as failed */
    }
    if (child < 0) return -1;
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

static int run_rate(double seconds, double rate, const char *helper) {
    /* Every latency is kept (4 bytes each: 150 000 spawns is 600 KB) for exact percentiles. */
    size_t capacity = (size_t)(seconds * rate) + 16;
    uint32_t *latency_us = malloc(capacity * sizeof(*latency_us));
    if (latency_us == NULL) {
        perror("churn: malloc");
        return 1;
    }
    prctl(PR_SET_NAME, "aiops-churn", 0, 0, 0);

    double period = 1.0 / rate;
    uint64_t total = (uint64_t)(seconds * rate);
    uint64_t spawned = 0, failed = 0, fork_errors = 0, late = 0;
    double max_lag = 0, latency_sum = 0;
    double start = monotonic_seconds();
    for (uint64_t i = 0; i < total; i++) {
        double due = start + (double)i * period;
        sleep_until(due);
        double began = monotonic_seconds();
        double lag = began - due;
        if (lag > max_lag) max_lag = lag;
        if (lag > period) late++;
        int status = spawn_once(helper);
        double ended = monotonic_seconds();
        if (status < 0) {
            fork_errors++;
            continue;
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) failed++;
        double latency = (ended - began) * 1e6;
        latency_us[spawned++] = latency > UINT32_MAX ? UINT32_MAX : (uint32_t)latency;
        latency_sum += latency;
    }
    /* The window is SECONDS even though the last spawn is due one period before its end, so
     * that a generator on schedule measures exactly RATE; one that fell behind measures less. */
    sleep_until(start + seconds);
    double elapsed = monotonic_seconds() - start;

    qsort(latency_us, spawned, sizeof(*latency_us), compare_u32);
    printf("spawned=%llu failed=%llu fork_errors=%llu elapsed=%.6f late=%llu max_lag_ms=%.3f "
           "lat_mean_us=%.1f lat_p50_us=%u lat_p90_us=%u lat_p99_us=%u lat_p999_us=%u lat_max_us=%u\n",
           (unsigned long long)spawned, (unsigned long long)failed, (unsigned long long)fork_errors, elapsed,
           (unsigned long long)late, max_lag * 1e3, spawned ? latency_sum / (double)spawned : 0.0,
           percentile(latency_us, spawned, 50), percentile(latency_us, spawned, 90),
           percentile(latency_us, spawned, 99), percentile(latency_us, spawned, 99.9),
           spawned ? latency_us[spawned - 1] : 0);
    free(latency_us);
    return 0;
}

static void idle_child(pid_t parent, const char *name) {
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() != parent) _exit(0); /* the parent died before the request took effect */
    prctl(PR_SET_NAME, name, 0, 0, 0);
    for (;;) pause();
}

static int run_idle(int count, int named, const char *name) {
    prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
    /* Blocked before forking so a stop request cannot arrive between two forks unnoticed;
     * the children unblock (sigwait is only for the parent). */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    sigprocmask(SIG_BLOCK, &stop, NULL);

    pid_t *pids = calloc((size_t)count, sizeof(*pids));
    if (pids == NULL) {
        perror("churn: calloc");
        return 1;
    }
    pid_t self = getpid();
    int started = 0;
    for (; started < count; started++) {
        pid_t child = fork();
        if (child == 0) {
            sigprocmask(SIG_UNBLOCK, &stop, NULL);
            idle_child(self, started < named ? name : "aiops-idle");
        }
        if (child < 0) {
            perror("churn: fork idle");
            break;
        }
        pids[started] = child;
    }
    for (int i = 0; i < started; i++) printf("%s%d", i ? " " : "", (int)pids[i]);
    printf("\n");
    fflush(stdout);

    int status = started == count ? 0 : 1;
    if (status == 0) {
        int received;
        sigwait(&stop, &received);
    }
    for (int i = 0; i < started; i++) kill(pids[i], SIGKILL);
    for (int i = 0; i < started; i++) {
        while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR) {
        }
    }
    free(pids);
    return status;
}

int main(int argc, char **argv) {
    if (argc == 5 && strcmp(argv[1], "rate") == 0) {
        double seconds = atof(argv[2]), rate = atof(argv[3]);
        if (seconds <= 0 || rate <= 0 || rate > 100000 || access(argv[4], X_OK) != 0) {
            fprintf(stderr, "churn: rate needs SECONDS > 0, 0 < RATE <= 100000 and an executable HELPER\n");
            return 2;
        }
        return run_rate(seconds, rate, argv[4]);
    }
    if (argc == 5 && strcmp(argv[1], "idle") == 0) {
        int count = atoi(argv[2]), named = atoi(argv[3]);
        if (count < 1 || count > MAX_IDLE || named < 0 || named > count || argv[4][0] == '\0') {
            fprintf(stderr, "churn: idle needs 1 <= COUNT <= %d, 0 <= NAMED <= COUNT and a NAME\n", MAX_IDLE);
            return 2;
        }
        return run_idle(count, named, argv[4]);
    }
    fprintf(stderr, "usage: %s rate SECONDS RATE HELPER | idle COUNT NAMED NAME\n", argv[0]);
    return 2;
}

#endif
