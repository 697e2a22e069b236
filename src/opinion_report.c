/* opinion_report.c: what is read out of the opinions for the office: the due board (work in
 * hand by handling unit, near and past its deadline) and the hot topics of a period. The loop
 * itself (intake, steps, tracking) is opinion.c. */
#include "opinion.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "opinion_stats.h"
#include "region.h"
#include "role.h"
#include "settings.h"
#include "words.h"

struct board {
	json_t *byHandler;
	const struct workcal *w;
	int warn;
	int32_t today;
	int64_t open, warned, overdue;
};

static int board_row(void *ctx, int n, const char *const *c)
{
	struct board *b = ctx;
	json_t *h = json_object_get(b->byHandler, c[0]);
	int32_t d;
	(void)n;
	if (!h) {
		h = json_pack("{s:I, s:s, s:s, s:I, s:I, s:I}", "handler_id",
			      (json_int_t)strtoll(c[0], NULL, 10), "handler_name", c[1] ? c[1] : "",
			      "region_name", c[3] ? c[3] : "", "open", (json_int_t)0, "warn",
			      (json_int_t)0, "overdue", (json_int_t)0);
		json_object_set_new(b->byHandler, c[0], h);
	}
	json_object_set_new(h, "open", json_integer(json_integer_value(json_object_get(h, "open")) + 1));
	b->open++;
	if (c[2] && !cal_parse(c[2], &d)) {
		if (b->today > d) {
			json_object_set_new(
				h, "overdue",
				json_integer(json_integer_value(json_object_get(h, "overdue")) + 1));
			b->overdue++;
		} else if (cal_workdays_between(b->w, b->today, d) <= b->warn) {
			json_object_set_new(h, "warn",
					    json_integer(json_integer_value(json_object_get(h, "warn")) + 1));
			b->warned++;
		}
	}
	return 0;
}

int opinion_due_board(struct db *db, const struct actor *a, const char *region, json_t **out, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	struct db_params p;
	struct holidays h = {0};
	struct workcal wc;
	struct board b = {0};
	char path[160], pat[REGION_PATTERN_MAX], limit[11];
	int rc;
	const char *k;
	json_t *v, *items;

	*out = NULL;
	if (!role_can(a->role, PERM_OPINION_READ)) {
		rc = err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能查看督办看板");
		goto out;
	}
	if ((rc = region_filter_path(c, a, region, path, sizeof(path), e)))
		goto out;
	if ((rc = opinion_warn_limit(c, path, limit, &b.warn, &wc, &h, e)))
		goto out;
	b.w = &wc;
	b.today = cal_today();
	b.byHandler = json_object();
	region_like_pattern(path, pat, sizeof(pat));
	db_params_init(&p);
	db_ps(&p, pat);
	if ((rc = db_each(c,
			  "SELECT o.handler_id, h.name, o.deadline, hr.name FROM opinions o"
			  " JOIN handlers h ON h.id = o.handler_id JOIN regions hr ON hr.code = h.region_code"
			  " WHERE o.region_path LIKE ? AND o.state IN ('assigned','accepted')",
			  &p, board_row, &b, e)))
		goto out;
	items = json_array();
	json_object_foreach(b.byHandler, k, v)
		json_array_append(items, v);
	*out = json_pack("{s:I, s:I, s:I, s:o}", "open", (json_int_t)b.open, "warn",
			 (json_int_t)b.warned, "overdue", (json_int_t)b.overdue, "handlers", items);
out:
	json_decref(b.byHandler);
	holidays_free(&h);
	db_release(db, c);
	return rc;
}

/* The frequent terms: the words (words.h: dictionary words and place names, stop words left
 * out) of the newest opinions of the period, their bodies and places, counted in an
 * open-addressing table keyed by a hash of the word. The words are read as segmented at intake
 * (the column words); an opinion stored before that column is segmented here until the
 * background jobs have filled it. */
#define TERMS_SAMPLE \
	20000 /* the newest opinions read: a sample is enough for the top terms; with the stored
	       * words the whole view of a year is about 20 ms on SQLite (medium demo), segmenting
	       * 20,000 at the read took 220 ms (docs/performance.md) */
#define TERMS_SLOTS (1u << 18) /* at most 131,072 different terms */
#define TERMS_TOP 30
#define TERM_BYTES 24 /* a longer word (an ASCII run) is not counted */

struct term_slot {
	uint64_t key; /* the word's hash; 0 for a free slot */
	uint32_t count;
	uint32_t first; /* order of first sight, which breaks ties */
	char word[TERM_BYTES];
};

struct terms {
	struct term_slot *slot;
	uint32_t size, used; /* size a power of two, at most half used */
};

static uint64_t term_key(const char *w, size_t len)
{
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)w[i]) * 1099511628211ULL;
	return h ? h : 1;
}

static struct term_slot *term_find(struct term_slot *slot, uint32_t size, uint64_t k)
{
	uint32_t h = (uint32_t)((k * 0x9E3779B97F4A7C15ULL) >> 32) & (size - 1);
	while (slot[h].key && slot[h].key != k)
		h = (h + 1) & (size - 1);
	return &slot[h];
}

/* The slot of key, taken if new (the table doubles when half full); NULL past the cap. */
static struct term_slot *term_slot(struct terms *t, uint64_t k)
{
	struct term_slot *s = term_find(t->slot, t->size, k);
	if (s->key)
		return s;
	if (t->used >= t->size / 2) {
		struct term_slot *old = t->slot;
		uint32_t n = t->size;
		if (n >= TERMS_SLOTS)
			return NULL;
		t->size *= 2;
		t->slot = xcalloc(t->size, sizeof(*t->slot));
		for (uint32_t i = 0; i < n; i++)
			if (old[i].key)
				*term_find(t->slot, t->size, old[i].key) = old[i];
		free(old);
		s = term_find(t->slot, t->size, k);
	}
	s->key = k;
	s->first = t->used++;
	return s;
}

static void term_word(void *ctx, const char *w, size_t len)
{
	struct term_slot *s;
	if (len >= TERM_BYTES || !(s = term_slot(ctx, term_key(w, len))))
		return;
	if (!s->count)
		memcpy(s->word, w, len);
	s->count++;
}

static int term_row(void *ctx, int n, const char *const *c)
{
	(void)n;
	if (c[2]) {
		words_split(c[2], term_word, ctx); /* the words stored at intake */
		return 0;
	}
	words_each(c[0], term_word, ctx); /* the body */
	words_each(c[1], term_word, ctx); /* the place */
	return 0;
}

int opinion_words_fill(struct db_conn *c, int max, int *filled, struct err *e)
{
	struct db_res *r = NULL;
	struct buf *w = NULL;
	int rc, n = 0;

	*filled = 0;
	/* read and segmented outside the transaction: only the updates hold the write lock */
	if ((rc = db_execv(c, &r, e, "SELECT id, body, place FROM opinions WHERE words IS NULL ORDER BY id DESC LIMIT ?",
			   "i", (int64_t)max)))
		return rc;
	n = r->nrows;
	w = xcalloc(n ? (size_t)n : 1, sizeof(*w));
	for (int i = 0; i < n; i++) {
		buf_init(&w[i], 64 * 1024);
		words_join(db_val(r, i, 1), db_val(r, i, 2), &w[i]);
	}
	if (n && !(rc = db_begin(c, e))) {
		for (int i = 0; i < n && !rc; i++)
			if (!buf_failed(&w[i])) /* too long to keep: segmented at each read as before */
				rc = db_execv(c, NULL, e, "UPDATE opinions SET words = ? WHERE id = ? AND words IS NULL",
					      "si", w[i].data, db_int(r, i, 0));
		if (!rc && !(rc = db_commit(c, e)))
			*filled = n;
		db_rollback(c);
	}
	for (int i = 0; i < n; i++)
		buf_release(&w[i]);
	free(w);
	db_res_free(r);
	return rc;
}

static int by_count(const void *a, const void *b)
{
	const struct term_slot *x = a, *y = b;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->first < y->first ? -1 : x->first > y->first;
}

int opinion_hot(struct db *db, const struct actor *a, const char *region, const char *from,
		const char *to, json_t **out, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	struct db_params p;
	struct terms t = {0};
	char path[160], pat[REGION_PATTERN_MAX], sql[384];
	int32_t f, tt;
	int rc;
	json_t *cats = NULL, *stations = NULL, *places = NULL, *terms;

	*out = NULL;
	if (!role_can(a->role, PERM_OPINION_READ) && !role_is_deputy(a->role)) {
		rc = err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能查看热点");
		goto out;
	}
	tt = cal_today();
	f = tt - 90;
	if ((from && *from && cal_parse(from, &f)) || (to && *to && cal_parse(to, &tt)) || tt < f) {
		rc = err_field(e, E_INVALID, "bad_param", "from", "时间范围无效（YYYY-MM-DD）");
		goto out;
	}
	if ((rc = region_filter_path(c, a, region, path, sizeof(path), e)))
		goto out;
	/* Counts from the aggregates, within one consistent read. */
	if ((rc = db_begin_read(c, e)) ||
	    (rc = opinion_stats_read(c, path, OPINION_STAT_CATEGORY, f, tt, 0, &cats, e)) ||
	    (rc = opinion_stats_read(c, path, OPINION_STAT_STATION, f, tt, 10, &stations, e)) ||
	    (rc = opinion_stats_read(c, path, OPINION_STAT_PLACE, f, tt, 10, &places, e)))
		goto out;
	region_like_pattern(path, pat, sizeof(pat));
	db_params_init(&p);
	db_ps(&p, pat);
	db_pi(&p, cal_day_start(f));
	db_pi(&p, cal_day_start(tt + 1));
	db_pi(&p, TERMS_SAMPLE);
	t.size = 1024;
	t.slot = xcalloc(t.size, sizeof(*t.slot));
	/* Newest first by id (the order of creation), not through an index on the place or the
	 * date, which would sort the whole period before the first row; PostgreSQL estimates the
	 * plain conditions and walks the primary key backwards by itself. */
	snprintf(sql, sizeof(sql),
		 "SELECT CASE WHEN o.words IS NULL THEN o.body END, CASE WHEN o.words IS NULL THEN o.place END,"
		 " o.words FROM opinions o WHERE %so.region_path LIKE ?"
		 " AND %so.created_at >= ? AND %so.created_at < ? ORDER BY o.id DESC LIMIT ?",
		 db_noindex(c), db_noindex(c), db_noindex(c));
	if ((rc = db_each(c, sql, &p, term_row, &t, e)))
		goto out;
	{
		uint32_t k = 0;
		for (uint32_t i = 0; i < t.size; i++)
			if (t.slot[i].key)
				t.slot[k++] = t.slot[i];
		qsort(t.slot, k, sizeof(*t.slot), by_count);
		terms = json_array();
		for (uint32_t i = 0; i < k && i < TERMS_TOP; i++) {
			json_array_append_new(terms, json_pack("{s:s, s:I}", "term", t.slot[i].word,
							       "count", (json_int_t)t.slot[i].count));
		}
	}
	{
		char fs[11], ts[11];
		cal_format(f, fs);
		cal_format(tt, ts);
		*out = json_pack("{s:s, s:s, s:O, s:O, s:O, s:o}", "from", fs, "to", ts, "categories",
				 cats, "stations", stations, "places", places, "terms", terms);
	}
out:
	json_decref(cats);
	json_decref(stations);
	json_decref(places);
	free(t.slot);
	db_rollback(c);
	db_release(db, c);
	return rc;
}
