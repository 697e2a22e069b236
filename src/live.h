/* live.h: per-channel broadcast of a state snapshot (the live screen of a meeting). A writer
 * calls live_publish(key) after its commit; one background thread rebuilds the channel's
 * snapshot at most every LIVE_COALESCE_MS and wakes every subscriber, which reads the newest
 * snapshot with live_read. Subscribers cost no thread while they wait. Channels exist only while
 * someone watches. Knows nothing of HTTP or of meetings. */
#ifndef RENDA_LIVE_H
#define RENDA_LIVE_H

#include <jansson.h>
#include <stdint.h>

#define LIVE_COALESCE_MS \
	50 /* changes within 50 ms make one event: 3,000 votes a second stay cheap */

/* Builds the snapshot of channel key: a new JSON object, or NULL when it is gone. */
typedef json_t *(*live_build_fn)(void *ctx, int64_t key);

/* Starts the thread, once: a call while it runs does nothing (safe from any thread, so that
 * the first watcher may start it). live_publish before live_start or after live_stop does
 * nothing. */
void live_start(live_build_fn build, void *ctx);
void live_stop(void);
/* Something in channel key changed (cheap: marks it dirty when it has subscribers). */
void live_publish(int64_t key);

struct live_sub;
/* Watches channel key; wake(wake_ctx) is called (from any thread, under the live lock: it must
 * not call back into live) whenever a newer snapshot is ready. Owned by the caller. */
struct live_sub *live_subscribe(int64_t key, void (*wake)(void *), void *wake_ctx);
void live_unsubscribe(struct live_sub *s);
/* When a snapshot newer than the last one read is ready: *text (malloc'd, the caller frees) is
 * its JSON with "seq" set, *seq its number; returns 1. Otherwise 0. */
int live_read(struct live_sub *s, char **text, uint64_t *seq);
/* Number of subscribers (for the benchmark and the health view). */
int live_subscribers(void);

#endif
