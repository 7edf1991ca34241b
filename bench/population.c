/*
 * population: start N idle processes shaped like a busy host, for `make bench`.
 *
 * Usage: population N
 *
 * The calling process (the population root) forks session leaders (setsid); each leader forks
 * members, some of which lead their own process group (setpgid). Every process holds a pipe, a
 * socketpair and an open file, prints its PID on its own line to stdout (the bench driver reads
 * exactly N lines, then kills each PID), closes stdout and sleeps in pause(). Every process also
 * sets PR_SET_PDEATHSIG so that nothing outlives a crashed driver: killing the root kills the rest.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MEMBERS_PER_SESSION = 9, GROUP_EVERY = 3 };

/* hold opens the fds every process keeps and tells the driver our PID. */
static void hold(void)
{
	int p[2], s[2];
	if (pipe(p) < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, s) < 0) {
		perror("population: pipe/socketpair");
		_exit(1);
	}
	if (open("/etc/hostname", O_RDONLY | O_CLOEXEC) < 0 && open("/", O_RDONLY) < 0) {
		perror("population: open");
		_exit(1);
	}
	char line[32];
	int n = snprintf(line, sizeof line, "%d\n", (int)getpid());
	if (write(1, line, (size_t)n) != n) /* < PIPE_BUF: atomic */
		_exit(1);
}

/* die_with_parent makes the process exit when its parent does. */
static void die_with_parent(pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
}

static void idle(void)
{
	int null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		close(null);
	}
	for (;;)
		pause();
}

static pid_t spawn_member(int index, pid_t leader)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	die_with_parent(leader);
	if (index % GROUP_EVERY == 0)
		setpgid(0, 0);
	hold();
	idle();
	return 0;
}

static pid_t spawn_session(int members, pid_t root)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	die_with_parent(root);
	setsid();
	hold();
	pid_t self = getpid();
	for (int i = 0; i < members; i++)
		if (spawn_member(i, self) < 0) {
			perror("population: fork");
			break;
		}
	idle();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2 || atoi(argv[1]) < 1) {
		fprintf(stderr, "usage: population N\n");
		return 2;
	}
	int n = atoi(argv[1]);
	pid_t root = getpid();
	setvbuf(stdout, NULL, _IONBF, 0);
	int left = n;
	while (left > 0) {
		int members = left - 1 < MEMBERS_PER_SESSION ? left - 1 : MEMBERS_PER_SESSION;
		if (spawn_session(members, root) < 0) {
			perror("population: fork");
			return 1;
		}
		left -= members + 1;
	}
	/* The root is not counted: it only waits (reaping nothing: its children never exit first). */
	idle();
	return 0;
}
