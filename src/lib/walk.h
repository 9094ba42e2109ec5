/*
 * walk.h: finds the files to import under the paths a user names, in a
 * deterministic order.  Never prints: problems go to the on_problem callback.
 */
#ifndef ND_WALK_H
#define ND_WALK_H

#include <stdbool.h>
#include <stdint.h>

struct nd_walk_entry {
	const char *path;  /* root as given, joined with '/' and entry names; valid during the callback */
	uint64_t size;
	int64_t mtime_ns;  /* st_mtim in nanoseconds since the epoch */
	uint64_t dev, ino;
};

/* Called for each regular file (or symlink to one), in order.
 * Return 0 to go on, non-zero to stop the walk (nd_walk returns that value). */
typedef int (*nd_walk_file_fn)(const struct nd_walk_entry *entry, void *ctx);

/* Called for each entry that cannot be walked or is not a regular file:
 * errnum is an errno value (0 when none applies), what is a short lowercase
 * reason such as "cannot open directory", "not a regular file (fifo)",
 * "symlink loop", "broken symlink". */
typedef void (*nd_walk_problem_fn)(const char *path, int errnum, const char *what, void *ctx);

/*
 * Walks each root in the order given.  A root that is a file is visited
 * as is (whatever its name); a directory is walked recursively with entries
 * sorted by byte-wise name (strcmp), files and folders interleaved in that
 * order.  Inside directories, entries whose name starts with '.' are skipped
 * silently.  Symlinks to files are visited; symlinks to directories are
 * followed unless that directory is already being walked above (a loop,
 * reported) or was walked before by (dev, ino) (skipped silently, so one
 * folder is never imported twice).  FIFOs, sockets and devices are reported,
 * never opened.  Paths may contain any bytes except NUL (newlines, invalid
 * UTF-8).  Memory is bounded by the depth of the tree times the largest
 * directory, not by the size of the tree.
 * Returns 0, or the first non-zero value a callback returned.
 */
int nd_walk(const char *const *roots, int n_roots, nd_walk_file_fn on_file,
	    nd_walk_problem_fn on_problem, void *ctx);

/* The one rule for "the file is gone", used by import (a moved file), prune
 * and check: lstat fails with ENOENT or ENOTDIR.  A file that cannot be
 * looked at (EACCES, EIO) is still there, and must not be forgotten. */
bool nd_walk_gone(const char *path);

#endif
