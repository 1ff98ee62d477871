/*
 * aiops-testchild: a process whose lifecycle the kernel tests assert exactly. Each mode does one
 * thing the tracer must report right. Usage: aiops-testchild MODE [ARGS...]
 *
 *   exit N               exit(N)
 *   segv core|nocore     fault on a NULL write with RLIMIT_CORE unlimited or 0
 *   sleep SECONDS        sleep, to be killed by someone else
 *   kill PID SIGNAL      send SIGNAL to PID with kill(2), then exit 0
 *   thread-last N        main thread pthread_exit()s first; a worker exit(N)s 200 ms later
 *   thread               create and join one thread, exit 0
 *   tree DEPTH           fork a chain DEPTH deep; the deepest execs "aiops-testchild exit 7"
 *   args ...             live 300 ms, exit 0 (the test checks the argv the tracer saw; 300 ms
 *                        lets the /proc-reading fallbacks read it too)
 *   spawn N              fork+exit N children as fast as possible, reap them, exit 0
 *   linger MS N          live MS milliseconds, then exit(N)
 *   rename HEX MS        set comm to the bytes HEX (prctl PR_SET_NAME), live MS ms, exit 0
 *   spin MS              burn CPU for MS milliseconds, exit 0
 *   churn N              create and join threads until SIGUSR1, then exit(N) (70 after 60 s)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr, "usage: aiops-testchild exit N | segv core|nocore | sleep S | kill PID SIG | "
			"thread-last N | thread | tree DEPTH | args ... | spawn N | linger MS N | "
			"rename HEX MS | spin MS | churn N\n");
	return 64;
}

static int rename_self(const char *hex, int milliseconds)
{
	char name[16] = { 0 };
	size_t length = strlen(hex) / 2;
	if (length > 15)
		length = 15;
	for (size_t index = 0; index < length; index++) {
		unsigned int byte;
		if (sscanf(hex + 2 * index, "%2x", &byte) != 1)
			return 64;
		name[index] = (char)byte;
	}
	if (prctl(PR_SET_NAME, name, 0, 0, 0) != 0)
		return 71;
	usleep((useconds_t)milliseconds * 1000);
	return 0;
}

static void *exit_later(void *argument)
{
	usleep(200 * 1000);
	exit((int)(long)argument);
}

static volatile sig_atomic_t usr1_received;

static void note_usr1(int signal_number)
{
	(void)signal_number;
	usr1_received = 1;
}

static void *do_nothing(void *argument)
{
	return argument;
}

static int tree(const char *self, int depth)
{
	if (depth <= 0) {
		execl(self, self, "exit", "7", (char *)NULL);
		_exit(127);
	}
	pid_t child = fork();
	if (child < 0)
		return 71;
	if (child == 0)
		_exit(tree(self, depth - 1));
	int status;
	waitpid(child, &status, 0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	const char *mode = argv[1];

	if (strcmp(mode, "exit") == 0 && argc == 3)
		return atoi(argv[2]);

	if (strcmp(mode, "segv") == 0 && argc == 3) {
		struct rlimit limit = { 0, 0 };
		if (strcmp(argv[2], "core") == 0)
			limit.rlim_cur = limit.rlim_max = RLIM_INFINITY;
		if (setrlimit(RLIMIT_CORE, &limit) != 0 && limit.rlim_cur != 0) {
			/* Raising the hard limit needs CAP_SYS_RESOURCE: take what is allowed. */
			getrlimit(RLIMIT_CORE, &limit);
			limit.rlim_cur = limit.rlim_max;
			setrlimit(RLIMIT_CORE, &limit);
		}
		volatile int *nowhere = NULL;
		*nowhere = 1;
		return 70;
	}

	if (strcmp(mode, "sleep") == 0 && argc == 3) {
		sleep((unsigned)atoi(argv[2]));
		return 0;
	}

	if (strcmp(mode, "kill") == 0 && argc == 4) {
		if (kill((pid_t)atoi(argv[2]), atoi(argv[3])) != 0) {
			perror("kill");
			return 71;
		}
		return 0;
	}

	if (strcmp(mode, "thread-last") == 0 && argc == 3) {
		pthread_t worker;
		if (pthread_create(&worker, NULL, exit_later, (void *)(long)atoi(argv[2])) != 0)
			return 71;
		pthread_exit(NULL);
	}

	if (strcmp(mode, "thread") == 0) {
		pthread_t worker;
		if (pthread_create(&worker, NULL, do_nothing, NULL) != 0)
			return 71;
		pthread_join(worker, NULL);
		return 0;
	}

	if (strcmp(mode, "tree") == 0 && argc == 3)
		return tree("/proc/self/exe", atoi(argv[2]));

	if (strcmp(mode, "args") == 0) {
		usleep(300 * 1000);
		return 0;
	}

	if (strcmp(mode, "linger") == 0 && argc == 4) {
		usleep((useconds_t)atoi(argv[2]) * 1000);
		return atoi(argv[3]);
	}

	if (strcmp(mode, "spin") == 0 && argc == 3) {
		struct timespec now, end;
		clock_gettime(CLOCK_MONOTONIC, &end);
		end.tv_sec += atoi(argv[2]) / 1000;
		end.tv_nsec += (long)(atoi(argv[2]) % 1000) * 1000000;
		if (end.tv_nsec >= 1000000000) {
			end.tv_sec++;
			end.tv_nsec -= 1000000000;
		}
		volatile unsigned long counter = 0;
		do {
			for (int index = 0; index < 100000; index++)
				counter++;
			clock_gettime(CLOCK_MONOTONIC, &now);
		} while (now.tv_sec < end.tv_sec || (now.tv_sec == end.tv_sec && now.tv_nsec < end.tv_nsec));
		return 0;
	}

	if (strcmp(mode, "churn") == 0 && argc == 3) {
		/* Until told: a test must be able to act while this still runs, however late the
		 * machine lets the test run. */
		sigset_t usr1;
		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		signal(SIGUSR1, note_usr1);
		sigprocmask(SIG_UNBLOCK, &usr1, NULL);
		/* A test that never signals fails on exit 70 after a minute instead of hanging. */
		time_t deadline = time(NULL) + 60;
		while (!usr1_received) {
			pthread_t worker;
			if (pthread_create(&worker, NULL, do_nothing, NULL) == 0)
				pthread_join(worker, NULL);
			if (time(NULL) > deadline)
				return 70;
		}
		return atoi(argv[2]);
	}

	if (strcmp(mode, "rename") == 0 && argc == 4)
		return rename_self(argv[2], atoi(argv[3]));

	if (strcmp(mode, "spawn") == 0 && argc == 3) {
		int count = atoi(argv[2]);
		for (int index = 0; index < count; index++) {
			pid_t child = fork();
			if (child == 0)
				_exit(0);
			if (child < 0 && errno != EAGAIN)
				return 71;
		}
		while (wait(NULL) > 0 || errno == EINTR)
			;
		return 0;
	}

	return usage();
}
