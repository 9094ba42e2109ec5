/* error.c: filling struct nd_error, and BUG() for states the code rules out. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int nd_error_set(struct nd_error *err, int line, int col, const char *fmt, ...)
{
	if (!err)
		return -1;
	err->line = line;
	err->col = col;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void nd_error_clear(struct nd_error *err)
{
	if (!err)
		return;
	err->line = 0;
	err->col = 0;
	err->msg[0] = '\0';
}

void nd_bug(const char *file, int line, const char *fmt, ...)
{
	fprintf(stderr, "newsdb: BUG: %s:%d: ", file, line);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
