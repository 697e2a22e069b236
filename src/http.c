#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <pthread.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "http_parse.h"
#include "limit.h"

/* A connection waiting for a request's headers, with the time they must be in by. Every
 * connection is on its server's list from accept to close; the sweeper cuts those past their
 * deadline (shutdown of the socket: MHD then reads the end and closes it itself). The list's
 * lock is held both by the sweeper and by MHD's close notice, which comes before MHD closes
 * the socket, so the descriptor shut down is never one reused by a newer connection. */
struct watch {
	int fd;
	int waiting;      /* 1 until the headers of the current request are in */
	int64_t since;    /* when it began waiting (µs, monotonic): for the per-address cap */
	int64_t deadline; /* µs, monotonic */
	int exempt;       /* a trusted proxy: its connections carry many clients */
	char addr[64];
	struct watch *prev, *next;
};

struct http_server {
	struct MHD_Daemon *d;
	http_handler fn;
	void *app;
	char *web_dir;
	int access_log;
	int idle_s;
	size_t (*body_cap)(const char *path);
	struct http_nets trusted;
	atomic_int in_flight;
	pthread_t ticker;
	int ticker_running;
	pthread_mutex_t watch_mu;
	pthread_cond_t watch_cv;
	struct watch *watches;
	pthread_t sweeper;
	int sweeper_running, sweeper_stop;
};

/* ---- streamed replies (server-sent events) ----
 * MHD calls the reader when the socket can take more. With nothing new the reader suspends the
 * connection (MHD_suspend_connection from the reader is allowed) and returns 0; a wake resumes
 * it. `woken` closes the race between a fill that found nothing and a wake before the suspend.
 * Every open stream is on one list so that the ticker can send keep-alive comments and stop
 * can end them (MHD must not be stopped with suspended connections). */
#define STREAM_PING_S 15 /* under the 30 s idle timeout of MHD and of common proxies */

struct http_stream {
	struct MHD_Connection *conn;
	struct http_stream_src src;
	pthread_mutex_t mu;
	int suspended, woken, ping, ending;
	struct buf pending;
	size_t sent; /* bytes of pending already given to MHD */
	struct http_stream *prev, *next;
};

static pthread_mutex_t streams_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t streams_cv = PTHREAD_COND_INITIALIZER;
static struct http_stream *streams;
static int nstreams, ticker_stop;

int http_streams(void)
{
	int n;
	pthread_mutex_lock(&streams_mu);
	n = nstreams;
	pthread_mutex_unlock(&streams_mu);
	return n;
}

void http_stream_wake(struct http_stream *st)
{
	pthread_mutex_lock(&st->mu);
	if (st->suspended) {
		st->suspended = 0;
		MHD_resume_connection(st->conn);
	} else {
		st->woken = 1;
	}
	pthread_mutex_unlock(&st->mu);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct http_stream *st = cls;
	(void)pos;
	for (;;) {
		if (st->sent < st->pending.len) {
			size_t n = st->pending.len - st->sent;
			if (n > max)
				n = max;
			memcpy(out, st->pending.data + st->sent, n);
			st->sent += n;
			if (st->sent == st->pending.len) {
				buf_reset(&st->pending);
				st->sent = 0;
			}
			return (ssize_t)n;
		}
		pthread_mutex_lock(&st->mu);
		int ending = st->ending, ping = st->ping;
		st->woken = st->ping = 0;
		pthread_mutex_unlock(&st->mu);
		if (ending || st->src.fill(st->src.ctx, &st->pending) < 0 || buf_failed(&st->pending))
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (st->pending.len)
			continue;
		if (ping) {
			buf_adds(&st->pending, ": ping\n\n");
			continue;
		}
		pthread_mutex_lock(&st->mu);
		if (st->woken || st->ending || st->ping) {
			pthread_mutex_unlock(&st->mu);
			continue;
		}
		st->suspended = 1;
		MHD_suspend_connection(st->conn);
		pthread_mutex_unlock(&st->mu);
		return 0;
	}
}

static void stream_free(void *cls)
{
	struct http_stream *st = cls;
	pthread_mutex_lock(&streams_mu);
	if (st->prev)
		st->prev->next = st->next;
	else
		streams = st->next;
	if (st->next)
		st->next->prev = st->prev;
	nstreams--;
	pthread_mutex_unlock(&streams_mu);
	st->src.close(st->src.ctx); /* after this no one wakes st */
	pthread_mutex_destroy(&st->mu);
	buf_release(&st->pending);
	free(st);
}

static struct MHD_Response *stream_response(struct MHD_Connection *conn, struct http_stream_src *src)
{
	struct http_stream *st = xcalloc(1, sizeof(*st));
	struct MHD_Response *resp;
	st->conn = conn;
	st->src = *src;
	pthread_mutex_init(&st->mu, NULL);
	buf_init(&st->pending, 4u << 20);
	pthread_mutex_lock(&streams_mu);
	st->next = streams;
	if (streams)
		streams->prev = st;
	streams = st;
	nstreams++;
	pthread_mutex_unlock(&streams_mu);
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, stream_read, st, stream_free);
	src->start(src->ctx, st);
	return resp;
}

/* Every stream gets a keep-alive comment every STREAM_PING_S seconds; on stop, an end. */
static void streams_poke(int end)
{
	pthread_mutex_lock(&streams_mu);
	for (struct http_stream *st = streams; st; st = st->next) {
		pthread_mutex_lock(&st->mu);
		if (end)
			st->ending = 1;
		else
			st->ping = 1;
		pthread_mutex_unlock(&st->mu);
		http_stream_wake(st);
	}
	pthread_mutex_unlock(&streams_mu);
}

static void *ticker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&streams_mu);
	while (!ticker_stop) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += STREAM_PING_S;
		if (pthread_cond_timedwait(&streams_cv, &streams_mu, &ts) == 0 || ticker_stop)
			continue;
		pthread_mutex_unlock(&streams_mu);
		streams_poke(0);
		pthread_mutex_lock(&streams_mu);
	}
	pthread_mutex_unlock(&streams_mu);
	return NULL;
}

/* ---- replies that wait (http_wait_src) ----
 * The handler's call suspends the connection (allowed from the request callback) before the
 * work is started, so that the work's end always finds it suspended and resumes it; libmicrohttpd
 * then calls on_request again, which finishes the reply. The request, whose strings live in the
 * connection until the completion notice, is kept for finish. */
struct http_wait {
	struct MHD_Connection *conn;
	struct http_wait_src src;
	struct http_req req;
	char *path; /* owned: req.path */
	pthread_mutex_t mu;
	int done, finished;
};

void http_wait_done(struct http_wait *w)
{
	pthread_mutex_lock(&w->mu);
	w->done = 1;
	MHD_resume_connection(w->conn);
	pthread_mutex_unlock(&w->mu);
}

/* Per-request state, from the first callback to the completion notice. */
struct reqctx {
	struct buf body;
	int refuse_status; /* non-zero: answer this error without reading the body */
	const char *refuse_code, *refuse_msg;
	int64_t t0;
	int counted;
	size_t discarded; /* bytes of a refused body read and dropped */
	size_t cap;       /* this request's body cap */
	int https;        /* the client's connection is HTTPS (said by a trusted proxy) */
	char client[64]; /* the client's address (the peer, or the one a trusted proxy forwarded) */
	struct http_wait *wait; /* a reply waiting for its work, until the completion notice */
};

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

const char *http_header(const struct http_req *q, const char *name)
{
	return MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, name);
}

const char *http_query(const struct http_req *q, const char *name)
{
	return MHD_lookup_connection_value(q->conn, MHD_GET_ARGUMENT_KIND, name);
}

static enum MHD_Result add_param(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct buf *b = cls;
	(void)kind;
	if (b->len)
		buf_addc(b, '&');
	buf_adds(b, key);
	if (value) {
		buf_addc(b, '=');
		buf_adds(b, value);
	}
	return MHD_YES;
}

char *http_query_all(const struct http_req *q)
{
	struct buf b = BUF_INIT_CAP(LIMIT_URL_BYTES * 2);
	char *s;
	MHD_get_connection_values(q->conn, MHD_GET_ARGUMENT_KIND, add_param, &b);
	s = xstrdup(buf_failed(&b) || !b.data ? "" : b.data);
	buf_release(&b);
	return s;
}

const char *http_cookie(const struct http_req *q, const char *name)
{
	return MHD_lookup_connection_value(q->conn, MHD_COOKIE_KIND, name);
}

static const char *mime_of(const char *path)
{
	static const char *const types[][2] = {
		{".html", "text/html; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".json", "application/json"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".jpg", "image/jpeg"},
		{".ico", "image/x-icon"},
		{".woff2", "font/woff2"},
		{".woff", "font/woff"},
		{".ttf", "font/ttf"},
		{".txt", "text/plain; charset=utf-8"},
		{".map", "application/json"},
		{".webmanifest", "application/manifest+json"}};
	const char *dot = strrchr(path, '.');
	if (dot && !strchr(dot, '/'))
		for (size_t i = 0; i < ARRAY_LEN(types); i++)
			if (!strcmp(dot, types[i][0]))
				return types[i][1];
	return "application/octet-stream";
}

/* 1 if the Accept-Encoding value lists coding with a non-zero weight (RFC 9110 §12.5.3). */
static int accepts_coding(const char *accept, const char *coding)
{
	size_t n = strlen(coding);
	const char *p = accept;
	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *q;
		while (len && (*p == ' ' || *p == '\t'))
			p++, len--;
		if (len >= n && !strncasecmp(p, coding, n) &&
		    (len == n || p[n] == ';' || p[n] == ' ' || p[n] == '\t')) {
			/* ";q=0", ";q=0.0", ";q=0.000" refuse the coding */
			q = memchr(p, ';', len);
			if (!q)
				return 1;
			q = strstr(q, "q=");
			if (!q || q >= p + len)
				return 1;
			for (q += 2; q < p + len && (*q == '0' || *q == '.'); q++)
				;
			return q < p + len && *q >= '1' && *q <= '9';
		}
		p = end ? end + 1 : NULL;
	}
	return 0;
}

/* Text assets are built with .br and .gz beside them (web/scripts/compress.mjs): pick the best
 * the client accepts. Images and fonts are compressed already. */
static const char *pick_encoding(char *full, size_t cap, const char *accept, struct stat *st)
{
	static const char *const codings[][2] = {{"br", ".br"}, {"gzip", ".gz"}};
	size_t n = strlen(full);
	struct stat cst;
	if (!accept)
		return NULL;
	for (size_t i = 0; i < ARRAY_LEN(codings); i++) {
		size_t sn = strlen(codings[i][1]);
		if (!accepts_coding(accept, codings[i][0]) || n + sn >= cap)
			continue;
		memcpy(full + n, codings[i][1], sn + 1);
		if (stat(full, &cst) == 0 && S_ISREG(cst.st_mode)) {
			*st = cst;
			return codings[i][0];
		}
		full[n] = '\0';
	}
	return NULL;
}

/* The page a client-side route gets: the citizens' phone pages (a station's QR code, the opinion
 * form, tracking, published replies) and the deputies' (their home "/m", login, opinions, record,
 * the meeting room's sign-in "/m/signin", their suggestions and meetings) are phone.html, which
 * loads no desktop component library;
 * every other route is the desktop application, index.html. A route belongs to the phone page when
 * its first segment is one of these (web/src/phonePaths.js holds the same list for the browser):
 * "/t" and "/opinion" are phone pages, "/opinions" is not. A build without phone.html serves
 * index.html for everything. */
static const char *route_page(const char *path)
{
	static const char *const phone[] = {"s", "opinion",        "t",          "public",
					    "m", "my-suggestions", "my-meetings"};
	const char *seg = path + 1, *end = strchr(seg, '/');
	size_t n = end ? (size_t)(end - seg) : strlen(seg);
	for (size_t i = 0; i < ARRAY_LEN(phone); i++)
		if (strlen(phone[i]) == n && !strncmp(seg, phone[i], n))
			return "phone.html";
	return "index.html";
}

static int compressible(const char *type)
{
	return !strncmp(type, "text/", 5) || !strncmp(type, "application/json", 16) ||
	       !strncmp(type, "image/svg", 9) || !strncmp(type, "application/manifest", 20);
}

void http_static(const char *web_dir, const char *path, const char *accept_encoding, struct http_reply *r)
{
	char full[4096];
	struct stat st;
	const char *last, *coding = NULL;
	int is_asset;

	if (!web_dir || strstr(path, "..") || strchr(path, '\\') || path[0] != '/') {
		struct err e;
		err_set(&e, E_NOTFOUND, "not_found", "页面不存在");
		http_reply_error(r, &e);
		return;
	}
	snprintf(full, sizeof(full), "%s%s", web_dir, path);
	last = strrchr(path, '/');
	is_asset = strncmp(path, "/assets/", 8) == 0;
	if (stat(full, &st) != 0 || S_ISDIR(st.st_mode)) {
		/* Client-side routes (no file extension) get the application page. */
		if (is_asset || (last && strchr(last, '.'))) {
			struct err e;
			err_set(&e, E_NOTFOUND, "not_found", "文件不存在");
			http_reply_error(r, &e);
			return;
		}
		snprintf(full, sizeof(full), "%s/%s", web_dir, route_page(path));
		if (stat(full, &st) != 0)
			snprintf(full, sizeof(full), "%s/index.html", web_dir);
		if (stat(full, &st) != 0) {
			struct err e;
			err_set(&e, E_NOTFOUND, "not_found", "网页界面尚未构建");
			http_reply_error(r, &e);
			return;
		}
	}
	r->status = 200;
	r->content_type = mime_of(full);
	if (compressible(r->content_type)) {
		/* caches must keep the encodings apart */
		http_reply_header(r, "Vary", "Accept-Encoding");
		coding = pick_encoding(full, sizeof(full), accept_encoding, &st);
		if (coding)
			http_reply_header(r, "Content-Encoding", coding);
	}
	r->file_path = xstrdup(full);
	/* Built assets carry a content hash in their names: cache them for a year. */
	http_reply_header(r, "Cache-Control", is_asset ? "public, max-age=31536000, immutable" : "no-cache");
	/* Images may also be blob: URLs: a photo chosen on a phone is previewed from the file itself
	 * (URL.createObjectURL) before it is sent; scripts, styles and fonts stay the site's own. */
	if (strstr(r->content_type, "text/html"))
		http_reply_header(r, "Content-Security-Policy",
				  "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:;"
				  " frame-ancestors 'none'");
}

static enum MHD_Result count_cl(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	(void)value;
	if (!strcasecmp(key, "Content-Length"))
		(*(int *)cls)++;
	return MHD_YES;
}

static enum MHD_Result add_len(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	*(size_t *)cls += strlen(key) + (value ? strlen(value) : 0) + 2;
	return MHD_YES;
}

/* The length of the query string (decoded), which the url argument does not include. */
static size_t query_len(struct MHD_Connection *conn)
{
	size_t n = 0;
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_len, &n);
	return n;
}

static void peer_addr(struct MHD_Connection *conn, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, n, "?");
	if (!ci || !ci->client_addr)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, out,
			  (socklen_t)n);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, out,
			  (socklen_t)n);
}

static enum MHD_Result send_reply(struct http_server *s, struct MHD_Connection *conn,
				  const char *method, const char *url, struct http_reply *r,
				  int64_t t0, int https, const char *client)
{
	struct MHD_Response *resp = NULL;
	enum MHD_Result ret;
	size_t bytes = 0;

	if (r->file_path) {
		int fd = open(r->file_path, O_RDONLY | O_CLOEXEC);
		struct stat st;
		if (fd >= 0 && fstat(fd, &st) == 0) {
			resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
			bytes = (size_t)st.st_size;
		} else if (fd >= 0) {
			close(fd);
		}
		if (!resp) {
			struct err e;
			err_set(&e, E_NOTFOUND, "not_found", "文件不存在");
			http_reply_error(r, &e);
		}
	}
	if (!resp && r->stream) {
		resp = stream_response(conn, r->stream);
		free(r->stream);
		r->stream = NULL;
		r->content_type = "text/event-stream; charset=utf-8";
		MHD_add_response_header(resp, "Cache-Control", "no-store");
		MHD_add_response_header(resp, "X-Accel-Buffering", "no");
	}
	if (!resp) {
		size_t len;
		char *data;
		if (buf_failed(&r->body)) {
			struct err e;
			err_set(&e, E_INTERNAL, "internal", "响应过大");
			http_reply_error(r, &e);
		}
		data = buf_detach(&r->body, &len);
		bytes = len;
		resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	}
	if (r->content_type)
		MHD_add_response_header(resp, "Content-Type", r->content_type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	/* Over HTTPS the browser is told to use nothing else for a year (not the subdomains: they
	 * may be other systems of the same government). */
	if (https)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	for (int i = 0; i < r->nheaders; i++) {
		if (!strcasecmp(r->headers[i][0], "Cache-Control"))
			MHD_del_response_header(resp, "Cache-Control", "no-store");
		MHD_add_response_header(resp, r->headers[i][0], r->headers[i][1]);
	}
	ret = MHD_queue_response(conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	if (s->access_log) {
		char when[32];
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		printf("%s %s %s %s %d %zu %lldus\n", when, client, method, url, r->status, bytes,
		       (long long)(util_mono_us() - t0));
	}
	return ret;
}

static void reply_release(struct http_reply *r)
{
	buf_release(&r->body);
	for (int i = 0; i < r->nheaders; i++) {
		free(r->headers[i][0]);
		free(r->headers[i][1]);
	}
	free(r->file_path);
	if (r->stream) { /* never started */
		r->stream->close(r->stream->ctx);
		free(r->stream);
	}
}

/* ---- connections waiting for headers ---- */

static struct watch *watch_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

/* Cuts the watched connection now (the lock held). */
static void watch_cut(struct watch *w)
{
	if (w->fd >= 0)
		shutdown(w->fd, SHUT_RDWR);
	w->fd = -1;
	w->waiting = 0;
}

/* The connection starts (1) or ends (0) waiting for the headers of a request. */
static void watch_wait(struct http_server *s, struct MHD_Connection *conn, int waiting)
{
	struct watch *w = watch_of(conn);
	int64_t now = util_mono_us(), grace = LIMIT_HEADER_WAIT_S;

	if (!w)
		return;
	/* A kept-alive connection may first sit idle as long as the idle timeout allows. */
	if (s->idle_s > grace)
		grace = s->idle_s;
	pthread_mutex_lock(&s->watch_mu);
	if (w->fd >= 0) {
		w->waiting = waiting;
		w->since = now;
		w->deadline = now + grace * 1000000;
	}
	pthread_mutex_unlock(&s->watch_mu);
}

/* Past LIMIT_CONN_WAITING_PER_IP waiting connections of w's address, the oldest is cut
 * (the lock held). An honest client loses an idle kept-alive connection and opens another. */
static void watch_cap(struct http_server *s, struct watch *w)
{
	for (;;) {
		struct watch *oldest = NULL;
		int n = 0;
		for (struct watch *x = s->watches; x; x = x->next) {
			if (!x->waiting || x->exempt || strcmp(x->addr, w->addr))
				continue;
			n++;
			if (x != w && (!oldest || x->since < oldest->since))
				oldest = x;
		}
		if (n <= LIMIT_CONN_WAITING_PER_IP || !oldest)
			return;
		watch_cut(oldest);
	}
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct http_server *s = cls;
	struct watch *w = *socket_context;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		w = xcalloc(1, sizeof(*w));
		w->fd = ci ? ci->connect_fd : -1;
		peer_addr(conn, w->addr, sizeof(w->addr));
		w->exempt = http_nets_has(&s->trusted, w->addr);
		w->waiting = 1;
		w->since = util_mono_us();
		w->deadline = w->since + (int64_t)LIMIT_HEADER_WAIT_S * 1000000;
		pthread_mutex_lock(&s->watch_mu);
		w->next = s->watches;
		if (s->watches)
			s->watches->prev = w;
		s->watches = w;
		if (!w->exempt)
			watch_cap(s, w);
		pthread_mutex_unlock(&s->watch_mu);
		*socket_context = w;
		return;
	}
	if (!w)
		return;
	pthread_mutex_lock(&s->watch_mu);
	if (w->prev)
		w->prev->next = w->next;
	else
		s->watches = w->next;
	if (w->next)
		w->next->prev = w->prev;
	pthread_mutex_unlock(&s->watch_mu);
	free(w);
	*socket_context = NULL;
}

/* Every second: connections past their header deadline are cut. */
static void *sweeper(void *arg)
{
	struct http_server *s = arg;

	pthread_mutex_lock(&s->watch_mu);
	while (!s->sweeper_stop) {
		struct timespec ts;
		int64_t now;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&s->watch_cv, &s->watch_mu, &ts);
		now = util_mono_us();
		for (struct watch *w = s->watches; w; w = w->next)
			if (w->waiting && now > w->deadline)
				watch_cut(w);
	}
	pthread_mutex_unlock(&s->watch_mu);
	return NULL;
}

static enum MHD_Result add_xff(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct buf *b = cls;
	(void)kind;
	if (value && !strcasecmp(key, "X-Forwarded-For")) {
		if (b->len)
			buf_addc(b, ',');
		buf_adds(b, value);
	}
	return MHD_YES;
}

/* The client's address and scheme: the peer's, unless the peer is a trusted proxy; then the
 * right-most X-Forwarded-For address it did not add itself, over all such headers in order. */
static void client_of(struct http_server *s, struct MHD_Connection *conn, struct reqctx *rc)
{
	struct buf xff;

	peer_addr(conn, rc->client, sizeof(rc->client));
	rc->https = 0;
	if (!s->trusted.n || !http_nets_has(&s->trusted, rc->client))
		return;
	rc->https = http_parse_proto(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-Proto"));
	buf_init(&xff, LIMIT_HEADER_BYTES);
	MHD_get_connection_values(conn, MHD_HEADER_KIND, add_xff, &xff);
	if (!buf_failed(&xff) && xff.len)
		(void)http_parse_xff(&s->trusted, xff.data, rc->client, sizeof(rc->client));
	buf_release(&xff);
}

static size_t headers_len(struct MHD_Connection *conn)
{
	size_t n = 0;
	MHD_get_connection_values(conn, MHD_HEADER_KIND, add_len, &n);
	return n;
}

/* The raw URI's length (its query string included, before libmicrohttpd splits and decodes
 * it), handed to the first call of on_request as con_cls: a tagged integer, not a pointer, so
 * that nothing leaks when a request ends before that call. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)cls;
	(void)conn;
	return (void *)(uintptr_t)((strlen(uri) << 1) | 1);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct http_server *s = cls;
	struct reqctx *rc = *con_cls;
	struct http_reply r = {0};
	enum MHD_Result ret;
	size_t uri_len = 0;
	(void)version;

	if ((uintptr_t)rc & 1) {
		uri_len = (uintptr_t)rc >> 1;
		rc = NULL;
	}
	if (!rc) {
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		const char *te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Transfer-Encoding");
		int ncl = 0;

		size_t cap = s->body_cap ? s->body_cap(url) : LIMIT_BODY_BYTES;
		rc = xcalloc(1, sizeof(*rc));
		rc->cap = cap;
		buf_init(&rc->body, cap);
		rc->t0 = util_mono_us();
		rc->counted = 1;
		atomic_fetch_add(&s->in_flight, 1);
		*con_cls = rc;
		watch_wait(s, conn, 0);
		client_of(s, conn, rc);
		MHD_get_connection_values(conn, MHD_HEADER_KIND, count_cl, &ncl);
		/* Request smuggling: one framing only. */
		if (ncl > 1 || (cl && te)) {
			rc->refuse_status = 400;
			rc->refuse_code = "bad_request";
			rc->refuse_msg = "请求同时带有多个长度声明，已拒绝";
		} else if (!http_parse_te(te)) {
			/* gzip, "chunked, chunked" ...: a body we cannot frame is refused at once, not
			 * waited for until the timeout. */
			rc->refuse_status = 400;
			rc->refuse_code = "bad_request";
			rc->refuse_msg = "不支持的传输编码（Transfer-Encoding），只接受 chunked";
		} else if (strlen(url) + headers_len(conn) > LIMIT_HEADER_BYTES) {
			rc->refuse_status = 431;
			rc->refuse_code = "headers_too_large";
			rc->refuse_msg = "请求头过大";
		} else if (cl && strtoull(cl, NULL, 10) > cap) {
			rc->refuse_status = 413;
			rc->refuse_code = "payload_too_large";
			rc->refuse_msg = "请求体过大";
		} else if ((uri_len ? uri_len : strlen(url) + query_len(conn)) > LIMIT_URL_BYTES) {
			rc->refuse_status = 414;
			rc->refuse_code = "uri_too_long";
			rc->refuse_msg = "请求地址过长";
		}
		if (!rc->refuse_status)
			return MHD_YES; /* queue on a later call so keep-alive works */
	}
	if (*upload_data_size) {
		/* libmicrohttpd lets a reply be queued only before or after the body: past the cap the
		 * rest is read and dropped, up to a bound, so the client still gets its 413. */
		if (rc->refuse_status) {
			rc->discarded += *upload_data_size;
			*upload_data_size = 0;
			return rc->discarded > LIMIT_DISCARD_BYTES ? MHD_NO : MHD_YES;
		}
		buf_add(&rc->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		if (buf_failed(&rc->body)) {
			rc->refuse_status = 413;
			rc->refuse_code = "payload_too_large";
			rc->refuse_msg = "请求体过大";
			buf_release(&rc->body);
		}
		return MHD_YES;
	}
	buf_init(&r.body, 64u << 20);
	if (rc->wait) { /* resumed: the work has ended */
		rc->wait->finished = 1;
		rc->wait->src.finish(rc->wait->src.ctx, &rc->wait->req, &r);
		if (!r.status)
			r.status = 200;
	} else if (rc->refuse_status) {
		struct err e;
		if (rc->refuse_status == 413)
			err_set(&e, E_TOOLARGE, rc->refuse_code, "%s（上限 %zu MB）",
				rc->refuse_msg, rc->cap >> 20);
		else
			err_set(&e, rc->refuse_status == 400 ? E_INVALID : E_TOOLARGE,
				rc->refuse_code, "%s", rc->refuse_msg);
		http_reply_error(&r, &e);
		r.status = rc->refuse_status;
	} else {
		struct http_req q = {0};
		const char *qm = strchr(url, '?');
		char *path = qm ? xstrndup(url, (size_t)(qm - url)) : NULL;
		q.conn = conn;
		q.method = method;
		q.path = path ? path : url;
		q.body = rc->body.data;
		q.body_len = rc->body.len;
		memcpy(q.client_addr, rc->client, sizeof(q.client_addr));
		q.https = rc->https;
		s->fn(s->app, &q, &r);
		if (r.wait) {
			struct http_wait *w = xcalloc(1, sizeof(*w));
			w->conn = conn;
			w->src = *r.wait;
			free(r.wait);
			r.wait = NULL;
			w->req = q;
			w->path = path;
			pthread_mutex_init(&w->mu, NULL);
			rc->wait = w;
			reply_release(&r);
			MHD_suspend_connection(conn);
			w->src.start(w->src.ctx, w);
			return MHD_YES;
		}
		free(path);
		if (!r.status)
			r.status = 200;
	}
	ret = send_reply(s, conn, method, url, &r, rc->t0, rc->https, rc->client);
	reply_release(&r);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct http_server *s = cls;
	struct reqctx *rc = *con_cls;
	(void)toe;
	watch_wait(s, conn, 1); /* kept alive: the next request's headers */
	if (!rc || ((uintptr_t)rc & 1)) {
		*con_cls = NULL;
		return;
	}
	if (rc->wait) {
		struct http_wait *w = rc->wait;
		pthread_mutex_lock(&w->mu); /* http_wait_done has let go of w */
		pthread_mutex_unlock(&w->mu);
		if (!w->finished && w->done) { /* the client went away: finish, drop the reply */
			struct http_reply r = {0};
			buf_init(&r.body, 64u << 20);
			w->src.finish(w->src.ctx, &w->req, &r);
			reply_release(&r);
		}
		/* !done: only when the daemon stops with the work still running (past the shutdown
		 * wait); w and the context are left to it rather than freed under it */
		if (w->done) {
			pthread_mutex_destroy(&w->mu);
			free(w->path);
			free(w);
		}
	}
	if (rc->counted)
		atomic_fetch_sub(&s->in_flight, 1);
	buf_release(&rc->body);
	free(rc);
	*con_cls = NULL;
}

static void log_mhd(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("renda: http: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/* Why the daemon could not listen: binds a probe socket as MHD does (SO_REUSEADDR, never
 * SO_REUSEPORT) and returns its errno, or 0 if the address is free by now. */
static int bind_errno(const struct sockaddr_in *addr)
{
	int one = 1, err = 0;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (const struct sockaddr *)addr, sizeof(*addr)))
		err = errno;
	close(fd);
	return err;
}

static int listen_failed(struct err *e, const struct sockaddr_in *addr, const char *host, int port)
{
	int err = bind_errno(addr);

	if (err == EADDRINUSE)
		return err_set(e, E_INTERNAL, "port_in_use",
			       "无法在 %s:%d 上监听：端口已被另一个进程占用，"
			       "请先停止它或换一个端口 (address already in use)",
			       host, port);
	if (err == EACCES)
		return err_set(e, E_INTERNAL, "listen_failed",
			       "无法在 %s:%d 上监听：没有使用该端口的权限 "
			       "(permission denied)",
			       host, port);
	if (err == EADDRNOTAVAIL)
		return err_set(e, E_INTERNAL, "listen_failed",
			       "无法在 %s:%d 上监听：本机没有这个地址 "
			       "(address not available)",
			       host, port);
	return err_set(e, E_INTERNAL, "listen_failed", "无法在 %s:%d 上监听 (cannot listen: %s)",
		       host, port, err ? strerror(err) : "libmicrohttpd refused to start");
}

int http_start(const struct http_config *cfg, http_handler fn, void *app, struct http_server **out,
	       struct err *e)
{
	struct http_server *s = xcalloc(1, sizeof(*s));
	struct sockaddr_in addr = {0};

	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)cfg->port);
	if (inet_pton(AF_INET, cfg->host, &addr.sin_addr) != 1) {
		free(s);
		return err_set(e, E_INVALID, "bad_listen", "监听地址“%s”无效，应为 IPv4 地址", cfg->host);
	}
	if (cfg->trusted_proxies && *cfg->trusted_proxies &&
	    http_nets_add(&s->trusted, cfg->trusted_proxies, e)) {
		free(s);
		return e->kind;
	}
	s->fn = fn;
	s->app = app;
	s->web_dir = cfg->web_dir ? xstrdup(cfg->web_dir) : NULL;
	s->access_log = cfg->access_log;
	s->body_cap = cfg->body_cap;
	s->idle_s = cfg->timeout_s > 0 ? cfg->timeout_s : LIMIT_CONN_TIMEOUT_S;
	pthread_mutex_init(&s->watch_mu, NULL);
	pthread_cond_init(&s->watch_cv, NULL);
	s->d = MHD_start_daemon(
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG,
		(uint16_t)cfg->port, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, log_mhd,
		NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
		(unsigned)(cfg->threads > 0 ? cfg->threads : 1), MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)s->idle_s, MHD_OPTION_CONNECTION_LIMIT, (unsigned)LIMIT_CONN_TOTAL,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)LIMIT_CONN_PER_IP,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)LIMIT_CONN_MEMORY,
		MHD_OPTION_STRICT_FOR_CLIENT, (int)1, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
		/* No MHD_OPTION_LISTENING_ADDRESS_REUSE: it sets SO_REUSEPORT, and a second server on the
		 * port would start and share the connections with the first. MHD's default is
		 * SO_REUSEADDR alone (a restart is not kept waiting by TIME_WAIT). */
		MHD_OPTION_END);
	if (!s->d) {
		pthread_cond_destroy(&s->watch_cv);
		pthread_mutex_destroy(&s->watch_mu);
		free(s->web_dir);
		free(s);
		return listen_failed(e, &addr, cfg->host, cfg->port);
	}
	s->sweeper_running = pthread_create(&s->sweeper, NULL, sweeper, s) == 0;
	pthread_mutex_lock(&streams_mu);
	ticker_stop = 0;
	pthread_mutex_unlock(&streams_mu);
	s->ticker_running = pthread_create(&s->ticker, NULL, ticker, NULL) == 0;
	*out = s;
	return 0;
}

int http_port(const struct http_server *s)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	return i ? i->port : 0;
}

void http_stop(struct http_server *s)
{
	int64_t deadline = util_mono_us() + (int64_t)LIMIT_SHUTDOWN_WAIT_MS * 1000;
	MHD_socket fd = MHD_quiesce_daemon(s->d);

	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	if (s->ticker_running) {
		pthread_mutex_lock(&streams_mu);
		ticker_stop = 1;
		pthread_cond_broadcast(&streams_cv);
		pthread_mutex_unlock(&streams_mu);
		pthread_join(s->ticker, NULL);
	}
	/* End the live screens: suspended connections must be resumed before MHD stops. */
	while (http_streams() > 0 && util_mono_us() < deadline) {
		streams_poke(1);
		usleep(10000);
	}
	while (atomic_load(&s->in_flight) > 0 && util_mono_us() < deadline)
		usleep(10000);
	if (s->sweeper_running) {
		pthread_mutex_lock(&s->watch_mu);
		s->sweeper_stop = 1;
		pthread_cond_broadcast(&s->watch_cv);
		pthread_mutex_unlock(&s->watch_mu);
		pthread_join(s->sweeper, NULL);
	}
	MHD_stop_daemon(s->d); /* closes the connections: their watches are freed */
	pthread_cond_destroy(&s->watch_cv);
	pthread_mutex_destroy(&s->watch_mu);
	free(s->web_dir);
	free(s);
}
