/* check_walk.c: unit tests for the directory walker (walk.c). */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "walk.h"

Suite *make_walk_suite(void);

/* base holds one directory per test (tmp): base is removed by the parent
 * process even when a failed test's child exits without its teardown */
static char base[] = "/tmp/newsdb_walk_XXXXXX";
static char tmp[sizeof(base) + 8];

/*
 * Everything the walker reported, one string per callback, with the tmp
 * prefix cut so expectations stay short: "F a/x" or "P a/y|what|errnum".
 */
struct rec {
	char **ev;
	size_t n, cap;
	int stop_at;   /* on_file returns stop_value at this file (1-based), 0 = never */
	int stop_value;
	int files;
	struct nd_walk_entry last; /* path not kept */
};

static const char *strip(const char *path)
{
	size_t n = strlen(tmp);
	if (strncmp(path, tmp, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}

static void rec_push(struct rec *r, struct nd_buf *b)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->ev = nd_xrealloc(r->ev, r->cap * sizeof(*r->ev));
	}
	r->ev[r->n++] = nd_buf_detach(b);
}

static int on_file(const struct nd_walk_entry *e, void *ctx)
{
	struct rec *r = ctx;
	struct nd_buf b = ND_BUF_INIT;
	nd_buf_addf(&b, "F %s", strip(e->path));
	rec_push(r, &b);
	r->last = *e;
	r->last.path = NULL;
	r->files++;
	return r->files == r->stop_at ? r->stop_value : 0;
}

static void on_problem(const char *path, int errnum, const char *what, void *ctx)
{
	struct nd_buf b = ND_BUF_INIT;
	nd_buf_addf(&b, "P %s|%s|%d", strip(path), what, errnum);
	rec_push(ctx, &b);
}

static void rec_free(struct rec *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->ev[i]);
	free(r->ev);
}

/* Asserts the recorded events are exactly the NULL-terminated list. */
static void rec_expect(const struct rec *r, const char *const *want)
{
	size_t i = 0;
	for (; want[i]; i++) {
		ck_assert_msg(i < r->n, "missing event %zu: %s", i, want[i]);
		ck_assert_str_eq(r->ev[i], want[i]);
	}
	ck_assert_msg(r->n == i, "unexpected extra event: %s", r->ev[i]);
}

static size_t rec_count(const struct rec *r, const char *ev)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		n += strcmp(r->ev[i], ev) == 0;
	return n;
}

/* Paths under the test directory, built in a small ring so several can be live. */
static const char *at(const char *rel)
{
	static char ring[4][PATH_MAX];
	static int next;
	char *p = ring[next++ % 4];
	snprintf(p, PATH_MAX, "%s/%s", tmp, rel);
	return p;
}

static void mkdir_p(const char *rel)
{
	ck_assert_int_eq(mkdir(at(rel), 0755), 0);
}

static void write_file(const char *rel, const char *text)
{
	FILE *f = fopen(at(rel), "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static void symlink_to(const char *target, const char *rel)
{
	ck_assert_int_eq(symlink(target, at(rel)), 0);
}

static int walk1(const char *rel, struct rec *r)
{
	const char *roots[] = { at(rel) };
	return nd_walk(roots, 1, on_file, on_problem, r);
}

/* Removes name under dir_fd recursively, relative to fds so long paths go too. */
static void rm_at(int dir_fd, const char *name)
{
	struct stat st;
	if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlinkat(dir_fd, name, 0);
		return;
	}
	fchmodat(dir_fd, name, 0700, 0); /* the unreadable-directory test locks one */
	int fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (d) {
		struct dirent *de;
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				rm_at(dirfd(d), de->d_name);
		closedir(d);
	} else if (fd >= 0) {
		close(fd);
	}
	unlinkat(dir_fd, name, AT_REMOVEDIR);
}

static void setup_base(void)
{
	ck_assert_ptr_nonnull(mkdtemp(base));
}

static void teardown_base(void)
{
	rm_at(AT_FDCWD, base);
}

static void setup(void)
{
	snprintf(tmp, sizeof(tmp), "%s/tXXXXXX", base);
	ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static void teardown(void)
{
	rm_at(AT_FDCWD, tmp);
}

START_TEST(test_walk_sorted_order)
{
	mkdir_p("a");
	mkdir_p("a/b");
	write_file("a/b/c", "c");
	write_file("a/b.txt", "b");
	write_file("a/b-x", "x");
	write_file("a/a.txt", "a");
	write_file("a/B", "B");
	mkdir_p("a/0");
	write_file("a/0/z", "z");
	struct rec r = { 0 };
	ck_assert_int_eq(walk1("a", &r), 0);
	/* strcmp order: '0' < 'B' < 'a'; "b" < "b-x" < "b.txt" ('-' < '.') */
	const char *want[] = { "F a/0/z", "F a/B", "F a/a.txt", "F a/b/c", "F a/b-x",
			       "F a/b.txt", NULL };
	rec_expect(&r, want);
	rec_free(&r);
}
END_TEST

START_TEST(test_walk_hidden_skipped)
{
	mkdir_p("d");
	write_file("d/.hidden", "h");
	mkdir_p("d/.git");
	write_file("d/.git/config", "g");
	write_file("d/seen.txt", "s");
	write_file(".dotroot", "r");
	struct rec r = { 0 };
	const char *roots[] = { at("d"), at(".dotroot") };
	ck_assert_int_eq(nd_walk(roots, 2, on_file, on_problem, &r), 0);
	const char *want[] = { "F d/seen.txt", "F .dotroot", NULL };
	rec_expect(&r, want);
	rec_free(&r);
}
END_TEST

START_TEST(test_walk_file_root)
{
	write_file("one.txt", "hello");
	struct rec r = { 0 };
	ck_assert_int_eq(walk1("one.txt", &r), 0);
	const char *want[] = { "F one.txt", NULL };
	rec_expect(&r, want);
	ck_assert_uint_eq(r.last.size, 5);
	rec_free(&r);
}
END_TEST

START_TEST(test_walk_multiple_roots_in_order)
{
	mkdir_p("z");
	write_file("z/1", "1");
	write_file("a", "a");
	mkdir_p("m");
	write_file("m/2", "2");
	struct rec r = { 0 };
	const char *roots[] = { at("z"), at("a"), at("missing"), at("m") };
	ck_assert_int_eq(nd_walk(roots, 4, on_file, on_problem, &r), 0);
	struct nd_buf b = ND_BUF_INIT;
	nd_buf_addf(&b, "P missing|cannot read|%d", ENOENT);
	const char *want[] = { "F z/1", "F a", nd_buf_str(&b), "F m/2", NULL };
	rec_expect(&r, want);
	nd_buf_release(&b);
	rec_free(&r);
}
END_TEST

START_TEST(test_walk_missing_root)
{
	struct rec r = { 0 };
	const char *roots[] = { "/nonexistent/newsdb/walk" };
	ck_assert_int_eq(nd_walk(roots, 1, on_file, on_problem, &r), 0);
	struct nd_buf b = ND_BUF_INIT;
	nd_buf_addf(&b, "P /nonexistent/newsdb/walk|cannot read|%d", ENOENT);
	const char *want[] = { nd_buf_str(&b), NULL };
	rec_expect(&r, want);
	nd_buf_release(&b);
	rec_free(&r);
}
END_TEST

START_TEST(test_walk_fifo_not_opened)
{
	mkdir_p("d");
	ck_assert_int_eq(mkfifo(at("d/pipe"), 0644), 0);
	write_file("d/q.txt", "q");
	struct rec r = { 0 };
	/* opening a FIFO with no writer would block: the test would time out */
	const char *roots[] = { at("d"), at("d/pipe") };
	ck_assert_int_eq(nd_walk(roots, 2, on_file, on_problem, &r), 0);
	const char *want[] = { "P d/pipe|not a regular file (fifo)|0", "F d/q.txt",
			       "P d/pipe|not a regular file (fifo)|0", NULL };
	rec_expect(&r, want);
	rec_free(&r);
}
END_TEST

START_TEST(test_walk_socket_reported)
{
	mkdir_p("d");
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	ck_assert_uint_lt(strlen(at("d/sock")), sizeof(addr.sun_path));
	strcpy(addr.sun_path, at("d/sock"));
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&addr, sizeof(addr)), 0);
	struct rec r = { 0 };
	ck_assert_int_eq(walk1("d", &r), 0);
	close(s);
	const char *want[] = { "P d/sock|not a regular file (socket)|0", NULL };
	rec_expect(&r, want);
	rec_free(&r);
}
END_TEST

START_TEST(test_walk_device_reported)
{
	struct rec r = { 0 };
	const char *roots[] = { "/dev/null" };
	ck_assert_int_eq(nd_walk(roots, 1, on_file, on_problem, &r), 0);
	const char *want[] = { "P /dev/null|not a regular file (character device)|0", NULL };
	rec_expect(&r, want);
	rec_free(&r);
}
END_TEST

START_TEST(test_walk_symlink_to_file)
{
	mkdir_p("d");
	write_file("target.txt", "twelve bytes");
	symlink_to("../target.txt", "d/link");
	struct rec r = { 0 };
	ck_assert_int_eq(walk1("d", &r), 0);
	const char *want[] = { "F d/link", NULL };
	rec_expect(&r, want);
	struct stat st;
	ck_assert_int_eq(stat(at("target.txt"), &st), 0);
	/* the entry describes the target, not the link */
	ck_assert_uint_eq(r.last.size, 12);
	ck_assert_uint_eq(r.last.ino, (uint64_t)st.st_ino);
	rec_free(&r);
}
END_TEST

START_TEST(test_walk_symlink_loop)
{
	mkdir_p("d");
	mkdir_p("d/sub");
	write_file("d/sub/f", "f");
	symlink_to("..", "d/sub/up");
	symlink_to("self", "d/self");
	struct rec r = { 0 };
	ck_assert_int_eq(walk1("d", &r), 0);
	struct nd_buf up = ND_BUF_INIT, self = ND_BUF_INIT;
	nd_buf_addf(&self, "P d/self|symlink loop|%d", ELOOP);
	nd_buf_addf(&up, "P d/sub/up|symlink loop|%d", ELOOP);
	const char *want[] = { nd_buf_str(&self), "F d/sub/f", nd_buf_str(&up), NULL };
	rec_expect(&r, want);
	ck_assert_uint_eq(rec_count(&r, nd_buf_str(&up)), 1);
	nd_buf_release(&up);
	nd_buf_release(&self);
	rec_free(&r);
}
END_TEST

START_TEST(test_walk_symlinked_dir_walked_once)
{
	mkdir_p("d");
	mkdir_p("d/real");
	write_file("d/real/f", "f");
	symlink_to("real", "d/link"); /* "link" < "real": walked first through the link */
	struct rec r = { 0 };
	const char *roots[] = { at("d"), at("d/real") };
	ck_assert_int_eq(nd_walk(roots, 2, on_file, on_problem, &r), 0);
	const char *want[] = { "F d/link/f", NULL };
	rec_expect(&r, want);
	rec_free(&r);
}
END_TEST

START_TEST(test_walk_dangling_symlink)
{
	mkdir_p("d");
	symlink_to("nowhere", "d/dangling");
	write_file("d/ok", "ok");
	struct rec r = { 0 };
	ck_assert_int_eq(walk1("d", &r), 0);
	struct nd_buf b = ND_BUF_INIT;
	nd_buf_addf(&b, "P d/dangling|broken symlink|%d", ENOENT);
	const char *want[] = { nd_buf_str(&b), "F d/ok", NULL };
	rec_expect(&r, want);
	nd_buf_release(&b);
	rec_free(&r);
}
END_TEST

/* Walks d; returns -1 when d/locked was reported as EACCES, else how many
 * times d/locked/in was visited; -2 when the walk did not go on to d/z. */
static int walk_locked(void)
{
	struct rec r = { 0 };
	walk1("d", &r);
	struct nd_buf b = ND_BUF_INIT;
	nd_buf_addf(&b, "P d/locked|cannot open directory|%d", EACCES);
	int res = rec_count(&r, nd_buf_str(&b)) == 1 ? -1 : (int)rec_count(&r, "F d/locked/in");
	if (rec_count(&r, "F d/z") != 1)
		res = -2; /* the walk must go on past the locked directory */
	nd_buf_release(&b);
	rec_free(&r);
	return res;
}

/* Clears CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the effective set,
 * so even root gets EACCES from a mode-0 directory. */
static int drop_dac_caps(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	if (syscall(SYS_capget, &hdr, data) != 0)
		return -1;
	data[0].effective &= ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH));
	return (int)syscall(SYS_capset, &hdr, data);
}

START_TEST(test_walk_unreadable_dir)
{
	mkdir_p("d");
	mkdir_p("d/locked");
	write_file("d/locked/in", "i");
	write_file("d/z", "z");
	ck_assert_int_eq(chmod(at("d/locked"), 0), 0);
	if (geteuid() != 0) {
		ck_assert_int_eq(walk_locked(), -1);
		return;
	}
	/* root reads anything: the directory is walked */
	ck_assert_int_eq(walk_locked(), 1);
	/* and without the permission-bypass capabilities it is refused,
	 * reported, and the walk goes on; dropping capabilities rather than
	 * switching user lets the child still remove what valgrind puts in /tmp */
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(drop_dac_caps() != 0 ? 2 : walk_locked() == -1 ? 0 : 1);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	/* 2: capabilities cannot be changed here (seccomp); nothing more to check */
	ck_assert_int_ne(WEXITSTATUS(status), 1);
}
END_TEST

START_TEST(test_walk_odd_names_byte_exact)
{
	mkdir_p("d");
	write_file("d/new\nline.txt", "n");
	write_file("d/bad\xff.txt", "b");
	struct rec r = { 0 };
	ck_assert_int_eq(walk1("d", &r), 0);
	/* "b" < "n"; 0xff sorts after ASCII as strcmp compares unsigned bytes */
	const char *want[] = { "F d/bad\xff.txt", "F d/new\nline.txt", NULL };
	rec_expect(&r, want);
	rec_free(&r);
}
END_TEST

START_TEST(test_walk_stop_value)
{
	mkdir_p("d");
	mkdir_p("d/a");
	mkdir_p("d/a/b");
	write_file("d/a/b/1", "1");
	write_file("d/a/b/2", "2");
	write_file("d/a/b/3", "3");
	write_file("d/c", "c");
	struct rec r = { .stop_at = 2, .stop_value = 42 };
	const char *roots[] = { at("d"), at("d/c") };
	ck_assert_int_eq(nd_walk(roots, 2, on_file, on_problem, &r), 42);
	const char *want[] = { "F d/a/b/1", "F d/a/b/2", NULL };
	rec_expect(&r, want);
	rec_free(&r);
}
END_TEST

START_TEST(test_walk_size_and_mtime)
{
	write_file("f", "12345");
	const struct timespec times[2] = { { 1600000000, 123456789 },
					   { 1600000000, 987654321 } };
	ck_assert_int_eq(utimensat(AT_FDCWD, at("f"), times, 0), 0);
	struct stat st;
	ck_assert_int_eq(stat(at("f"), &st), 0);
	struct rec r = { 0 };
	ck_assert_int_eq(walk1("f", &r), 0);
	ck_assert_int_eq(r.files, 1);
	ck_assert_uint_eq(r.last.size, 5);
	ck_assert_int_eq(r.last.mtime_ns,
			 (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec);
	ck_assert_int_eq(r.last.mtime_ns / 1000000000, 1600000000);
	ck_assert_uint_eq(r.last.dev, (uint64_t)st.st_dev);
	ck_assert_uint_eq(r.last.ino, (uint64_t)st.st_ino);
	rec_free(&r);
}
END_TEST

START_TEST(test_walk_join)
{
	mkdir_p("d");
	write_file("d/x", "x");
	struct rec r = { 0 };
	char slashed[PATH_MAX];
	snprintf(slashed, sizeof(slashed), "%s/", at("d"));
	const char *roots[] = { slashed };
	ck_assert_int_eq(nd_walk(roots, 1, on_file, on_problem, &r), 0);
	const char *want[] = { "F d/x", NULL };
	rec_expect(&r, want);
	rec_free(&r);

	/* "." joins to "./x"; the cwd is restored for later tests */
	int cwd = open(".", O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(cwd, 0);
	ck_assert_int_eq(chdir(at("d")), 0);
	struct rec r2 = { 0 };
	const char *dot[] = { "." };
	int rc = nd_walk(dot, 1, on_file, on_problem, &r2);
	ck_assert_int_eq(fchdir(cwd), 0);
	close(cwd);
	ck_assert_int_eq(rc, 0);
	const char *want2[] = { "F ./x", NULL };
	rec_expect(&r2, want2);
	rec_free(&r2);
}
END_TEST

START_TEST(test_walk_long_path)
{
	/* 30 levels of 200-byte names: far beyond PATH_MAX */
	char name[201];
	memset(name, 'n', 200);
	name[200] = '\0';
	mkdir_p("deep");
	int fd = open(at("deep"), O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	for (int i = 0; i < 30; i++) {
		ck_assert_int_eq(mkdirat(fd, name, 0755), 0);
		int sub = openat(fd, name, O_RDONLY | O_DIRECTORY);
		ck_assert_int_ge(sub, 0);
		close(fd);
		fd = sub;
	}
	int file = openat(fd, "leaf.txt", O_WRONLY | O_CREAT, 0644);
	ck_assert_int_ge(file, 0);
	ck_assert_int_eq(write(file, "leaf", 4), 4);
	close(file);
	close(fd);

	struct rec r = { 0 };
	ck_assert_int_eq(walk1("deep", &r), 0);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_uint_eq(r.last.size, 4);
	const char *rel = r.ev[0] + 2; /* past "F " */
	ck_assert_uint_eq(strlen(rel), strlen("deep") + 30 * 201 + strlen("/leaf.txt"));
	ck_assert_uint_gt(strlen(rel), PATH_MAX);
	ck_assert_str_eq(rel + strlen(rel) - 9, "/leaf.txt");
	rec_free(&r);
}
END_TEST

/* Renames the directory being walked from inside the callback. */
static int rename_on_first(const struct nd_walk_entry *e, void *ctx)
{
	struct rec *r = ctx;
	if (r->files == 0)
		ck_assert_int_eq(rename(at("d/a"), at("d/moved")), 0);
	return on_file(e, ctx);
}

START_TEST(test_walk_renamed_mid_walk)
{
	mkdir_p("d");
	mkdir_p("d/a");
	write_file("d/a/1", "1");
	write_file("d/a/2", "2");
	struct rec r = { 0 };
	const char *roots[] = { at("d") };
	ck_assert_int_eq(nd_walk(roots, 1, rename_on_first, on_problem, &r), 0);
	/* the open fd keeps the walk in the moved folder; paths keep the walked names */
	const char *want[] = { "F d/a/1", "F d/a/2", NULL };
	rec_expect(&r, want);
	rec_free(&r);
}
END_TEST

Suite *make_walk_suite(void)
{
	Suite *s = suite_create("walk");
	TCase *tc = tcase_create("core");
	tcase_add_unchecked_fixture(tc, setup_base, teardown_base);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_walk_sorted_order);
	tcase_add_test(tc, test_walk_hidden_skipped);
	tcase_add_test(tc, test_walk_file_root);
	tcase_add_test(tc, test_walk_multiple_roots_in_order);
	tcase_add_test(tc, test_walk_missing_root);
	tcase_add_test(tc, test_walk_fifo_not_opened);
	tcase_add_test(tc, test_walk_socket_reported);
	tcase_add_test(tc, test_walk_device_reported);
	tcase_add_test(tc, test_walk_symlink_to_file);
	tcase_add_test(tc, test_walk_symlink_loop);
	tcase_add_test(tc, test_walk_symlinked_dir_walked_once);
	tcase_add_test(tc, test_walk_dangling_symlink);
	tcase_add_test(tc, test_walk_unreadable_dir);
	tcase_add_test(tc, test_walk_odd_names_byte_exact);
	tcase_add_test(tc, test_walk_stop_value);
	tcase_add_test(tc, test_walk_size_and_mtime);
	tcase_add_test(tc, test_walk_join);
	tcase_add_test(tc, test_walk_long_path);
	tcase_add_test(tc, test_walk_renamed_mid_walk);
	suite_add_tcase(s, tc);
	return s;
}
