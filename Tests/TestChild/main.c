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
 *   churn N              create and join threads until SIGUSR1 (comm "churning" after the first), then exit(N) (70 after 300 s)
 *   grow MB STEPS MS     STEPS times: allocate MB MiB and touch every page, wait MS ms; then
 *                        sleep until killed (resident memory grows by MB MiB per step)
 *   fds N MS             close inherited descriptors above 2; N times: open /dev/null, wait
 *                        MS ms; then sleep until killed
 *   listen PORT          close inherited descriptors above 2; listen on TCP 127.0.0.1:PORT (0:
 *                        any free port), connect to itself once (one established pair), then
 *                        sleep until killed
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
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
			"rename HEX MS | spin MS | churn N | grow MB STEPS MS | fds N MS | listen PORT\n");
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

/* Descriptors inherited from the test runner (it may hold sockets without O_CLOEXEC) would be
 * counted as this child's: the modes whose descriptors are asserted start from 0, 1, 2 only. */
static void close_inherited(void)
{
	if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0)
		for (int fd = 3; fd < 4096; fd++)
			close(fd);
}

static int grow(int megabytes, int steps, int milliseconds)
{
	size_t size = (size_t)megabytes << 20;
	for (int step = 0; step < steps; step++) {
		char *block = malloc(size);
		if (block == NULL)
			return 71;
		/* Touch every page: untouched allocations are not resident. */
		memset(block, step + 1, size);
		usleep((useconds_t)milliseconds * 1000);
	}
	for (;;)
		pause();
}

static int open_descriptors(int count, int milliseconds)
{
	close_inherited();
	for (int index = 0; index < count; index++) {
		if (open("/dev/null", O_RDONLY) < 0)
			return 71;
		usleep((useconds_t)milliseconds * 1000);
	}
	for (;;)
		pause();
}

static int listen_and_connect(int port)
{
	close_inherited();
	struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int server = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (server < 0 || bind(server, (struct sockaddr *)&address, sizeof(address)) != 0 || listen(server, 8) != 0)
		return 71;
	socklen_t length = sizeof(address);
	getsockname(server, (struct sockaddr *)&address, &length);
	int client = socket(AF_INET, SOCK_STREAM, 0);
	if (client < 0 || connect(client, (struct sockaddr *)&address, sizeof(address)) != 0)
		return 71;
	if (accept(server, NULL, NULL) < 0)
		return 71;
	for (;;)
		pause();
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
		/* A test that never signals fails on exit 70 after five minutes instead of hanging. */
		time_t deadline = time(NULL) + 300;
		int marked = 0;
		while (!usr1_received) {
			pthread_t worker;
			if (pthread_create(&worker, NULL, do_nothing, NULL) == 0)
				pthread_join(worker, NULL);
			/* After the first thread, the main thread names itself: a test can wait for
			 * "churning" in /proc/PID/comm instead of hoping to catch a short-lived thread. */
			if (!marked) {
				prctl(PR_SET_NAME, "churning", 0, 0, 0);
				marked = 1;
			}
			if (time(NULL) > deadline)
				return 70;
		}
		return atoi(argv[2]);
	}

	if (strcmp(mode, "rename") == 0 && argc == 4)
		return rename_self(argv[2], atoi(argv[3]));

	if (strcmp(mode, "grow") == 0 && argc == 5)
		return grow(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));

	if (strcmp(mode, "fds") == 0 && argc == 4)
		return open_descriptors(atoi(argv[2]), atoi(argv[3]));

	if (strcmp(mode, "listen") == 0 && argc == 3)
		return listen_and_connect(atoi(argv[2]));

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
