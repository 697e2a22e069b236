#include "cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_KEY 96

struct entry {
	char key[CACHE_KEY];
	uint64_t gen;
	int64_t expires_us;
	void *val;
	size_t len;
};

struct cache {
	pthread_mutex_t lock;
	struct entry *e;
	size_t mask;
	uint64_t gen;
	int ttl_ms;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

struct cache *cache_new(size_t slots, int ttl_ms)
{
	struct cache *c = xcalloc(1, sizeof(*c));
	size_t n = 1;
	while (n < slots)
		n <<= 1;
	c->e = xcalloc(n, sizeof(*c->e));
	c->mask = n - 1;
	c->gen = 1;
	c->ttl_ms = ttl_ms;
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

void cache_free(struct cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i <= c->mask; i++)
		free(c->e[i].val);
	free(c->e);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

int cache_get(struct cache *c, const char *key, void **out, size_t *len)
{
	struct entry *e;
	int hit = 0;

	if (strlen(key) >= CACHE_KEY)
		return 0;
	pthread_mutex_lock(&c->lock);
	e = &c->e[hash(key) & c->mask];
	if (e->val && e->gen == c->gen && e->expires_us > util_mono_us() && !strcmp(e->key, key)) {
		*out = xmalloc(e->len + 1);
		memcpy(*out, e->val, e->len);
		((char *)*out)[e->len] = '\0';
		*len = e->len;
		hit = 1;
	}
	pthread_mutex_unlock(&c->lock);
	return hit;
}

void cache_put(struct cache *c, const char *key, const void *val, size_t len)
{
	struct entry *e;
	void *copy;

	if (strlen(key) >= CACHE_KEY)
		return;
	copy = xmalloc(len ? len : 1);
	memcpy(copy, val, len);
	pthread_mutex_lock(&c->lock);
	e = &c->e[hash(key) & c->mask];
	free(e->val);
	memcpy(e->key, key, strlen(key) + 1); /* length checked above */
	e->val = copy;
	e->len = len;
	e->gen = c->gen;
	e->expires_us = util_mono_us() + (int64_t)c->ttl_ms * 1000;
	pthread_mutex_unlock(&c->lock);
}

void cache_del(struct cache *c, const char *key)
{
	struct entry *e;
	pthread_mutex_lock(&c->lock);
	e = &c->e[hash(key) & c->mask];
	if (e->val && !strcmp(e->key, key)) {
		free(e->val);
		e->val = NULL;
	}
	pthread_mutex_unlock(&c->lock);
}

void cache_clear(struct cache *c)
{
	pthread_mutex_lock(&c->lock);
	c->gen++;
	pthread_mutex_unlock(&c->lock);
}
