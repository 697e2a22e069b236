/* Unit tests of the request pieces renda parses itself: trusted-proxy networks,
 * X-Forwarded-For (the right-most address not a trusted proxy), X-Forwarded-Proto and
 * Transfer-Encoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "http_parse.h"

static struct http_nets proxies(void)
{
	struct http_nets l = {0};
	struct err e = {0};
	assert_int_equal(http_nets_add(&l, "10.0.0.0/8, 192.168.1.1,fd00::/8", &e), 0);
	assert_int_equal(http_nets_add(&l, "[2001:db8::1]", &e), 0);
	assert_int_equal(l.n, 4);
	return l;
}

static void networks(void **state)
{
	struct http_nets l = proxies(), bad = {0};
	struct err e = {0};
	(void)state;
	assert_true(http_nets_has(&l, "10.255.0.1"));
	assert_true(http_nets_has(&l, "::ffff:10.1.2.3")); /* IPv4-mapped */
	assert_true(http_nets_has(&l, "192.168.1.1"));
	assert_false(http_nets_has(&l, "192.168.1.2"));
	assert_false(http_nets_has(&l, "11.0.0.1"));
	assert_true(http_nets_has(&l, "fd12::5"));
	assert_true(http_nets_has(&l, "2001:db8::1"));
	assert_false(http_nets_has(&l, "2001:db8::2"));
	assert_false(http_nets_has(&l, "garbage"));
	assert_false(http_nets_has(&l, NULL));
	assert_false(http_nets_has(&bad, "10.0.0.1")); /* an empty list trusts no one */
	(void)e;
}

static void networks_refused(void **state)
{
	static const char *const bad[] = {"",        "proxy.example", "10.0.0.0/33", "10.0.0.1,",
					  "::1/129", "10.0.0.0/",     "10.0.0.0/-1", "10.0.0.0/8x",
					  "1.2.3"};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct http_nets l = {0};
		struct err e = {0};
		assert_int_equal(http_nets_add(&l, bad[i], &e), E_INVALID);
		assert_non_null(strstr(e.msg, "受信任的代理"));
	}
}

static void forwarded_for(void **state)
{
	struct http_nets l = proxies();
	char out[64];
	(void)state;
	assert_int_equal(http_parse_xff(&l, "203.0.113.7", out, sizeof(out)), 0);
	assert_string_equal(out, "203.0.113.7");
	/* the client's own entries, left of the right-most untrusted one, are not believed */
	assert_int_equal(http_parse_xff(&l, "1.1.1.1, 203.0.113.7", out, sizeof(out)), 0);
	assert_string_equal(out, "203.0.113.7");
	/* trusted proxies on the right are skipped */
	assert_int_equal(http_parse_xff(&l, "1.1.1.1,203.0.113.7 , 10.0.0.2,192.168.1.1", out, sizeof(out)), 0);
	assert_string_equal(out, "203.0.113.7");
	/* all proxies: the left-most */
	assert_int_equal(http_parse_xff(&l, "10.0.0.3, 10.0.0.2", out, sizeof(out)), 0);
	assert_string_equal(out, "10.0.0.3");
	assert_int_equal(http_parse_xff(&l, "[2001:DB8::7]", out, sizeof(out)), 0);
	assert_string_equal(out, "2001:db8::7");
	/* garbage where the walk must read: the peer is kept */
	memcpy(out, "kept", 5);
	assert_int_equal(http_parse_xff(&l, "203.0.113.7, unknown", out, sizeof(out)), -1);
	assert_int_equal(http_parse_xff(&l, "203.0.113.7,", out, sizeof(out)), -1);
	assert_int_equal(http_parse_xff(&l, "", out, sizeof(out)), -1);
	assert_int_equal(http_parse_xff(&l, "1.2.3.4:80", out, sizeof(out)), -1);
	assert_string_equal(out, "kept");
	/* garbage left of the client does not matter */
	assert_int_equal(http_parse_xff(&l, "unknown, 203.0.113.8", out, sizeof(out)), 0);
	assert_string_equal(out, "203.0.113.8");
}

static void proto_and_te(void **state)
{
	(void)state;
	assert_true(http_parse_proto("https"));
	assert_true(http_parse_proto(" HTTPS "));
	assert_true(http_parse_proto("https, http"));
	assert_false(http_parse_proto("http"));
	assert_false(http_parse_proto("httpsx"));
	assert_false(http_parse_proto(""));
	assert_false(http_parse_proto(NULL));
	assert_true(http_parse_te(NULL));
	assert_true(http_parse_te("chunked"));
	assert_true(http_parse_te(" Chunked "));
	assert_false(http_parse_te("gzip"));
	assert_false(http_parse_te("chunked, chunked"));
	assert_false(http_parse_te("gzip, chunked"));
	assert_false(http_parse_te(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(networks),
		cmocka_unit_test(networks_refused),
		cmocka_unit_test(forwarded_for),
		cmocka_unit_test(proto_and_te),
	};
	return cmocka_run_group_tests_name("http_parse", tests, NULL, NULL);
}
