/* ratelimit.h: counters of events per subject over a window, kept in the database (table
 * rate_counts) so that every server of one database shares them: the public forms' limits per
 * address and the failed phone proofs per tracking code. A window opens at the subject's first
 * event and lasts window_s; the background jobs drop windows that have ended. */
#ifndef RENDA_RATELIMIT_H
#define RENDA_RATELIMIT_H

#include <stdint.h>

#include "db.h"

/* Counts one event of kind for subject (one atomic upsert) and sets *hits to the events of the
 * current window, this one included. Inside a transaction it is undone with it. */
int ratelimit_hit(struct db_conn *c, const char *kind, const char *subject, int window_s,
		  int64_t *hits, struct err *e) WUR;
/* The events of kind for subject in the current window (0 if none), without counting. */
int ratelimit_count(struct db_conn *c, const char *kind, const char *subject, int window_s,
		    int64_t *hits, struct err *e) WUR;
/* Counts one event by ratelimit_hit; E_RATE "rate_limited" with a message naming what (e.g.
 * "查询") once more than max events fall in the window. */
int ratelimit_limit(struct db_conn *c, const char *kind, const char *subject, int max, int window_s,
		    const char *what, struct err *e) WUR;
/* ratelimit_limit in a statement of its own, on a connection of db's pool. */
int ratelimit_take(struct db *db, const char *kind, const char *subject, int max, int window_s,
		   const char *what, struct err *e) WUR;
/* Drops the windows that began more than keep_s ago (keep_s: the longest window in use). */
int ratelimit_sweep(struct db_conn *c, int keep_s, struct err *e) WUR;

#endif
