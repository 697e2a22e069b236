/* Unit tests of personal-data encryption (SM4-CTR + HMAC-SM3), blind index and masks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"

static const unsigned char key1[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
				       12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
				       23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

static void round_trip(void **state)
{
	char *a = NULL, *b = NULL, *plain = NULL;
	struct err e = {0};
	(void)state;
	crypto_set_key(key1);
	assert_int_equal(crypto_seal("13812341234", &a, &e), 0);
	assert_int_equal(crypto_seal("13812341234", &b, &e), 0);
	assert_non_null(strstr(a, "s1:"));
	assert_null(strstr(a, "1381234")); /* not in the clear */
	assert_string_not_equal(a, b);     /* a fresh IV each time */
	assert_int_equal(crypto_open(a, &plain, &e), 0);
	assert_string_equal(plain, "13812341234");
	free(plain);
	assert_int_equal(crypto_seal("", &plain, &e), 0); /* empty text seals too */
	free(plain);
	free(a);
	free(b);
}

static void tamper_is_detected(void **state)
{
	char *a = NULL, *plain = NULL;
	struct err e = {0};
	unsigned char other[32] = {9};
	(void)state;
	crypto_set_key(key1);
	assert_int_equal(crypto_seal("329981199001011234", &a, &e), 0);
	a[10] = a[10] == 'A' ? 'B' : 'A';
	assert_int_equal(crypto_open(a, &plain, &e), E_INVALID);
	assert_string_equal(e.code, "tampered");
	a[10] = a[10] == 'A' ? 'B' : 'A';
	free(a);
	/* another key cannot open it */
	assert_int_equal(crypto_seal("x", &a, &e), 0);
	crypto_set_key(other);
	assert_int_equal(crypto_open(a, &plain, &e), E_INVALID);
	assert_int_equal(crypto_open("garbage", &plain, &e), E_INVALID);
	free(a);
}

static void blind_index(void **state)
{
	char x[65], y[65], z[65];
	struct err e = {0};
	(void)state;
	crypto_set_key(key1);
	assert_int_equal(crypto_blind_index("329981199001011234", x, &e), 0);
	assert_int_equal(crypto_blind_index("329981199001011234", y, &e), 0);
	assert_int_equal(crypto_blind_index("329981199001011235", z, &e), 0);
	assert_string_equal(x, y);
	assert_string_not_equal(x, z);
	assert_int_equal(strlen(x), 64);
}

static void masks(void **state)
{
	char out[40];
	(void)state;
	crypto_mask_phone("13812341234", out, sizeof(out));
	assert_string_equal(out, "138****1234");
	crypto_mask_id("329981199001011234", out, sizeof(out));
	assert_string_equal(out, "329981********1234");
	crypto_mask_phone("123", out, sizeof(out));
	assert_string_equal(out, "***");
}

/* The plain SM3 of the audit chain: GB/T 32905 sample 1 ("abc"), and no key involved. */
static void sm3_plain(void **state)
{
	char h[65];
	(void)state;
	crypto_sm3_hex("abc", 3, h);
	assert_string_equal(h, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
	crypto_sm3_hex("abd", 3, h);
	assert_string_not_equal(h, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
}

static void key_file(void **state)
{
	char path[] = "/tmp/renda-key-XXXXXX";
	char *a = NULL, *plain = NULL;
	struct err e = {0};
	struct stat st;
	int fd = mkstemp(path);
	(void)state;
	close(fd);
	unlink(path);
	assert_int_equal(crypto_load_key(path, 0, &e), E_INVALID); /* absent, not created */
	assert_int_equal(crypto_load_key(path, 1, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(crypto_seal("秘密", &a, &e), 0);
	crypto_set_key(key1);
	assert_int_equal(crypto_load_key(path, 0, &e), 0); /* the same key again */
	assert_int_equal(crypto_open(a, &plain, &e), 0);
	assert_string_equal(plain, "秘密");
	free(plain);
	free(a);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),  cmocka_unit_test(tamper_is_detected),
		cmocka_unit_test(blind_index), cmocka_unit_test(masks),
		cmocka_unit_test(key_file),    cmocka_unit_test(sm3_plain),
	};
	return cmocka_run_group_tests_name("crypto", tests, NULL, NULL);
}
