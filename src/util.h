/* util.h: allocation that aborts on out-of-memory, checked arithmetic, time. */
#ifndef RENDA_UTIL_H
#define RENDA_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define WUR __attribute__((warn_unused_result))
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
/* The second member of the pair whose first is key ({code, label} tables), or dflt. */
const char *util_label(const char *const (*pairs)[2], size_t n, const char *key, const char *dflt);
#define UTIL_LABEL(table, key, dflt) util_label((table), ARRAY_LEN(table), (key), (dflt))
/* A telephone number as people write it (a landline with its area code, a mobile, an
 * extension): digits with spaces, '+' and '-', at least 7 digits; one that starts with 1 and
 * has no '-' is a mobile of exactly 11 digits. NULL or "" is not one (callers decide whether a
 * phone may be left out). The one check of every phone the server takes. */
int util_phone_ok(const char *s);
/* A mainland mobile number: 11 digits starting with 1 (what a text message can reach). */
int util_mobile_ok(const char *s);
/* The index of s in a NULL-terminated list of strings, or -1 (also for a NULL s). */
int util_index_of(const char *s, const char *const *list);
/* 1 if s is in the NULL-terminated list: the check of a code against its allowed values. */
static inline int util_one_of(const char *s, const char *const *list)
{
	return util_index_of(s, list) >= 0;
}

/* Allocation wrappers: never return NULL; abort the process on out-of-memory. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Current time in Unix seconds; tests may override it with util_set_now(). */
int64_t util_now(void);
void util_set_now(int64_t t); /* 0 returns to the real clock */
int64_t util_mono_us(void);

/* Parses a whole decimal int64 from s; 0 on success, -1 on any junk or overflow. */
int util_parse_i64(const char *s, int64_t *out) WUR;

/* Number of UTF-8 characters in a valid UTF-8 string. */
size_t util_utf8_len(const char *s);
/* The offset of the first byte of s (len bytes) that is not valid UTF-8 or is NUL; len when
 * there is none. */
size_t util_utf8_scan(const char *s, size_t len);
/* 1 if s (len bytes) is valid UTF-8 without NUL. */
int util_utf8_valid(const char *s, size_t len);

/* Decodes standard padded base64 (an attachment, a photo) of at most max decoded bytes into a
 * new buffer *out (malloc'd, the caller's; NULL on failure). 0 on success, -1 when b64 is not
 * base64 or decodes to nothing, -2 when it is longer than max allows (checked before decoding). */
int util_base64_decode(const char *b64, size_t max, unsigned char **out, size_t *len) WUR;

/* Fills buf with n random bytes hex-encoded (buf must hold 2n+1). */
void util_random_hex(char *buf, size_t n);

/* Last: sprintf, strcpy, atoi, gmtime... become compile errors (banned.h says why and what instead). */
#include "banned.h"

#endif
