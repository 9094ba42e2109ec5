/*
 * walk.c: the directory walker.  Everything is opened relative to the
 * parent directory's fd, so paths longer than PATH_MAX work and a folder
 * renamed mid-walk keeps being walked where it is.
 */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"

/* One directory already entered, keyed by (dev, ino). */
struct dir_slot {
	uint64_t dev, ino;
	bool used;
	bool walking; /* still on the current descent path: reaching it again is a loop */
};

/* Open-addressing hash set; cap is a power of two, kept under half full. */
struct dir_set {
	struct dir_slot *slots;
	size_t cap, len;
};

struct walker {
	nd_walk_file_fn on_file;
	nd_walk_problem_fn on_problem;
	void *ctx;
	struct nd_buf path;
	struct dir_set dirs;
};

static size_t hash_key(uint64_t dev, uint64_t ino)
{
	/* splitmix64 finaliser: inode numbers are often sequential */
	uint64_t x = ino ^ (dev * 0x9e3779b97f4a7c15ULL);
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return (size_t)x;
}

/* The slot holding (dev, ino), or the free slot where it belongs. */
static struct dir_slot *set_slot(struct dir_set *s, uint64_t dev, uint64_t ino)
{
	size_t mask = s->cap - 1;
	size_t i = hash_key(dev, ino) & mask;

	while (s->slots[i].used && (s->slots[i].dev != dev || s->slots[i].ino != ino))
		i = (i + 1) & mask;
	return &s->slots[i];
}

static void set_grow(struct dir_set *s)
{
	struct dir_set bigger = { NULL, s->cap ? s->cap * 2 : 64, s->len };

	bigger.slots = nd_xcalloc(bigger.cap, sizeof(*bigger.slots));
	for (size_t i = 0; i < s->cap; i++)
		if (s->slots[i].used)
			*set_slot(&bigger, s->slots[i].dev, s->slots[i].ino) = s->slots[i];
	free(s->slots);
	*s = bigger;
}

static struct dir_slot *set_find(struct dir_set *s, uint64_t dev, uint64_t ino)
{
	if (!s->cap)
		return NULL;
	struct dir_slot *slot = set_slot(s, dev, ino);
	return slot->used ? slot : NULL;
}

static void set_add(struct dir_set *s, uint64_t dev, uint64_t ino)
{
	if ((s->len + 1) * 2 > s->cap)
		set_grow(s);
	struct dir_slot *slot = set_slot(s, dev, ino);
	*slot = (struct dir_slot){ dev, ino, true, true };
	s->len++;
}

static int problem(struct walker *w, int errnum, const char *what)
{
	if (w->on_problem)
		w->on_problem(nd_buf_str(&w->path), errnum, what, w->ctx);
	return 0;
}

static const char *type_problem(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "not a regular file (fifo)";
	if (S_ISSOCK(mode))
		return "not a regular file (socket)";
	if (S_ISCHR(mode))
		return "not a regular file (character device)";
	if (S_ISBLK(mode))
		return "not a regular file (block device)";
	return "not a regular file (unknown type)";
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/*
 * Reads the visible names of the directory open as fd, sorted.  Reads
 * through a duplicate so the DIR buffer is freed before descending and only
 * one fd per level stays open.  Returns 0 or an errno value.
 */
static int read_names(int fd, char ***names_out, size_t *n_out)
{
	int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (dup_fd < 0)
		return errno;
	DIR *dir = fdopendir(dup_fd);
	if (!dir) {
		int err = errno;
		close(dup_fd);
		return err;
	}

	char **names = NULL;
	size_t n = 0, cap = 0;
	int err;
	for (;;) {
		errno = 0;
		struct dirent *de = readdir(dir);
		if (!de) {
			err = errno;
			break;
		}
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = nd_xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = nd_xstrdup(de->d_name);
	}
	closedir(dir);
	if (err) {
		free_names(names, n);
		return err;
	}
	if (n > 1) /* an empty folder leaves names NULL, which qsort must not get */
		qsort(names, n, sizeof(*names), cmp_names);
	*names_out = names;
	*n_out = n;
	return 0;
}

static int visit(struct walker *w, int dir_fd, const char *name);

/* Appends "/name" to the path, without doubling a slash the root ends with. */
static void path_push(struct nd_buf *path, const char *name)
{
	if (path->len && path->data[path->len - 1] != '/')
		nd_buf_addc(path, '/');
	nd_buf_adds(path, name);
}

static void path_pop(struct nd_buf *path, size_t len)
{
	path->len = len;
	path->data[len] = '\0';
}

static int walk_children(struct walker *w, int fd)
{
	char **names = NULL;
	size_t n = 0;
	int err = read_names(fd, &names, &n);
	if (err)
		return problem(w, err, "cannot read directory");

	size_t base = w->path.len;
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		path_push(&w->path, names[i]);
		rc = visit(w, fd, names[i]);
		path_pop(&w->path, base);
	}
	free_names(names, n);
	return rc;
}

static int walk_dir(struct walker *w, int dir_fd, const char *name, bool via_link)
{
	/* O_NOFOLLOW: a real directory swapped for a symlink after the lstat
	 * must not be followed silently */
	int fd = openat(dir_fd, name,
			O_RDONLY | O_DIRECTORY | O_CLOEXEC | (via_link ? 0 : O_NOFOLLOW));
	if (fd < 0)
		return problem(w, errno, "cannot open directory");
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int err = errno;
		close(fd);
		return problem(w, err, "cannot open directory");
	}

	uint64_t dev = st.st_dev, ino = st.st_ino;
	struct dir_slot *seen = set_find(&w->dirs, dev, ino);
	if (seen) {
		close(fd);
		if (seen->walking)
			return problem(w, ELOOP, via_link ? "symlink loop" : "directory loop");
		return 0;
	}
	set_add(&w->dirs, dev, ino);

	int rc = walk_children(w, fd);
	close(fd);
	/* looked up again: the set may have been resized during the descent */
	set_find(&w->dirs, dev, ino)->walking = false;
	return rc;
}

/* Visits name in dir_fd, whose path is already in w->path. */
static int visit(struct walker *w, int dir_fd, const char *name)
{
	struct stat st;
	if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return problem(w, errno, "cannot read");

	bool link = S_ISLNK(st.st_mode);
	if (link && fstatat(dir_fd, name, &st, 0) != 0) {
		int err = errno;
		if (err == ELOOP)
			return problem(w, err, "symlink loop");
		if (err == ENOENT || err == ENOTDIR)
			return problem(w, err, "broken symlink");
		return problem(w, err, "cannot read");
	}

	if (S_ISDIR(st.st_mode))
		return walk_dir(w, dir_fd, name, link);
	if (!S_ISREG(st.st_mode))
		return problem(w, 0, type_problem(st.st_mode));

	struct nd_walk_entry entry = {
		.path = nd_buf_str(&w->path),
		.size = (uint64_t)st.st_size,
		.mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec,
		.dev = st.st_dev,
		.ino = st.st_ino,
	};
	return w->on_file(&entry, w->ctx);
}

int nd_walk(const char *const *roots, int n_roots, nd_walk_file_fn on_file,
	    nd_walk_problem_fn on_problem, void *ctx)
{
	struct walker w = { on_file, on_problem, ctx, ND_BUF_INIT, { NULL, 0, 0 } };
	int rc = 0;

	for (int i = 0; i < n_roots && !rc; i++) {
		nd_buf_reset(&w.path);
		nd_buf_adds(&w.path, roots[i]);
		rc = visit(&w, AT_FDCWD, roots[i]);
	}
	nd_buf_release(&w.path);
	free(w.dirs.slots);
	return rc;
}

bool nd_walk_gone(const char *path)
{
	struct stat st;
	return lstat(path, &st) != 0 && (errno == ENOENT || errno == ENOTDIR);
}
