/*
 * step_times: where a process's time inside SQLite goes, statement by
 * statement.  Preloaded into any program that uses the system's libsqlite3,
 *
 *   LD_PRELOAD=build/tools/libstep_times.so STEP_TIMES=FILE newsdb import ...
 *
 * it times every sqlite3_step with the calling thread's CPU clock and, when
 * the process ends, writes to FILE (standard error without it) one line a
 * statement: CPU seconds, steps, and the statement's first 100 characters,
 * the dearest first.  Steps run inside another step (FTS5's own statements,
 * a statement of sqlite3_exec) count in the outer one only, so the lines sum
 * to the time spent in SQLite.  For docs/benchmarks.md's writer profile;
 * never linked into newsdb.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dlsym RTLD_NEXT */
#endif
#include <dlfcn.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KEY_LEN 100
#define MAX_STATEMENTS 4096

struct statement {
	char key[KEY_LEN + 1];
	double seconds;
	long steps;
};

static struct statement table[MAX_STATEMENTS];
static int n_table;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static __thread int depth;

static double thread_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void add(const char *sql, double seconds)
{
	char key[KEY_LEN + 1];
	snprintf(key, sizeof(key), "%s", sql ? sql : "?");
	for (char *p = key; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	pthread_mutex_lock(&lock);
	int k = 0;
	while (k < n_table && strcmp(table[k].key, key))
		k++;
	if (k == n_table && n_table < MAX_STATEMENTS)
		memcpy(table[n_table++].key, key, sizeof(key));
	if (k < n_table) {
		table[k].seconds += seconds;
		table[k].steps++;
	}
	pthread_mutex_unlock(&lock);
}

int sqlite3_step(sqlite3_stmt *st)
{
	static int (*real)(sqlite3_stmt *);
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "sqlite3_step");
	bool outer = depth++ == 0;
	double t0 = outer ? thread_seconds() : 0;
	int rc = real(st);
	if (outer)
		add(sqlite3_sql(st), thread_seconds() - t0);
	depth--;
	return rc;
}

static int dearest_first(const void *pa, const void *pb)
{
	const struct statement *a = pa, *b = pb;
	return a->seconds < b->seconds ? 1 : a->seconds > b->seconds ? -1 : 0;
}

__attribute__((destructor)) static void report(void)
{
	if (!n_table)
		return;
	const char *path = getenv("STEP_TIMES");
	FILE *out = path ? fopen(path, "w") : stderr;
	if (!out)
		return;
	qsort(table, (size_t)n_table, sizeof(table[0]), dearest_first);
	double total = 0;
	for (int k = 0; k < n_table; k++)
		total += table[k].seconds;
	fprintf(out, "%8.2f s in sqlite3_step, %d statements\n", total, n_table);
	for (int k = 0; k < n_table; k++)
		fprintf(out, "%8.2f %9ld  %s\n", table[k].seconds, table[k].steps, table[k].key);
	if (out != stderr)
		fclose(out);
}
