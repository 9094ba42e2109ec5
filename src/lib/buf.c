/* buf.c: growable strings and checked allocation. */
#include "buf.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void alloc_fail(size_t n)
{
	fprintf(stderr, "newsdb: fatal: out of memory (%zu bytes)\n", n);
	abort();
}

void *nd_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		alloc_fail(n);
	return p;
}

void *nd_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		alloc_fail(n * size);
	return p;
}

void *nd_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		alloc_fail(n);
	return q;
}

char *nd_xstrndup(const char *s, size_t n)
{
	char *p = nd_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *nd_xstrdup(const char *s)
{
	return nd_xstrndup(s, strlen(s));
}

static void grow(struct nd_buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	b->data = nd_xrealloc(b->data, cap);
	b->cap = cap;
}

void nd_buf_add(struct nd_buf *b, const void *data, size_t len)
{
	assert(b && (data || !len));
	grow(b, len);
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void nd_buf_adds(struct nd_buf *b, const char *s)
{
	assert(s);
	nd_buf_add(b, s, strlen(s));
}

void nd_buf_addc(struct nd_buf *b, char c)
{
	nd_buf_add(b, &c, 1);
}

void nd_buf_addf(struct nd_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void nd_buf_reset(struct nd_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

const char *nd_buf_str(const struct nd_buf *b)
{
	return b->data ? b->data : "";
}

char *nd_buf_detach(struct nd_buf *b)
{
	char *s = b->data ? b->data : nd_xstrdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

void nd_buf_release(struct nd_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
