/*
 * floor: the physical floor of a /proc scan, for `make bench`.
 *
 * Usage: floor PROC_ROOT [fds]
 *
 * Opens and reads, for every process, the files procsnap reads, and nothing else: stat, status,
 * cmdline, wchan, task/TID/children, ns/{pid,mnt,net,user}, exe, cwd, stack; with "fds" also
 * every fd/N link and fdinfo/N. It parses nothing and writes only a count, so its time is the
 * cost of the system calls alone. One reused buffer, no allocation per process. It opens each
 * file by its path from /proc; procsnap opens /proc/PID once (O_PATH) and the files in it by
 * name, which costs one open and one close more per process and shortens every lookup.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char buf[1 << 16];
static unsigned long long bytes, files;

/* slurp reads a file; a single-record seq_file (stat, status, wchan, stack, fdinfo) ends at the
 * first short read, as procsnap and procps read them; others (cmdline, children) end at read 0. */
static void slurp_until(const char *path, int until_zero)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		bytes += (unsigned long long)n;
		if (!until_zero && (size_t)n < sizeof buf)
			break;
	}
	close(fd);
	files++;
}

static void slurp(const char *path) { slurp_until(path, 0); }

static void link_of(const char *path)
{
	ssize_t n = readlink(path, buf, sizeof buf);
	if (n > 0)
		bytes += (unsigned long long)n;
	files++;
}

static int numeric(const char *s)
{
	if (*s == 0)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static void each_entry(const char *dir, void (*fn)(const char *dir, const char *name))
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (numeric(e->d_name))
			fn(dir, e->d_name);
	closedir(d);
}

static void task_children(const char *taskdir, const char *tid)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s/children", taskdir, tid);
	slurp_until(path, 1);
}

static void one_fd(const char *fddir, const char *n)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", fddir, n);
	link_of(path);
	size_t len = strlen(fddir); /* ".../fd" -> ".../fdinfo/N" */
	snprintf(path, sizeof path, "%.*sinfo/%s", (int)len, fddir, n);
	slurp(path);
}

static int with_fds;

static void one_process(const char *root, const char *pid)
{
	static const char *files_[] = {"stat", "status", "wchan", "stack"};
	static const char *links[] = {"ns/pid", "ns/mnt", "ns/net", "ns/user", "exe", "cwd"};
	char path[4096];
	for (size_t i = 0; i < sizeof files_ / sizeof *files_; i++) {
		snprintf(path, sizeof path, "%s/%s/%s", root, pid, files_[i]);
		slurp(path);
	}
	snprintf(path, sizeof path, "%s/%s/cmdline", root, pid);
	slurp_until(path, 1);
	for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
		snprintf(path, sizeof path, "%s/%s/%s", root, pid, links[i]);
		link_of(path);
	}
	snprintf(path, sizeof path, "%s/%s/task", root, pid);
	each_entry(path, task_children);
	if (with_fds) {
		snprintf(path, sizeof path, "%s/%s/fd", root, pid);
		each_entry(path, one_fd);
	}
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "fds") != 0)) {
		fprintf(stderr, "usage: floor PROC_ROOT [fds]\n");
		return 2;
	}
	with_fds = argc == 3;
	each_entry(argv[1], one_process);
	printf("%llu files, %llu bytes\n", files, bytes);
	return 0;
}
