/* libFuzzer target: the request pieces renda parses itself (http_parse.h): trusted-proxy
 * networks, X-Forwarded-For, X-Forwarded-Proto, Transfer-Encoding. Whatever the bytes, no crash
 * or leak, and a client address taken from X-Forwarded-For is a real address that, unless every
 * entry was a proxy, is not a trusted proxy. */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_nets proxies;
	static int ready;
	struct http_nets nets = {0};
	struct err e = {0};
	char *s = malloc(size + 1), out[64], dummy[16];

	if (!ready) {
		if (http_nets_add(&proxies, "10.0.0.0/8,192.168.1.1,fd00::/8", &e))
			abort();
		ready = 1;
	}
	memcpy(s, data, size);
	s[size] = '\0';
	(void)http_parse_te(s);
	(void)http_parse_proto(s);
	if (http_nets_add(&nets, s, &e) == 0 && nets.n == 0)
		abort(); /* accepted, yet added nothing */
	(void)http_nets_has(&nets, s);
	if (http_parse_xff(&proxies, s, out, sizeof(out)) == 0) {
		if (inet_pton(AF_INET, out, dummy) != 1 && inet_pton(AF_INET6, out, dummy) != 1)
			abort(); /* not an address */
		/* a trusted proxy is the answer only if the right-most entry, which the walk
		 * starts from, was a trusted proxy too */
		const char *last = strrchr(s, ',');
		if (http_nets_has(&proxies, out) && !http_nets_has(&proxies, last ? last + 1 : s))
			abort();
	}
	free(s);
	return 0;
}
