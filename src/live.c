#include "live.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

struct live_sub {
	struct chan *chan;
	void (*wake)(void *);
	void *wake_ctx;
	uint64_t seen;
	struct live_sub *next;
};

struct chan {
	int64_t key;
	uint64_t seq;
	char *text;
	int dirty;
	int64_t flushed_us;
	struct live_sub *subs;
	struct chan *next;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct chan *chans;
static live_build_fn build_fn;
static void *build_ctx;
static pthread_t thread;
static int running, stopping, nsubs;
static uint64_t next_seq;

static struct chan *find(int64_t key)
{
	for (struct chan *c = chans; c; c = c->next)
		if (c->key == key)
			return c;
	return NULL;
}

static void wait_until(int64_t mono_us)
{
	struct timespec ts;
	int64_t wait = mono_us - util_mono_us();
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += wait / 1000000;
	ts.tv_nsec += (long)(wait % 1000000) * 1000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(&cv, &mu, &ts);
}

static void *loop(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	while (!stopping) {
		struct chan *due = NULL;
		int64_t now = util_mono_us(), soonest = 0;
		for (struct chan *c = chans; c; c = c->next) {
			if (!c->dirty)
				continue;
			int64_t at = c->flushed_us + LIVE_COALESCE_MS * 1000;
			if (at <= now) {
				due = c;
				break;
			}
			if (!soonest || at < soonest)
				soonest = at;
		}
		if (!due) {
			if (soonest)
				wait_until(soonest);
			else
				pthread_cond_wait(&cv, &mu);
			continue;
		}
		int64_t key = due->key;
		due->dirty = 0;
		due->flushed_us = now;
		pthread_mutex_unlock(&mu);
		json_t *snap = build_fn(build_ctx, key);
		pthread_mutex_lock(&mu);
		struct chan *c = find(key); /* it may have lost its last watcher meanwhile */
		if (c && snap) {
			c->seq = ++next_seq;
			json_object_set_new(snap, "seq", json_integer((json_int_t)c->seq));
			free(c->text);
			c->text = json_dumps(snap, JSON_COMPACT);
			for (struct live_sub *s = c->subs; s; s = s->next)
				s->wake(s->wake_ctx);
		}
		json_decref(snap);
	}
	pthread_mutex_unlock(&mu);
	return NULL;
}

void live_start(live_build_fn build, void *ctx)
{
	pthread_mutex_lock(&mu);
	if (!running) {
		build_fn = build;
		build_ctx = ctx;
		stopping = 0;
		running = pthread_create(&thread, NULL, loop, NULL) == 0;
	}
	pthread_mutex_unlock(&mu);
}

void live_stop(void)
{
	pthread_mutex_lock(&mu);
	if (!running) {
		pthread_mutex_unlock(&mu);
		return;
	}
	stopping = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	pthread_join(thread, NULL);
	pthread_mutex_lock(&mu);
	running = 0;
	pthread_mutex_unlock(&mu);
}

void live_publish(int64_t key)
{
	pthread_mutex_lock(&mu);
	struct chan *c = running ? find(key) : NULL;
	if (c && !c->dirty) {
		c->dirty = 1;
		pthread_cond_signal(&cv);
	}
	pthread_mutex_unlock(&mu);
}

struct live_sub *live_subscribe(int64_t key, void (*wake)(void *), void *wake_ctx)
{
	struct live_sub *s = xcalloc(1, sizeof(*s));
	s->wake = wake;
	s->wake_ctx = wake_ctx;
	pthread_mutex_lock(&mu);
	struct chan *c = find(key);
	if (!c) {
		c = xcalloc(1, sizeof(*c));
		c->key = key;
		c->next = chans;
		chans = c;
		c->dirty = 1; /* the first watcher needs a snapshot */
		pthread_cond_signal(&cv);
	}
	s->chan = c;
	s->next = c->subs;
	c->subs = s;
	nsubs++;
	pthread_mutex_unlock(&mu);
	return s;
}

void live_unsubscribe(struct live_sub *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&mu);
	struct chan *c = s->chan;
	for (struct live_sub **p = &c->subs; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			break;
		}
	nsubs--;
	if (!c->subs) {
		for (struct chan **p = &chans; *p; p = &(*p)->next)
			if (*p == c) {
				*p = c->next;
				break;
			}
		free(c->text);
		free(c);
	}
	pthread_mutex_unlock(&mu);
	free(s);
}

int live_read(struct live_sub *s, char **text, uint64_t *seq)
{
	int got = 0;
	pthread_mutex_lock(&mu);
	if (s->chan->text && s->chan->seq > s->seen) {
		*text = xstrdup(s->chan->text);
		*seq = s->seen = s->chan->seq;
		got = 1;
	}
	pthread_mutex_unlock(&mu);
	return got;
}

int live_subscribers(void)
{
	int n;
	pthread_mutex_lock(&mu);
	n = nsubs;
	pthread_mutex_unlock(&mu);
	return n;
}
