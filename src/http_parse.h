/* http_parse.h: the parts of a request renda reads itself rather than through libmicrohttpd:
 * the transfer coding, the trusted proxies' networks, X-Forwarded-For and X-Forwarded-Proto.
 * Pure functions of their text, so that a fuzz target drives them without a server. */
#ifndef RENDA_HTTP_PARSE_H
#define RENDA_HTTP_PARSE_H

#include <stddef.h>

#include "err.h"
#include "util.h"

#define HTTP_NETS_MAX 32 /* trusted proxies: a deployment has a handful */

struct http_net {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	int bits; /* prefix length */
};

struct http_nets {
	int n;
	struct http_net net[HTTP_NETS_MAX];
};

/* Adds the comma-separated addresses or CIDR networks (IPv4 or IPv6) of spec to l. On a bad
 * entry, or past HTTP_NETS_MAX, E_INVALID with e naming the entry; l keeps what came before. */
int http_nets_add(struct http_nets *l, const char *spec, struct err *e) WUR;
/* 1 if the address text addr (IPv4, IPv6 or IPv4-mapped IPv6) lies in one of l's networks. */
int http_nets_has(const struct http_nets *l, const char *addr);
/* The client behind trusted proxies: the right-most address of the X-Forwarded-For list xff
 * that is not itself in l, written to out (n bytes) in canonical form; if every entry is
 * trusted, the left-most. -1 (out untouched) if xff is empty, or if an entry reached in that
 * walk is not an address: then the caller keeps the peer's address. */
int http_parse_xff(const struct http_nets *l, const char *xff, char *out, size_t n);
/* 1 if the X-Forwarded-Proto value v says https (its first element, case-insensitive). */
int http_parse_proto(const char *v);
/* 1 if a Transfer-Encoding value is one we read: absent, or exactly one "chunked". */
int http_parse_te(const char *te);

#endif
