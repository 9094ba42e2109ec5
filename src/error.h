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

#endif
