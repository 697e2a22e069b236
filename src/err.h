/* err.h: the one error convention. 0 is success; failures are a negative enum value with a
 * machine code and a Chinese message in a caller-owned struct err. */
#ifndef RENDA_ERR_H
#define RENDA_ERR_H

enum err_kind {
	E_OK = 0,
	E_INVALID = -1,      /* 400: the caller's input is wrong */
	E_UNAUTH = -2,       /* 401: not logged in, bad credentials */
	E_FORBIDDEN = -3,    /* 403: logged in, not allowed */
	E_NOTFOUND = -4,     /* 404 */
	E_CONFLICT = -5,     /* 409: duplicate, in use, wrong state */
	E_TOOLARGE = -6,     /* 413 */
	E_LOCKED = -7,       /* 423: account locked */
	E_DB = -8,           /* 500: the database failed */
	E_INTERNAL = -9,     /* 500 */
	E_UNAVAILABLE = -10, /* 503: shutting down, pool exhausted */
	E_RATE = -11,        /* 429: too many requests from one address */
};

struct err {
	int kind;
	char code[40];  /* machine code, e.g. "password_weak" */
	char field[40]; /* the input field at fault, or "" */
	char msg[256];  /* 中文说明 for the user */
};

/* Records the error and returns kind, so that `return err_set(...)` reads naturally. */
int err_set(struct err *e, int kind, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Like err_set, naming the field at fault. */
int err_field(struct err *e, int kind, const char *code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void err_clear(struct err *e);
int err_http_status(int kind);

#endif
