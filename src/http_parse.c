#include "http_parse.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Parses the address in [s, s+len) (spaces around it and IPv6 brackets allowed) into a
 * network of the given prefix length (-1: the whole address). 0 or -1. */
static int parse_addr(const char *s, size_t len, struct http_net *out)
{
	char tmp[INET6_ADDRSTRLEN + 4];

	while (len && is_space(*s))
		s++, len--;
	while (len && is_space(s[len - 1]))
		len--;
	if (len >= 2 && s[0] == '[' && s[len - 1] == ']')
		s++, len -= 2;
	if (!len || len >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, tmp, out->addr) == 1) {
		out->family = AF_INET;
		out->bits = 32;
		return 0;
	}
	if (inet_pton(AF_INET6, tmp, out->addr) == 1) {
		static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (!memcmp(out->addr, mapped, sizeof(mapped))) { /* ::ffff:a.b.c.d is IPv4 */
			memmove(out->addr, out->addr + 12, 4);
			memset(out->addr + 4, 0, 12);
			out->family = AF_INET;
			out->bits = 32;
			return 0;
		}
		out->family = AF_INET6;
		out->bits = 128;
		return 0;
	}
	return -1;
}

static int net_contains(const struct http_net *net, const struct http_net *a)
{
	int full = net->bits / 8, rest = net->bits % 8;

	if (net->family != a->family)
		return 0;
	if (memcmp(net->addr, a->addr, (size_t)full))
		return 0;
	if (rest) {
		unsigned char mask = (unsigned char)(0xff << (8 - rest));
		return (net->addr[full] & mask) == (a->addr[full] & mask);
	}
	return 1;
}

static int nets_contain(const struct http_nets *l, const struct http_net *a)
{
	for (int i = 0; i < l->n; i++)
		if (net_contains(&l->net[i], a))
			return 1;
	return 0;
}

int http_nets_add(struct http_nets *l, const char *spec, struct err *e)
{
	const char *p = spec;

	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *slash = memchr(p, '/', len);
		struct http_net net;
		int64_t bits = -1;

		if (slash) {
			char num[8];
			size_t nlen = len - (size_t)(slash - p) - 1;
			if (nlen == 0 || nlen >= sizeof(num))
				goto bad;
			memcpy(num, slash + 1, nlen);
			num[nlen] = '\0';
			if (util_parse_i64(num, &bits))
				goto bad;
		}
		if (parse_addr(p, slash ? (size_t)(slash - p) : len, &net))
			goto bad;
		if (slash) {
			if (bits < 0 || bits > net.bits)
				goto bad;
			net.bits = (int)bits;
		}
		if (l->n >= HTTP_NETS_MAX)
			return err_set(e, E_INVALID, "bad_proxy", "受信任的代理最多 %d 项", HTTP_NETS_MAX);
		l->net[l->n++] = net;
		if (!end)
			return 0;
		p = end + 1;
		continue;
bad:
		return err_set(e, E_INVALID, "bad_proxy",
			       "受信任的代理“%.*s”无效，应为 IPv4/IPv6 地址或网段（如 10.0.0.0/8）",
			       (int)(len > 64 ? 64 : len), p);
	}
}

int http_nets_has(const struct http_nets *l, const char *addr)
{
	struct http_net a;
	return addr && !parse_addr(addr, strlen(addr), &a) && nets_contain(l, &a);
}

int http_parse_xff(const struct http_nets *l, const char *xff, char *out, size_t n)
{
	struct http_net a, found;
	size_t end;
	int have = 0;

	if (!xff || !*xff)
		return -1;
	end = strlen(xff);
	for (;;) {
		size_t start = end;
		while (start > 0 && xff[start - 1] != ',')
			start--;
		if (parse_addr(xff + start, end - start, &a))
			return -1;
		found = a;
		have = 1;
		if (!nets_contain(l, &a) || start == 0)
			break;
		end = start - 1; /* before the comma */
	}
	if (!have || !inet_ntop(found.family, found.addr, out, (socklen_t)n))
		return -1;
	return 0;
}

int http_parse_proto(const char *v)
{
	if (!v)
		return 0;
	while (is_space(*v))
		v++;
	if (strncasecmp(v, "https", 5))
		return 0;
	v += 5;
	while (is_space(*v))
		v++;
	return *v == '\0' || *v == ',';
}

int http_parse_te(const char *te)
{
	size_t len;

	if (!te)
		return 1;
	while (is_space(*te))
		te++;
	len = strlen(te);
	while (len && is_space(te[len - 1]))
		len--;
	return len == 7 && !strncasecmp(te, "chunked", 7);
}
