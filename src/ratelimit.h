/* ratelimit.h: per-address counters over a fixed window, for the public forms that take no
 * login. In memory, per process; a slot is reused by the next address that hashes to it. */
#ifndef RENDA_RATELIMIT_H
#define RENDA_RATELIMIT_H

#include <stdint.h>

struct ratelimit;

struct ratelimit *ratelimit_new(int max, int window_s);
void ratelimit_free(struct ratelimit *r);
/* Counts one event for addr; 1 if it is allowed, 0 past the limit within the window. */
int ratelimit_take(struct ratelimit *r, const char *addr);

#endif
