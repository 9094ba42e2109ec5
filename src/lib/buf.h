/*
 * buf.h: a growable byte string, always NUL-terminated.  Allocation failure
 * prints one line and aborts (buf.c's alloc_fail()): an indexer that runs out of memory cannot
 * do anything useful, and every caller checking would hide the real logic.
 */
#ifndef ND_BUF_H
#define ND_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct nd_buf {
	char *data; /* NUL-terminated; NULL until something is added */
	size_t len;
	size_t cap;
};

#define ND_BUF_INIT { NULL, 0, 0 }

void nd_buf_add(struct nd_buf *b, const void *data, size_t len);
void nd_buf_adds(struct nd_buf *b, const char *s);
void nd_buf_addc(struct nd_buf *b, char c);
void nd_buf_addf(struct nd_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nd_buf_reset(struct nd_buf *b);          /* len = 0, keeps memory */
const char *nd_buf_str(const struct nd_buf *b); /* "" when empty */
char *nd_buf_detach(struct nd_buf *b);        /* caller frees; b is reset */
void nd_buf_release(struct nd_buf *b);

/* Checked allocation: out of memory ends the process, so they never return
 * NULL (the attributes tell the compiler so). */
#define ND_NONNULL_ALLOC __attribute__((returns_nonnull, malloc))
ND_NONNULL_ALLOC void *nd_xmalloc(size_t n);
ND_NONNULL_ALLOC void *nd_xcalloc(size_t n, size_t size);
__attribute__((returns_nonnull)) void *nd_xrealloc(void *p, size_t n);
ND_NONNULL_ALLOC char *nd_xstrdup(const char *s);
ND_NONNULL_ALLOC char *nd_xstrndup(const char *s, size_t n);

#endif
