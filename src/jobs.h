/* jobs.h: the server's background work, one thread: replied opinions nobody rated are closed
 * after the jurisdiction's period, handling units are told when a deadline is near, and the
 * outbox is delivered to the notification gateway (a webhook an SMS service listens on), with
 * retries and backoff so that nothing is lost while the gateway is down. */
#ifndef RENDA_JOBS_H
#define RENDA_JOBS_H

#include <stdint.h>

#include "db.h"

struct jobs_config {
	const char *webhook; /* http(s) URL the outbox is POSTed to, or NULL to keep it queued */
	int interval_s;      /* how often the jobs run */
	int retry_base_s;    /* the first retry's delay; each further one doubles, up to 6 hours */
};

struct jobs;

/* Starts the thread; the caller owns the result (jobs_stop). */
struct jobs *jobs_start(struct db *db, const struct jobs_config *cfg);
/* Stops the thread after its current pass. */
void jobs_stop(struct jobs *j);
/* One pass of every job (the thread calls it; tests may too). */
int jobs_run_once(struct db *db, const struct jobs_config *cfg, struct err *e) WUR;
/* Seconds before retry number `attempts` (1 = the first retry). */
int64_t jobs_backoff(int attempts, int base_s);

#endif
