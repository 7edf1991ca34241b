/* spawn: the process spawner of `make bench-watch` (see bench/watch/main.go).
 *
 *   spawn run COUNT GAP_US      COUNT processes per lifetime bucket (0, 0.1, 1, 10, 100 ms
 *                               after exec), in shuffled order, GAP_US apart (+-50% jitter);
 *                               prints "PID BUCKET_US MARKER" for each.
 *   spawn child LIFE_US MARKER  what each spawned process runs: sleep LIFE_US, exit.
 *   spawn population N          fork N idle processes (pause), print "ready", wait for SIGTERM.
 *
 * Children are reaped at once by the kernel (SIGCHLD ignored): the hardest case for a poller,
 * since no zombie lingers. It is a dynamically linked C program, like most short-lived
 * commands. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void sleep_us(long us) {
	struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
	while (nanosleep(&ts, &ts) != 0) {
	}
}

static int run(int count, long gap_us) {
	static const long buckets[] = {0, 100, 1000, 10000, 100000};
	int n = 5 * count;
	long *order = calloc(n, sizeof *order);
	if (!order) return 1;
	for (int i = 0; i < n; i++) order[i] = buckets[i % 5];
	srand(getpid());
	for (int i = n - 1; i > 0; i--) {
		int j = rand() % (i + 1);
		long t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	signal(SIGCHLD, SIG_IGN);
	for (int i = 0; i < n; i++) {
		char life[32], marker[64];
		snprintf(life, sizeof life, "%ld", order[i]);
		snprintf(marker, sizeof marker, "psm-%ld-%d-%d", order[i], i, getpid());
		fflush(stdout);
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			char *argv[] = {"psm-child", "child", life, marker, NULL};
			execv("/proc/self/exe", argv);
			_exit(127);
		}
		printf("%d %s %s\n", pid, life, marker);
		sleep_us(gap_us / 2 + rand() % (gap_us + 1));
	}
	fflush(stdout);
	sleep_us(200000);
	return 0;
}

static int population(int n) {
	setpgid(0, 0);
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			for (;;) pause();
		}
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) pause();
}

int main(int argc, char **argv) {
	if (argc == 4 && strcmp(argv[1], "child") == 0) {
		long us = atol(argv[2]);
		if (us > 0) sleep_us(us);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "run") == 0) return run(atoi(argv[2]), atol(argv[3]));
	if (argc == 3 && strcmp(argv[1], "population") == 0) return population(atoi(argv[2]));
	fprintf(stderr, "usage: spawn run COUNT GAP_US | child LIFE_US MARKER | population N\n");
	return 2;
}
