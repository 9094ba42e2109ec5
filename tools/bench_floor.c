/*
 * bench_floor: the floors scripts/bench measures newsdb against, each the
 * least work any indexer of the same tree must do, on one thread.
 *
 *   bench_floor stat  DIR...   walk, and stat() every file        (floor S)
 *   bench_floor read  DIR...   walk, and read every file whole    (floor A)
 *   bench_floor parse DIR...   walk, read every file, and run libyaml's
 *                              event parser over its front matter (floor B)
 *   bench_floor run FILE CMD... run CMD and write its peak RSS and CPU time
 *                              to FILE (exit status: CMD's)
 *
 * The walk is newsdb's: sorted names, hidden entries skipped, symlinks not
 * followed.  Prints one line on stdout:
 *   files=N bytes=B events=E seconds=T
 * (T is the in-process time; bytes and events are 0 where not measured).
 *
 * Why `run`: Linux carries the peak RSS of the process that started a
 * command into the command's own (a vfork/fork child execs from its
 * parent's memory), so a big Python parent would inflate every figure.
 * This small program's is small.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

enum mode { MODE_STAT, MODE_READ, MODE_PARSE };

struct totals {
	enum mode mode;
	uint64_t files, bytes, events, failed;
	char *buf;
	size_t cap;
};

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		perror("bench_floor");
		exit(1);
	}
	return p;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Where the front matter's text ends: the start of its closing '---' or
 * '...' line, or len when there is none. */
static size_t front_matter_end(const char *s, size_t len)
{
	for (size_t i = 0; i + 3 <= len; i++) {
		if ((i == 0 || s[i - 1] == '\n') &&
		    (!memcmp(s + i, "---", 3) || !memcmp(s + i, "...", 3)) &&
		    (i + 3 == len || s[i + 3] == '\n' || s[i + 3] == '\r'))
			return i;
		const char *nl = memchr(s + i, '\n', len - i);
		if (!nl)
			break;
		i = (size_t)(nl - s); /* the loop's i++ lands after the newline */
	}
	return len;
}

static void parse(struct totals *t, const char *data, size_t len)
{
	if (len < 4 || memcmp(data, "---", 3) || (data[3] != '\n' && data[3] != '\r'))
		return; /* not an article file */
	const char *yaml = memchr(data, '\n', len) + 1;
	size_t n = front_matter_end(yaml, len - (size_t)(yaml - data));
	yaml_parser_t p;
	yaml_event_t ev;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)yaml, n);
	for (;;) {
		if (!yaml_parser_parse(&p, &ev)) {
			t->failed++;
			break;
		}
		t->events++;
		int end = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		if (end)
			break;
	}
	yaml_parser_delete(&p);
}

static void visit(struct totals *t, int dirfd, const char *name)
{
	t->files++;
	if (t->mode == MODE_STAT) {
		struct stat st;
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			t->failed++;
		return;
	}
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		t->failed++;
		if (fd >= 0)
			close(fd);
		return;
	}
	if ((size_t)st.st_size + 1 > t->cap) {
		t->cap = (size_t)st.st_size + 1;
		t->buf = xrealloc(t->buf, t->cap);
	}
	size_t n = 0;
	for (;;) {
		if (n + 1 == t->cap) {
			t->cap *= 2;
			t->buf = xrealloc(t->buf, t->cap);
		}
		ssize_t r = read(fd, t->buf + n, t->cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	t->bytes += n;
	if (t->mode == MODE_PARSE)
		parse(t, t->buf, n);
}

static void walk(struct totals *t, int dirfd)
{
	DIR *d = fdopendir(dirfd);
	if (!d) {
		close(dirfd);
		t->failed++;
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			names = xrealloc(names, cap * sizeof(*names));
		}
		size_t len = strlen(e->d_name);
		names[n] = xrealloc(NULL, len + 2);
		/* the type rides after the name's NUL: sorting moves both */
		memcpy(names[n], e->d_name, len + 1);
		names[n][len + 1] = (char)e->d_type;
		n++;
	}
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		unsigned char type = (unsigned char)names[i][strlen(names[i]) + 1];
		if (type == DT_UNKNOWN) {
			struct stat st;
			if (fstatat(dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW) == 0)
				type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : 0;
		}
		if (type == DT_DIR) {
			int sub = openat(dirfd, names[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
			if (sub >= 0)
				walk(t, sub);
			else
				t->failed++;
		} else if (type == DT_REG) {
			visit(t, dirfd, names[i]);
		}
		free(names[i]);
	}
	free(names);
	closedir(d);
}

static double seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static int run(const char *out, char **cmd)
{
	pid_t pid = fork();
	if (pid < 0) {
		perror("bench_floor: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(cmd[0], cmd);
		perror(cmd[0]);
		_exit(127);
	}
	int status;
	struct rusage ru;
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("bench_floor: wait4");
			return 1;
		}
	FILE *f = fopen(out, "w");
	if (!f) {
		perror(out);
		return 1;
	}
	fprintf(f, "rss_kb=%ld user=%.6f sys=%.6f\n", ru.ru_maxrss, seconds(ru.ru_utime),
		seconds(ru.ru_stime));
	fclose(f);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	struct totals t = { 0 };
	if (argc >= 4 && !strcmp(argv[1], "run"))
		return run(argv[2], argv + 3);
	if (argc < 3 || (strcmp(argv[1], "stat") && strcmp(argv[1], "read") && strcmp(argv[1], "parse"))) {
		fprintf(stderr, "usage: bench_floor stat|read|parse DIR...\n"
				"       bench_floor run FILE CMD...\n");
		return 2;
	}
	t.mode = !strcmp(argv[1], "stat") ? MODE_STAT : !strcmp(argv[1], "read") ? MODE_READ : MODE_PARSE;
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int k = 2; k < argc; k++) {
		int fd = open(argv[k], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			perror(argv[k]);
			return 1;
		}
		walk(&t, fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	free(t.buf);
	printf("files=%llu bytes=%llu events=%llu failed=%llu seconds=%.6f\n",
	       (unsigned long long)t.files, (unsigned long long)t.bytes,
	       (unsigned long long)t.events, (unsigned long long)t.failed,
	       (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
	return 0;
}
