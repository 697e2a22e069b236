/* buf.h: the one growable text buffer (capped, sticky error) and a non-owning slice. */
#ifndef RENDA_BUF_H
#define RENDA_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "util.h"

/* A byte range that does not own its memory and need not be NUL-terminated. */
struct slice {
	const char *ptr;
	size_t len;
};

/*
 * A growable buffer. `data` is never NULL (an empty buffer points at a static ""), and is
 * always NUL-terminated. Appending past `cap` sets the sticky `overflow` flag and keeps the
 * content as it was; callers check buf_failed() once at the end.
 */
struct buf {
	char *data;
	size_t len;
	size_t alloc;
	size_t cap;
	int overflow;
};

#define BUF_INIT_CAP(c)                         \
	{                                       \
		(char *)buf_empty, 0, 0, (c), 0 \
	}
extern const char buf_empty[1];

void buf_init(struct buf *b, size_t cap);
void buf_release(struct buf *b); /* frees the memory, leaves an empty buffer */
void buf_reset(struct buf *b);   /* empties, keeps memory and cap, clears the error */
void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);
/* Appends s as a JSON string literal (with quotes). */
void buf_add_json_str(struct buf *b, const char *s);
/* Gives the caller ownership of the data (malloc'd, never NULL); the buffer becomes empty. */
char *buf_detach(struct buf *b, size_t *len);
static inline int buf_failed(const struct buf *b)
{
	return b->overflow;
}

#endif
