#include "util.h"

#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void oom(size_t n)
{
	fprintf(stderr, "renda: out of memory (%zu bytes)\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom(nmemb * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static _Atomic int64_t fixed_now;

int64_t util_now(void)
{
	int64_t t = atomic_load(&fixed_now);
	return t ? t : (int64_t)time(NULL);
}

void util_set_now(int64_t t)
{
	atomic_store(&fixed_now, t);
}

int64_t util_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int util_parse_i64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!s || !*s || (*s != '-' && (*s < '0' || *s > '9')))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

size_t util_utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

size_t util_utf8_scan(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned c = p[i];
		size_t need;
		uint32_t cp;
		if (c == 0)
			return i;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			need = 1;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			need = 2;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			need = 3;
			cp = c & 0x07;
		} else {
			return i;
		}
		if (len - i <= need)
			return i;
		for (size_t k = 1; k <= need; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) ||
		    (need == 3 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += need + 1;
	}
	return len;
}

int util_utf8_valid(const char *s, size_t len)
{
	return util_utf8_scan(s, len) == len;
}

void util_random_hex(char *buf, size_t n)
{
	unsigned char raw[64];
	if (n > sizeof(raw))
		n = sizeof(raw);
	randombytes_buf(raw, n);
	sodium_bin2hex(buf, 2 * n + 1, raw, n);
}

const char *util_label(const char *const (*pairs)[2], size_t n, const char *key, const char *dflt)
{
	for (size_t i = 0; key && i < n; i++)
		if (!strcmp(pairs[i][0], key))
			return pairs[i][1];
	return dflt;
}

int util_index_of(const char *s, const char *const *list)
{
	for (int i = 0; s && list[i]; i++)
		if (!strcmp(list[i], s))
			return i;
	return -1;
}

int util_base64_decode(const char *b64, size_t max, unsigned char **out, size_t *len)
{
	size_t n = strlen(b64), cap = n / 4 * 3 + 3;
	int rc = 0;

	*out = NULL;
	*len = 0;
	if (n / 4 * 3 > max + 3)
		return -2;
	*out = xmalloc(cap);
	if (sodium_base642bin(*out, cap, b64, n, NULL, len, NULL, sodium_base64_VARIANT_ORIGINAL) || !*len)
		rc = -1;
	else if (*len > max)
		rc = -2;
	if (rc) {
		free(*out);
		*out = NULL;
		*len = 0;
	}
	return rc;
}

int util_phone_ok(const char *s)
{
	size_t digits = 0;
	if (!s || !*s)
		return 0;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p != '-' && *p != ' ' && *p != '+')
			return 0;
	}
	return digits >= 7 && !(s[0] == '1' && strlen(s) != 11 && !strchr(s, '-'));
}

int util_mobile_ok(const char *s)
{
	if (!s || strlen(s) != 11 || s[0] != '1')
		return 0;
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}
