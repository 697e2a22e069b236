#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void fill(struct err *e, int kind, const char *code, const char *field, const char *fmt, va_list ap)
{
	e->kind = kind;
	snprintf(e->code, sizeof(e->code), "%s", code);
	snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

int err_set(struct err *e, int kind, const char *code, const char *fmt, ...)
{
	va_list ap;
	if (!e)
		return kind;
	va_start(ap, fmt);
	fill(e, kind, code, NULL, fmt, ap);
	va_end(ap);
	return kind;
}

int err_field(struct err *e, int kind, const char *code, const char *field, const char *fmt, ...)
{
	va_list ap;
	if (!e)
		return kind;
	va_start(ap, fmt);
	fill(e, kind, code, field, fmt, ap);
	va_end(ap);
	return kind;
}

void err_clear(struct err *e)
{
	memset(e, 0, sizeof(*e));
}

int err_http_status(int kind)
{
	switch (kind) {
	case E_OK:
		return 200;
	case E_INVALID:
		return 400;
	case E_UNAUTH:
		return 401;
	case E_FORBIDDEN:
		return 403;
	case E_NOTFOUND:
		return 404;
	case E_CONFLICT:
		return 409;
	case E_TOOLARGE:
		return 413;
	case E_LOCKED:
		return 423;
	case E_UNAVAILABLE:
		return 503;
	case E_RATE:
		return 429;
	default:
		return 500;
	}
}
