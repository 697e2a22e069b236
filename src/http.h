/* http.h: the transport. A libmicrohttpd server with renda's limits, request bodies gathered
 * under a cap, replies queued so that keep-alive works, static files, an access log, and a
 * graceful stop. It knows nothing of the API: each complete request goes to one callback. */
#ifndef RENDA_HTTP_H
#define RENDA_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

struct MHD_Connection;

struct http_req {
	struct MHD_Connection *conn;
	const char *method;
	const char *path; /* without the query string, percent-decoded by libmicrohttpd */
	const char *body; /* NUL-terminated; may be "" */
	size_t body_len;
	/* The client: the peer, or behind a trusted proxy the address it forwarded (X-Forwarded-For). */
	char client_addr[64];
	int https; /* 1 if the client's connection is HTTPS (a trusted proxy's X-Forwarded-Proto) */
};

/* A reply that goes on (server-sent events). The transport calls start once with the stream's
 * handle, then fill whenever the connection can take more: fill appends what is new to out and
 * returns 0 (nothing appended: the connection is suspended, costing no thread, until
 * http_stream_wake), or -1 to end the reply. close releases ctx when the connection ends. */
struct http_stream;
struct http_stream_src {
	void (*start)(void *ctx, struct http_stream *st);
	int (*fill)(void *ctx, struct buf *out);
	void (*close)(void *ctx);
	void *ctx;
};
/* Something new for the stream: safe from any thread, at any time until close is called. */
void http_stream_wake(struct http_stream *st);
/* Streams open now. */
int http_streams(void);

/* A reply that waits for work done on another thread (a group commit) without holding an HTTP
 * thread. The transport suspends the connection, then calls start with the wait's handle; the
 * work calls http_wait_done(w) once, from any thread, when it has ended; then finish runs on an
 * HTTP thread with the same request, fills the reply as a handler would, and releases ctx. finish
 * is called exactly once, also when the client has gone meanwhile (its reply is then dropped). */
struct http_wait;
struct http_reply;
struct http_wait_src {
	void (*start)(void *ctx, struct http_wait *w);
	void (*finish)(void *ctx, const struct http_req *q, struct http_reply *r);
	void *ctx;
};
/* The work of w has ended: its connection resumes. w is not to be used after. */
void http_wait_done(struct http_wait *w);

#define HTTP_MAX_HEADERS 6
struct http_reply {
	int status;
	const char *content_type;
	struct buf body;
	int nheaders;
	char *headers[HTTP_MAX_HEADERS][2]; /* owned */
	char *file_path;                    /* owned: send this file instead of body */
	struct http_stream_src *stream;     /* owned: stream this instead of body */
	struct http_wait_src *wait; /* owned: answer later, as wait says (the rest unused) */
};

/* Reply helpers. */
void http_reply_header(struct http_reply *r, const char *name, const char *value);
void http_reply_error(struct http_reply *r, const struct err *e);

/* Request accessors; the strings live as long as the request. */
const char *http_header(const struct http_req *q, const char *name);
const char *http_query(const struct http_req *q, const char *name);
/* Every query parameter as "k=v&k=v" (decoded, in the order sent), for the audit of an export:
 * a new string owned by the caller (never NULL). */
char *http_query_all(const struct http_req *q);
const char *http_cookie(const struct http_req *q, const char *name);

typedef void (*http_handler)(void *app, const struct http_req *q, struct http_reply *r);

struct http_config {
	const char *host; /* an IPv4 address */
	int port;         /* 0 picks a free port */
	int threads;
	const char *web_dir; /* static files, or NULL */
	int access_log;      /* 1: one line per request on stdout */
	int timeout_s;       /* idle connection timeout; LIMIT_CONN_TIMEOUT_S by default */
	size_t (*body_cap)(const char *path); /* the body cap of a path; LIMIT_BODY_BYTES if NULL */
	/* Comma-separated addresses or CIDR networks of reverse proxies whose X-Forwarded-For and
	 * X-Forwarded-Proto are believed; NULL or "" believes no one. */
	const char *trusted_proxies;
};

struct http_server;

/* Starts serving; *out is owned by the caller (http_stop). */
int http_start(const struct http_config *cfg, http_handler fn, void *app, struct http_server **out,
	       struct err *e) WUR;
int http_port(const struct http_server *s);
/* Stops accepting, lets requests in flight finish (up to LIMIT_SHUTDOWN_WAIT_MS), then frees. */
void http_stop(struct http_server *s);

/* Serves the static file for path under web_dir into r (index.html for client-side routes); a
 * text file's precompressed .br or .gz twin when accept_encoding (may be NULL) allows it. */
void http_static(const char *web_dir, const char *path, const char *accept_encoding, struct http_reply *r);

#endif
