#include "ratelimit.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

#define SLOTS 4096

struct slot {
	char addr[64];
	int64_t start;
	int count;
};

struct ratelimit {
	pthread_mutex_t lock;
	int max, window;
	struct slot s[SLOTS];
};

struct ratelimit *ratelimit_new(int max, int window_s)
{
	struct ratelimit *r = xcalloc(1, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	r->max = max;
	r->window = window_s;
	return r;
}

void ratelimit_free(struct ratelimit *r)
{
	if (!r)
		return;
	pthread_mutex_destroy(&r->lock);
	free(r);
}

int ratelimit_take(struct ratelimit *r, const char *addr)
{
	uint32_t h = 2166136261u;
	struct slot *s;
	int64_t now = util_now();
	int ok;

	for (const char *p = addr; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	pthread_mutex_lock(&r->lock);
	s = &r->s[h % SLOTS];
	if (strcmp(s->addr, addr) || now - s->start >= r->window) {
		snprintf(s->addr, sizeof(s->addr), "%s", addr);
		s->start = now;
		s->count = 0;
	}
	ok = s->count < r->max;
	if (ok)
		s->count++;
	pthread_mutex_unlock(&r->lock);
	return ok;
}
