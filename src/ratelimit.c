#include "ratelimit.h"

#include "err.h"
#include "util.h"

int ratelimit_hit(struct db_conn *c, const char *kind, const char *subject, int window_s,
		  int64_t *hits, struct err *e)
{
	int64_t now = util_now(), cutoff = now - (int64_t)window_s;
	*hits = 0;
	/* One statement, so two servers counting the same subject at once both count: the row's
	 * lock orders them. A window that has ended starts again at this event. */
	return db_intv(c, hits, e,
		       "INSERT INTO rate_counts (kind, subject, window_start, hits) VALUES (?, ?, ?, 1)"
		       " ON CONFLICT (kind, subject) DO UPDATE SET"
		       " hits = CASE WHEN rate_counts.window_start > ? THEN rate_counts.hits + 1 ELSE 1 END,"
		       " window_start = CASE WHEN rate_counts.window_start > ?"
		       " THEN rate_counts.window_start ELSE ? END RETURNING hits",
		       "ssiiii", kind, subject, now, cutoff, cutoff, now);
}

int ratelimit_count(struct db_conn *c, const char *kind, const char *subject, int window_s,
		    int64_t *hits, struct err *e)
{
	*hits = 0;
	return db_intv(c, hits, e, "SELECT hits FROM rate_counts WHERE kind = ? AND subject = ? AND window_start > ?",
		       "ssi", kind, subject, util_now() - (int64_t)window_s);
}

int ratelimit_limit(struct db_conn *c, const char *kind, const char *subject, int max, int window_s,
		    const char *what, struct err *e)
{
	int64_t hits;
	int rc = ratelimit_hit(c, kind, subject, window_s, &hits, e);
	if (!rc && hits > max)
		rc = err_set(e, E_RATE, "rate_limited", "%s过于频繁，请%d分钟后再试", what, window_s / 60);
	return rc;
}

int ratelimit_take(struct db *db, const char *kind, const char *subject, int max, int window_s,
		   const char *what, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	int rc = ratelimit_limit(c, kind, subject, max, window_s, what, e);
	db_release(db, c);
	return rc;
}

int ratelimit_sweep(struct db_conn *c, int keep_s, struct err *e)
{
	return db_execv(c, NULL, e, "DELETE FROM rate_counts WHERE window_start <= ?", "i",
			util_now() - (int64_t)keep_s);
}
