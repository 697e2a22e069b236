/* cache.h: a small direct-mapped cache of short-lived copies of hot reads (a session's actor,
 * a region's JSON), so that the common authenticated GET does not go to the database.
 * Entries expire after a TTL, which bounds how stale another server process's view may be;
 * writes in this process invalidate at once. Thread-safe; values are copied in and out. */
#ifndef RENDA_CACHE_H
#define RENDA_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct cache;

/* The caches each database handle carries (db_cache), one per hot read. */
enum cache_slot { CACHE_SESSIONS, CACHE_REGIONS, CACHE_SETTINGS, CACHE_HOLIDAYS, CACHE_NSLOTS };
#define CACHE_TTL_MS 1000 /* what another server process may see late after a write */

/* A cache of `slots` entries (rounded up to a power of two) living ttl_ms. Owned by the caller. */
struct cache *cache_new(size_t slots, int ttl_ms);
void cache_free(struct cache *c);
/* Copies the value for key into a new malloc'd buffer (*out, *len); 1 on a hit, 0 on a miss. */
int cache_get(struct cache *c, const char *key, void **out, size_t *len) WUR;
void cache_put(struct cache *c, const char *key, const void *val, size_t len);
void cache_del(struct cache *c, const char *key);
/* Invalidates every entry. */
void cache_clear(struct cache *c);

#endif
