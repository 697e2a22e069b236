/* api_meeting.c: meetings, attendance, votes, elections, records and the live screen (SSE).
 * Translation only: every rule is in meeting.c, attendance.c, vote.c and election.c, the
 * broadcast in live.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "limit.h"
#include "live.h"
#include "meeting.h"

static int kinds_(struct call *c)
{
	return meeting_kinds(&c->out, &c->err);
}

static int list(struct call *c)
{
	struct meeting_filter f = {0};
	struct listq q;
	int rc;
	if ((rc = api_listq(c, &q)) || (rc = api_qstr(c, "region", &f.region)) ||
	    (rc = api_qstr(c, "state", &f.state)) || (rc = api_qstr(c, "kind", &f.kind)) ||
	    (rc = api_qstr(c, "from", &f.from)) || (rc = api_qstr(c, "to", &f.to)) ||
	    (rc = api_qstr(c, "signin", &f.signin)))
		return rc;
	return meeting_list(c->app->db, &c->actor, &f, &q, &c->out, &c->err);
}

API_CREATE(create, meeting_create)

API_GET_ID(get, meeting_get)
API_BY_ID(update, meeting_update, 0)
API_BY_ID(act, meeting_act, 0)
API_BY_ID(item_add, meeting_item_add, 201)
API_GET_ID(attendance, meeting_attendance)
API_BY_ID(attend, meeting_attend, 0)
API_BY_ID(attend_batch, meeting_attend_batch, 0)
API_BY_ID(vote_new, vote_create, 201)
API_GET_ID(vote_one, vote_get)
API_BY_ID(vote_action, vote_act, 0)
API_BY_ID(vote_count, vote_tally, 0)
API_BY_ID(election_new, election_create, 201)
API_GET_ID(election_one, election_get)
API_BY_ID(candidate, round_candidate_add, 201)
API_BY_ID(round_action, round_act, 0)
API_BY_ID(ballot, round_ballot, 0)
API_BY_ID(paper_issued, round_paper_issued, 0)
API_BY_ID(paper, round_paper, 0)
API_GET_ID(record, meeting_record)

/* A ballot waits for its group commit without holding the thread (api_wait). */
static void ballot_queue(void *ctx, void (*done)(void *arg), void *arg)
{
	vote_ballot_queue(ctx, done, arg);
}

static int ballot_end(struct call *c, void *ctx)
{
	return vote_ballot_end(ctx, &c->out, &c->err);
}

static int vote_ballot(struct call *c)
{
	struct vote_ballot *b;
	int64_t id;
	int rc;
	if ((rc = api_id(c, 0, &id)) ||
	    (rc = vote_ballot_new(c->app->db, &c->actor, id, c->in, &b, &c->err)))
		return rc;
	api_wait(c, ballot_queue, ballot_end, b);
	return 0;
}

static int signin(struct call *c)
{
	return meeting_signin(c->app->db, &c->actor, c->in, &c->out, &c->err);
}

static int export_(struct call *c)
{
	int64_t id;
	char *data, name[4 * LIMIT_SHORT_CHARS + 16];
	size_t len;
	int rc;
	if ((rc = api_id(c, 0, &id)) ||
	    (rc = meeting_export(c->app->db, &c->actor, id, &data, &len, name, sizeof(name), &c->err)))
		return rc;
	api_file(c, data, len, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
	return 0;
}

/* ---- the live screen ---- */

static json_t *build(void *ctx, int64_t key)
{
	return meeting_live(ctx, key);
}


struct screen {
	int64_t meeting;
	struct live_sub *sub;
	int first;
	int public; /* a screen link: ends once the meeting is over */
	int done;   /* the last snapshot is sent: end the reply */
};

/* The snapshot shows a meeting that is over (closed or cancelled). */
static int snapshot_over(const char *text)
{
	json_t *o = json_loads(text, 0, NULL);
	const char *st = json_string_value(json_object_get(json_object_get(o, "meeting"), "state"));
	int over = st && (!strcmp(st, "closed") || !strcmp(st, "cancelled"));
	json_decref(o);
	return over;
}

static void wake(void *st)
{
	http_stream_wake(st);
}

static void screen_start(void *ctx, struct http_stream *st)
{
	struct screen *s = ctx;
	s->sub = live_subscribe(s->meeting, wake, st);
}

static int screen_fill(void *ctx, struct buf *out)
{
	struct screen *s = ctx;
	char *text;
	uint64_t seq;
	if (s->done)
		return -1;
	if (s->first) {
		/* tell the browser how soon to reconnect after a drop */
		buf_adds(out, "retry: 2000\n\n");
		s->first = 0;
	}
	if (live_read(s->sub, &text, &seq)) {
		buf_addf(out, "id: %llu\nevent: state\ndata: %s\n\n", (unsigned long long)seq, text);
		s->done = s->public && snapshot_over(text);
		free(text);
	}
	return 0;
}

static void screen_close(void *ctx)
{
	struct screen *s = ctx;
	live_unsubscribe(s->sub);
	free(s);
}

/* Answers with the live stream of meeting id, unless rc, the checks before it, failed. */
static int stream(struct call *c, int rc, int64_t id, int public)
{
	struct http_stream_src *src;
	struct screen *s;
	if (rc)
		return rc;
	src = xcalloc(1, sizeof(*src));
	s = xcalloc(1, sizeof(*s));
	/* the broadcast thread starts with the first screen; later calls find it running (live_start
	 * decides that under its own lock, so no request writes shared state here) */
	live_start(build, c->app->db);
	s->meeting = id;
	s->first = 1;
	s->public = public;
	src->start = screen_start;
	src->fill = screen_fill;
	src->close = screen_close;
	src->ctx = s;
	c->rep->stream = src;
	return 0;
}

static int events(struct call *c)
{
	int64_t id;
	int rc = api_id(c, 0, &id);
	if (!rc)
		rc = meeting_watch(c->app->db, &c->actor, id, &c->err);
	return stream(c, rc, id, 0);
}

static int screen_events(struct call *c)
{
	int64_t id;
	int rc = meeting_by_screen(c->app->db, c->params[0], &id, &c->err);
	return stream(c, rc, id, 1);
}

static int screen_now(struct call *c)
{
	int64_t id;
	int rc = meeting_by_screen(c->app->db, c->params[0], &id, &c->err);
	if (!rc && !(c->out = meeting_live(c->app->db, id)))
		rc = err_set(&c->err, E_NOTFOUND, "not_found", "会议不存在");
	return rc;
}

const struct route api_meeting_routes[] = {
	{"GET", "/api/v1/meeting-kinds", kinds_, 0},
	{"GET", "/api/v1/meetings", list, 0},
	{"POST", "/api/v1/meetings", create, API_BODY},
	{"POST", "/api/v1/meetings/signin", signin, API_BODY},
	{"GET", "/api/v1/meetings/:id", get, 0},
	{"PATCH", "/api/v1/meetings/:id", update, API_BODY},
	{"POST", "/api/v1/meetings/:id/actions", act, API_BODY},
	{"POST", "/api/v1/meetings/:id/items", item_add, API_BODY},
	{"GET", "/api/v1/meetings/:id/attendance", attendance, 0},
	{"POST", "/api/v1/meetings/:id/attendance", attend, API_BODY},
	{"POST", "/api/v1/meetings/:id/attendance/batch", attend_batch, API_BODY},
	{"POST", "/api/v1/meetings/:id/votes", vote_new, API_BODY},
	{"POST", "/api/v1/meetings/:id/elections", election_new, API_BODY},
	{"GET", "/api/v1/meetings/:id/record", record, 0},
	{"GET", "/api/v1/meetings/:id/export", export_, 0},
	{"GET", "/api/v1/meetings/:id/events", events, 0},
	{"GET", "/api/v1/votes/:id", vote_one, 0},
	{"POST", "/api/v1/votes/:id/actions", vote_action, API_BODY},
	{"POST", "/api/v1/votes/:id/ballots", vote_ballot, API_BODY},
	{"POST", "/api/v1/votes/:id/tally", vote_count, API_BODY},
	{"GET", "/api/v1/elections/:id", election_one, 0},
	{"POST", "/api/v1/rounds/:id/candidates", candidate, API_BODY},
	{"POST", "/api/v1/rounds/:id/actions", round_action, API_BODY},
	{"POST", "/api/v1/rounds/:id/ballots", ballot, API_BODY},
	{"POST", "/api/v1/rounds/:id/paper-issued", paper_issued, API_BODY},
	{"POST", "/api/v1/rounds/:id/paper", paper, API_BODY},
	{"GET", "/api/v1/public/screens/:token", screen_now, API_PUBLIC},
	{"GET", "/api/v1/public/screens/:token/events", screen_events, API_PUBLIC},
	{NULL, NULL, NULL, 0},
};
