#include "jobs.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "booking.h"
#include "calendar.h"
#include "crypto.h"
#include "notice.h"
#include "limit.h"
#include "opinion.h"
#include "ratelimit.h"
#include "settings.h"

#define OUTBOX_BATCH 20
#define BACKOFF_MAX_S (6 * 3600)

struct jobs {
	struct db *db;
	struct jobs_config cfg;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stop;
};

int64_t jobs_backoff(int attempts, int base_s)
{
	int64_t d = base_s > 0 ? base_s : 30;
	for (int i = 1; i < attempts && d < BACKOFF_MAX_S; i++)
		d *= 2;
	return d > BACKOFF_MAX_S ? BACKOFF_MAX_S : d;
}

/* One pass of a job over the opinions sql selects (at most 1000): fn(c, r, i, calendar, today, e)
 * on each row in turn, with the jurisdiction's working calendar, until one fails. */
typedef int (*pass_fn)(struct db_conn *c, const struct db_res *r, int i, const struct workcal *cal,
		       int32_t today, struct err *e);
static int each_opinion(struct db_conn *c, const char *sql, pass_fn fn, struct err *e)
{
	struct holidays h;
	struct db_res *r = NULL;
	int32_t today = cal_today();
	int rc;

	if ((rc = holidays_load(c, &h, e)))
		return rc;
	if (!(rc = db_exec(c, sql, NULL, &r, e)))
		for (int i = 0; i < r->nrows && !rc; i++)
			rc = fn(c, r, i, &h.cal, today, e);
	db_res_free(r);
	holidays_free(&h);
	return rc;
}

/* Closes a replied opinion (id, region_path, replied_at) left unrated past
 * opinion.close_after_days working days, through the opinion's step "auto_close" in a transaction
 * of its own, audited as the system's. One rated or closed meanwhile is left as it is. */
static int close_unrated(struct db_conn *c, const struct db_res *r, int i,
			 const struct workcal *cal, int32_t today, struct err *e)
{
	int days, rc;

	if ((rc = settings_int(c, db_val(r, i, 1), "opinion.close_after_days", &days, e)))
		return rc;
	if (!opinion_unrated_expired(cal, cal_day_of(db_int(r, i, 2)), today, days))
		return 0;
	if (!(rc = db_begin(c, e)) && !(rc = opinion_auto_close(c, db_int(r, i, 0), e)))
		rc = db_commit(c, e);
	db_rollback(c);
	return rc == E_CONFLICT ? 0 : rc; /* its citizen rated it meanwhile, or staff closed it */
}

/* Tells the handling unit of an opinion (id, region_path, deadline, handler_id) once when its
 * deadline is within opinion.warn_days. */
static int warn_due(struct db_conn *c, const struct db_res *r, int i, const struct workcal *cal,
		    int32_t today, struct err *e)
{
	int32_t d;
	int warn, rc;
	char link[48];

	if (cal_parse(db_val(r, i, 2), &d))
		return 0;
	if ((rc = settings_int(c, db_val(r, i, 1), "opinion.warn_days", &warn, e)))
		return rc;
	if (today <= d && cal_workdays_between(cal, today, d) > warn)
		return 0;
	notice_link("opinions", db_int(r, i, 0), link, sizeof(link));
	if ((rc = notice_handler(c, db_int(r, i, 3), "due",
				 today > d ? "已逾期的群众意见，请尽快办理" : "群众意见即将到期，请按时办理",
				 link, e)))
		return rc;
	return db_execv(c, NULL, e, "UPDATE opinions SET warned_at = ? WHERE id = ?", "ii",
			util_now(), db_int(r, i, 0));
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

/* POSTs one message; 0 on a 2xx answer, else an error text in err. */
static int post(const char *url, const char *body, char *err, size_t errlen)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hdr = NULL;
	long status = 0;
	CURLcode cc;

	if (!h) {
		snprintf(err, errlen, "curl init failed");
		return -1;
	}
	hdr = curl_slist_append(hdr, "Content-Type: application/json; charset=utf-8");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	cc = curl_easy_perform(h);
	if (cc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	if (cc != CURLE_OK) {
		snprintf(err, errlen, "%s", curl_easy_strerror(cc));
		return -1;
	}
	if (status < 200 || status >= 300) {
		snprintf(err, errlen, "HTTP %ld", status);
		return -1;
	}
	return 0;
}

/* The message as the gateway receives it: the citizen's phone opened only now. */
static char *message(const char *payload)
{
	json_t *o = json_loads(payload, 0, NULL);
	const char *sealed = o ? json_string_value(json_object_get(o, "phone_sealed")) : NULL;
	char *out, *phone = NULL;
	struct err ignore;

	if (!o)
		return NULL;
	if (sealed && !crypto_open(sealed, &phone, &ignore))
		json_object_set_new(o, "to", json_string(phone));
	json_object_del(o, "phone_sealed");
	free(phone);
	out = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return out;
}

static int deliver(struct db_conn *c, const struct jobs_config *cfg, struct err *e)
{
	struct db_res *r = NULL;
	int rc;

	if (!cfg->webhook || !*cfg->webhook)
		return 0; /* no gateway yet: messages wait in the outbox */
	if ((rc = db_execv(c, &r, e,
			   "SELECT id, payload, attempts FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ?"
			   " ORDER BY next_attempt_at, id LIMIT 20",
			   "i", util_now())))
		return rc;
	for (int i = 0; i < r->nrows; i++) {
		char err[256] = "";
		char *body = message(db_val(r, i, 1));
		int ok = body && post(cfg->webhook, body, err, sizeof(err)) == 0;
		int attempts = (int)db_int(r, i, 2) + 1;
		free(body);
		if (ok)
			rc = db_execv(c, NULL, e, "UPDATE outbox SET attempts = ?, sent_at = ?, last_error = NULL WHERE id = ?",
				      "iii", (int64_t)attempts, util_now(), db_int(r, i, 0));
		else
			rc = db_execv(c, NULL, e, "UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?",
				      "iisi", (int64_t)attempts,
				      util_now() + jobs_backoff(attempts, cfg->retry_base_s),
				      err[0] ? err : "bad payload", db_int(r, i, 0));
		if (rc)
			break;
	}
	db_res_free(r);
	return rc;
}

int jobs_run_once(struct db *db, const struct jobs_config *cfg, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	int rc;
	/* Each closure is a transaction of its own, the notices of deadlines one more; delivery
	 * commits row by row (a sent message stays sent). */
	if (!(rc = each_opinion(c,
				"SELECT id, region_path, replied_at FROM opinions WHERE state = 'replied'"
				" AND replied_at IS NOT NULL ORDER BY replied_at, id LIMIT 1000",
				close_unrated, e)) &&
	    !(rc = db_begin(c, e)) &&
	    !(rc = each_opinion(c,
				"SELECT id, region_path, deadline, handler_id FROM opinions WHERE state IN ('assigned','accepted')"
				" AND warned_at IS NULL AND deadline IS NOT NULL ORDER BY deadline LIMIT 1000",
				warn_due, e)))
		rc = db_commit(c, e);
	db_rollback(c);
	/* the words of opinions stored before the column words, a batch a tick */
	if (!rc) {
		int filled;
		rc = opinion_words_fill(c, LIMIT_WORDS_FILL, &filled, e);
	}
	/* the reminders of tomorrow's bookings, queued in the outbox below */
	if (!rc)
		rc = booking_remind(c, e);
	/* the rate counters' windows that have ended (the longest window kept) */
	if (!rc)
		rc = ratelimit_sweep(c, LIMIT_PUBLIC_WINDOW_S > LIMIT_LOOKUP_WAIT_S ? LIMIT_PUBLIC_WINDOW_S : LIMIT_LOOKUP_WAIT_S,
				     e);
	if (!rc)
		rc = deliver(c, cfg, e);
	db_release(db, c);
	return rc;
}

static void *loop(void *arg)
{
	struct jobs *j = arg;
	pthread_mutex_lock(&j->lock);
	while (!j->stop) {
		struct timespec until;
		struct err e = {0};
		pthread_mutex_unlock(&j->lock);
		if (jobs_run_once(j->db, &j->cfg, &e))
			fprintf(stderr, "renda: jobs: %s\n", e.msg);
		pthread_mutex_lock(&j->lock);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += j->cfg.interval_s > 0 ? j->cfg.interval_s : 60;
		if (!j->stop)
			pthread_cond_timedwait(&j->wake, &j->lock, &until);
	}
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

struct jobs *jobs_start(struct db *db, const struct jobs_config *cfg)
{
	struct jobs *j = xcalloc(1, sizeof(*j));
	j->db = db;
	j->cfg = *cfg;
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->wake, NULL);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (pthread_create(&j->thread, NULL, loop, j)) {
		free(j);
		return NULL;
	}
	return j;
}

void jobs_stop(struct jobs *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->lock);
	j->stop = 1;
	pthread_cond_signal(&j->wake);
	pthread_mutex_unlock(&j->lock);
	pthread_join(j->thread, NULL);
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->wake);
	curl_global_cleanup();
	free(j);
}
