/*
 * error.h: the error record that engine modules fill instead of printing.
 * Only commands turn an nd_error into a message on stderr.
 */
#ifndef ND_ERROR_H
#define ND_ERROR_H

#define ND_ERROR_MSG_MAX 512

struct nd_error {
	int line; /* 1-based line in the input, 0 when there is none */
	int col;  /* 1-based column, 0 when there is none */
	char msg[ND_ERROR_MSG_MAX];
};

/* Sets err (when not NULL) and returns -1, so `return nd_error_set(...)` reads
 * naturally. */
int nd_error_set(struct nd_error *err, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

void nd_error_clear(struct nd_error *err);

/* A state the code rules out was reached: a bug in newsdb, never a problem
 * of the input, which gets an nd_error.  Prints "newsdb: BUG: file:line:
 * message" on stderr and aborts (a core dump for the debugger), as git's
 * BUG(); the one place the engine writes to stderr, since nothing can be
 * returned from a state that should not exist. */
#define BUG(...) nd_bug(__FILE__, __LINE__, __VA_ARGS__)
_Noreturn void nd_bug(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
