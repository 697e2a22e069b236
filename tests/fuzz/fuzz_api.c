/* libFuzzer target: every API route's parameters and JSON body, through the router and the
 * handlers down to the domain's validation and a real SQLite database with the small demo
 * city. The transport (http.c, its own target) is replaced by the accessors below, so what is
 * fuzzed is what a request carries once framed: the path, the query string and the body.
 *
 * Input: the first byte picks who asks (one of the demo accounts, logged in once at start-up,
 * or nobody); then a line "METHOD /api/v1/...?query" and the rest is the body.
 *
 * Every request must be answered without a crash, a leak or undefined behaviour, with a status
 * the API documents, never 500 (a field that reaches the database unchecked), and an error
 * must never show the database's text (table, column or constraint names). */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "api.h"
#include "auth.h"
#include "crypto.h"
#include "db.h"
#include "demo.h"
#include "http.h"
#include "util.h"

#define MAX_QUERY 64

/* The request as the transport would hand it over: decoded query parameters and headers. */
struct MHD_Connection {
	size_t nq;
	char *qname[MAX_QUERY], *qval[MAX_QUERY];
	const char *cookie; /* renda_session */
	const char *csrf;
};

static const char *const accounts[] = {"admin", "secadmin", "auditor", "city",    "county",
				       "unit",  "station",  "deputy",  "handler", NULL};
#define NACCOUNTS (sizeof(accounts) / sizeof(accounts[0]) - 1)

static struct db *db;
static struct app app;
static char tokens[NACCOUNTS][AUTH_TOKEN_HEX + 1];
static char csrfs[NACCOUNTS][72];
static char dir[64];

/* ---- the transport's accessors, without libmicrohttpd ---- */

const char *http_header(const struct http_req *q, const char *name)
{
	if (!strcasecmp(name, "Content-Type"))
		return "application/json";
	if (!strcasecmp(name, "X-CSRF-Token"))
		return q->conn->csrf;
	return NULL;
}

const char *http_query(const struct http_req *q, const char *name)
{
	for (size_t i = 0; i < q->conn->nq; i++)
		if (!strcmp(q->conn->qname[i], name))
			return q->conn->qval[i];
	return NULL;
}

/* A reply that waits (api_wait, the ballots' group commit): the transport's suspend and resume
 * become a wait on a condition here, then the reply is finished as the transport would. */
struct http_wait {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int done;
};

void http_wait_done(struct http_wait *w)
{
	pthread_mutex_lock(&w->mu);
	w->done = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

static void finish_wait(const struct http_req *q, struct http_reply *r)
{
	struct http_wait_src *src = r->wait;
	struct http_wait w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
	r->wait = NULL;
	src->start(src->ctx, &w);
	pthread_mutex_lock(&w.mu);
	while (!w.done)
		pthread_cond_wait(&w.cv, &w.mu);
	pthread_mutex_unlock(&w.mu);
	src->finish(src->ctx, q, r);
	free(src);
}

char *http_query_all(const struct http_req *q)
{
	struct buf b = BUF_INIT_CAP(1 << 16);
	char *s;
	for (size_t i = 0; i < q->conn->nq; i++)
		buf_addf(&b, "%s%s=%s", i ? "&" : "", q->conn->qname[i], q->conn->qval[i]);
	s = xstrdup(buf_failed(&b) || !b.data ? "" : b.data);
	buf_release(&b);
	return s;
}

const char *http_cookie(const struct http_req *q, const char *name)
{
	return strcmp(name, "renda_session") ? NULL : q->conn->cookie;
}

void http_reply_header(struct http_reply *r, const char *name, const char *value)
{
	if (r->nheaders >= HTTP_MAX_HEADERS)
		return;
	r->headers[r->nheaders][0] = xstrdup(name);
	r->headers[r->nheaders][1] = xstrdup(value);
	r->nheaders++;
}

void http_reply_error(struct http_reply *r, const struct err *e)
{
	r->status = err_http_status(e->kind);
	r->content_type = "application/json; charset=utf-8";
	buf_reset(&r->body);
	buf_adds(&r->body, "{\"error\":{\"code\":");
	buf_add_json_str(&r->body, e->code[0] ? e->code : "internal");
	buf_adds(&r->body, ",\"message\":");
	buf_add_json_str(&r->body, e->msg[0] ? e->msg : "服务器内部错误");
	if (e->field[0]) {
		buf_adds(&r->body, ",\"field\":");
		buf_add_json_str(&r->body, e->field);
	}
	buf_adds(&r->body, "}}");
}

void http_static(const char *web_dir, const char *path, const char *accept_encoding,
		 struct http_reply *r)
{
	struct err e;
	(void)web_dir;
	(void)path;
	(void)accept_encoding;
	err_set(&e, E_NOTFOUND, "not_found", "页面不存在");
	http_reply_error(r, &e);
}

void http_stream_wake(struct http_stream *st)
{
	(void)st;
}

int http_streams(void)
{
	return 0;
}

/* ---- set-up: the demo city in a throw-away SQLite database, one session per account ---- */

static void cleanup(void)
{
	char path[128];
	db_close(db);
	for (const char *const *s = (const char *const[]){"/t.db", "/t.db-wal", "/t.db-shm", NULL};
	     *s; s++) {
		snprintf(path, sizeof(path), "%s%s", dir, *s);
		unlink(path);
	}
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const unsigned char key[32] = {42};
	struct err e = {0};
	char url[128];
	int applied;
	(void)argc;
	(void)argv;

	if (sodium_init() < 0)
		abort();
	auth_set_cost(1, 8192); /* cheap hashes: the demo's accounts log in quickly */
	crypto_set_key(key);
	snprintf(dir, sizeof(dir), "/tmp/renda-fuzz-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(url, sizeof(url), "sqlite:%s/t.db", dir);
	if (db_open(url, 2, &db, &e) || db_migrate(db, &applied, &e) ||
	    demo_create(db, DEMO_SMALL, 1, NULL, &e)) {
		fprintf(stderr, "fuzz_api: %s\n", e.msg);
		abort();
	}
	for (size_t i = 0; i < NACCOUNTS; i++) {
		struct actor a;
		if (auth_login(db, accounts[i], DEMO_PASSWORD, "127.0.0.1", &a, tokens[i], &e)) {
			fprintf(stderr, "fuzz_api: login %s: %s\n", accounts[i], e.msg);
			abort();
		}
		memcpy(csrfs[i], a.csrf_token, sizeof(csrfs[i]));
	}
	app.db = db;
	app.public_url = "http://127.0.0.1:8080";
	app.submit_rate = 1 << 30;
	atexit(cleanup);
	return 0;
}

/* ---- one request ---- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decodes s[0..n) as libmicrohttpd does ('+' is a space); NULL when the result
 * holds a NUL, which a C string cannot carry. */
static char *decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			*o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			*o++ = s[i] == '+' ? ' ' : s[i];
		}
	}
	*o = '\0';
	if (memchr(out, '\0', (size_t)(o - out))) {
		free(out);
		return NULL;
	}
	return out;
}

static void parse_query(struct MHD_Connection *c, const char *s, size_t n)
{
	while (n && c->nq < MAX_QUERY) {
		const char *amp = memchr(s, '&', n);
		size_t len = amp ? (size_t)(amp - s) : n;
		const char *eq = memchr(s, '=', len);
		size_t klen = eq ? (size_t)(eq - s) : len;
		char *k = decode(s, klen), *v = eq ? decode(eq + 1, len - klen - 1) : xstrdup("");
		if (k && v) {
			c->qname[c->nq] = k;
			c->qval[c->nq] = v;
			c->nq++;
		} else {
			free(k);
			free(v);
		}
		s += len;
		n -= len;
		if (amp) {
			s++;
			n--;
		}
	}
}

static int allowed_status(int s)
{
	switch (s) {
	case 200:
	case 201:
	case 204:
	case 400:
	case 401:
	case 403:
	case 404:
	case 405:
	case 409:
	case 413:
	case 415:
	case 422:
	case 423:
	case 429:
	case 503: /* busy: another import is being read */
		return 1;
	}
	return 0;
}

/* The reply holds words of the database's errors that the request did not (messages may
 * quote what was sent). */
static int sent(const char *w, const uint8_t *in, size_t in_len, const char *path,
		const struct MHD_Connection *c)
{
	if (memmem(in, in_len, w, strlen(w)) || strstr(path, w))
		return 1;
	for (size_t i = 0; i < c->nq; i++)
		if (strstr(c->qname[i], w) || strstr(c->qval[i], w))
			return 1;
	return 0;
}

static int shows_sql(const struct buf *r, const uint8_t *in, size_t in_len, const char *path,
		     const struct MHD_Connection *c)
{
	static const char *const words[] = {"constraint", "CONSTRAINT",   "SQLITE",  "sqlite",
					    "violates",   "syntax error", "no such", NULL};
	for (const char *const *w = words; *w; w++)
		if (memmem(r->data, r->len, *w, strlen(*w)) && !sent(*w, in, in_len, path, c))
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct MHD_Connection conn = {0};
	struct http_req q = {0};
	struct http_reply r = {0};
	const char *p, *nl, *sp, *qm;
	char method[8], *path, *body;
	size_t line, who;

	if (size < 2)
		return 0;
	who = data[0] % (NACCOUNTS + 1);
	p = (const char *)data + 1;
	size--;
	nl = memchr(p, '\n', size);
	line = nl ? (size_t)(nl - p) : size;
	sp = memchr(p, ' ', line);
	if (!sp || (size_t)(sp - p) >= sizeof(method) || memchr(p, '\0', line))
		return 0;
	memcpy(method, p, (size_t)(sp - p));
	method[sp - p] = '\0';
	sp++;
	qm = memchr(sp, '?', line - (size_t)(sp - p));
	path = decode(sp, (size_t)((qm ? qm : p + line) - sp));
	if (!path)
		return 0;
	/* Logging out or changing a password would end the sessions the next inputs use; a live
	 * screen's stream starts the broadcast thread, whose snapshots outlive the request. */
	if (strstr(path, "/session") || strstr(path, "password") || strstr(path, "/events")) {
		free(path);
		return 0;
	}
	if (qm)
		parse_query(&conn, qm + 1, (size_t)(p + line - qm - 1));
	q.body_len = nl ? size - line - 1 : 0;
	body = xmalloc(q.body_len + 1);
	memcpy(body, nl ? nl + 1 : "", q.body_len);
	body[q.body_len] = '\0';
	if (who < NACCOUNTS) {
		conn.cookie = tokens[who];
		conn.csrf = csrfs[who];
	}
	q.conn = &conn;
	q.method = method;
	q.path = path;
	q.body = body;
	snprintf(q.client_addr, sizeof(q.client_addr), "127.0.0.1");
	buf_init(&r.body, 64u << 20);

	api_handle(&app, &q, &r);
	if (r.wait)
		finish_wait(&q, &r);
	if (!r.status)
		r.status = 200;
	if (!allowed_status(r.status)) {
		fprintf(stderr, "fuzz_api: %s %s: status %d %.*s\n", method, path, r.status,
			(int)r.body.len, r.body.data);
		abort();
	}
	if (r.status >= 400 && shows_sql(&r.body, data, size + 1, path, &conn)) {
		fprintf(stderr, "fuzz_api: %s %s: %.*s\n", method, path, (int)r.body.len, r.body.data);
		abort(); /* the database's text reached the user */
	}

	buf_release(&r.body);
	for (int i = 0; i < r.nheaders; i++) {
		free(r.headers[i][0]);
		free(r.headers[i][1]);
	}
	free(r.file_path);
	if (r.stream) {
		r.stream->close(r.stream->ctx);
		free(r.stream);
	}
	for (size_t i = 0; i < conn.nq; i++) {
		free(conn.qname[i]);
		free(conn.qval[i]);
	}
	free(body);
	free(path);
	return 0;
}
