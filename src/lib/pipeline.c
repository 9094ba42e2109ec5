/*
 * pipeline.c: worker threads over a ring of nd_prepared slots.  Slots are
 * claimed in push order and popped in push order; one mutex guards the ring,
 * since the work per file (tens of microseconds) dwarfs the locking.
 *
 * The workers outrun the writer that pops, so they sleep between files; a
 * push that woke one for each file cost the writer a futex wake-up a file
 * (3% of its CPU).  A push wakes them once a quarter of the ring waits, and a
 * pop that would wait for an item nobody took wakes them at once.
 *
 * The writer is the import's critical path, so it touches the lock as
 * little as it can: a pop takes every finished item from the head at once
 * and hands the next ones out without the lock, a push signals after
 * unlocking (a worker woken inside would only block on the mutex, and the
 * unlock would have to wake it a second time: 9% of the writer's CPU at
 * 20 000 files went to such wake-ups), and a worker broadcasts a finished
 * item only while the writer waits for one.
 */
#include "pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "frontmatter.h"
#include "hash.h"

struct nd_pipeline {
	pthread_mutex_t lock;
	pthread_cond_t work;   /* an item waits for a worker, or stop */
	pthread_cond_t done;   /* an item was finished */
	struct nd_prepared **ring;
	int cap;
	int head;              /* oldest item */
	int count;             /* items in the ring */
	int claimed;           /* items from head on that a worker has taken or was given */
	int wake_at;           /* unclaimed items a push wakes a worker for */
	bool writer_waits;     /* a pop sleeps on `done` */
	bool stop;
	/* the writer's own: finished items taken out of the ring, popped first */
	struct nd_prepared **taken;
	int n_taken, next_taken;
	pthread_t *threads;
	int n_threads;
};

struct nd_prepared *nd_prepared_new(const char *path, uint64_t size, int64_t mtime_ns)
{
	struct nd_prepared *item = nd_xcalloc(1, sizeof(*item));
	item->path = nd_xstrdup(path);
	item->size = size;
	item->mtime_ns = mtime_ns;
	return item;
}

void nd_prepared_free(struct nd_prepared *item)
{
	if (!item)
		return;
	free(item->path);
	free(item->note);
	nd_article_release(&item->article);
	free(item);
}

/* Reads a whole regular file; returns 0 or an errno value (EFBIG when over
 * the limit).  O_NONBLOCK: a file swapped for a FIFO must not hang us. */
static int read_file(const char *path, char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return errno;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		int e = S_ISREG(st.st_mode) ? errno : EINVAL;
		close(fd);
		return e;
	}
	if ((uint64_t)st.st_size > ND_MAX_FILE_BYTES) {
		close(fd);
		return EFBIG;
	}
	size_t cap = (size_t)st.st_size + 1, n = 0;
	char *buf = nd_xmalloc(cap);
	for (;;) {
		if (n == cap - 1) {
			/* the file grew while we read it: read on, within the limit */
			if (cap > ND_MAX_FILE_BYTES) {
				free(buf);
				close(fd);
				return EFBIG;
			}
			cap *= 2;
			buf = nd_xrealloc(buf, cap);
		}
		ssize_t r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(buf);
			close(fd);
			return e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

void nd_prepared_run(struct nd_prepared *item)
{
	char *data;
	size_t len;
	item->read_errno = read_file(item->path, &data, &len);
	if (item->read_errno) {
		item->outcome = ND_PREP_READ_ERROR;
		return;
	}
	nd_hash_hex(nd_hash64(data, len), item->hash);
	item->size = len;
	/* a touched file: the bytes it had, which the writer need not store
	 * again, so parsing them would be wasted */
	if (item->known_hash[0] && !strcmp(item->hash, item->known_hash)) {
		item->outcome = ND_PREP_SAME;
		free(data);
		return;
	}
	struct nd_frontmatter fm;
	switch (nd_frontmatter_parse(data, len, &fm, &item->err)) {
	case ND_FM_NOT_ARTICLE:
		item->outcome = ND_PREP_NOT_ARTICLE;
		break;
	case ND_FM_ERROR:
		item->outcome = ND_PREP_ERROR;
		break;
	default:
		item->outcome = nd_article_from_frontmatter(&item->article, &fm, &item->err) == 0
					? ND_PREP_ARTICLE
					: ND_PREP_ERROR;
		nd_frontmatter_release(&fm);
		break;
	}
	free(data);
}

static void *worker(void *arg)
{
	struct nd_pipeline *p = arg;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->stop && p->claimed == p->count)
			pthread_cond_wait(&p->work, &p->lock);
		if (p->stop)
			break;
		struct nd_prepared *item = p->ring[(p->head + p->claimed) % p->cap];
		p->claimed++;
		if (item->outcome != ND_PREP_PASS) {
			pthread_mutex_unlock(&p->lock);
			nd_prepared_run(item);
			pthread_mutex_lock(&p->lock);
		}
		item->done = true;
		if (p->writer_waits)
			pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct nd_pipeline *nd_pipeline_new(int jobs, int depth)
{
	struct nd_pipeline *p = nd_xcalloc(1, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	p->cap = depth > 0 ? depth : 1;
	p->wake_at = p->cap / 4 > 1 ? p->cap / 4 : 1;
	p->ring = nd_xcalloc((size_t)p->cap, sizeof(*p->ring));
	p->taken = nd_xcalloc((size_t)p->cap, sizeof(*p->taken));
	p->n_threads = jobs > 0 ? jobs : 1;
	p->threads = nd_xcalloc((size_t)p->n_threads, sizeof(*p->threads));
	for (int k = 0; k < p->n_threads; k++) {
		if (pthread_create(&p->threads[k], NULL, worker, p) != 0) {
			/* fewer workers still do all the work */
			p->n_threads = k;
			break;
		}
	}
	if (p->n_threads == 0)
		abort(); /* not even one thread: nothing can run */
	return p;
}

bool nd_pipeline_full(const struct nd_pipeline *p)
{
	return p->count == p->cap;
}

void nd_pipeline_push(struct nd_pipeline *p, struct nd_prepared *item)
{
	pthread_mutex_lock(&p->lock);
	p->ring[(p->head + p->count) % p->cap] = item;
	p->count++;
	bool wake = p->count - p->claimed >= p->wake_at;
	pthread_mutex_unlock(&p->lock);
	if (wake)
		pthread_cond_signal(&p->work);
}

struct nd_prepared *nd_pipeline_pop(struct nd_pipeline *p)
{
	if (p->next_taken < p->n_taken)
		return p->taken[p->next_taken++];
	pthread_mutex_lock(&p->lock);
	if (p->count == 0) {
		pthread_mutex_unlock(&p->lock);
		return NULL;
	}
	struct nd_prepared *head = p->ring[p->head];
	if (!head->done && p->claimed < p->count)
		pthread_cond_broadcast(&p->work);
	p->writer_waits = true;
	while (!head->done)
		pthread_cond_wait(&p->done, &p->lock);
	p->writer_waits = false;
	int n = 0;
	while (p->count > 0 && p->ring[p->head]->done) {
		p->taken[n++] = p->ring[p->head];
		p->ring[p->head] = NULL;
		p->head = (p->head + 1) % p->cap;
		p->count--;
		p->claimed--;
	}
	pthread_mutex_unlock(&p->lock);
	p->n_taken = n;
	p->next_taken = 1;
	return p->taken[0];
}

void nd_pipeline_free(struct nd_pipeline *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (int k = 0; k < p->n_threads; k++)
		pthread_join(p->threads[k], NULL);
	while (p->next_taken < p->n_taken)
		nd_prepared_free(p->taken[p->next_taken++]);
	while (p->count) {
		nd_prepared_free(p->ring[p->head]);
		p->head = (p->head + 1) % p->cap;
		p->count--;
	}
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->lock);
	free(p->ring);
	free(p->taken);
	free(p->threads);
	free(p);
}
