/* Unit tests of the dictionary segmenter: whole words (place names from the regions among them),
 * stop words dropped, no pieces across words as the character bigrams give, word-set similarity,
 * and the clear error of a missing dictionary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "region.h"
#include "text.h"
#include "words.h"

static void join(void *ctx, const char *w, size_t len)
{
	struct buf *b = ctx;
	if (b->len)
		buf_addc(b, ' ');
	buf_add(b, w, len);
}

static char *words_of(const char *s)
{
	struct buf b = BUF_INIT_CAP(4096);
	words_each(s, join, &b);
	return buf_detach(&b, NULL);
}

/* 1 if t is one of the space-separated words of w. */
static int has_word(const char *w, const char *t)
{
	size_t n = strlen(t);
	for (const char *p = w; (p = strstr(p, t)); p++)
		if ((p == w || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return 1;
	return 0;
}

/* The place names of the regions table become words. */
static void places(void **state)
{
	struct fixture *f = fixture_open(0);
	struct db_conn *c = db_acquire(f->db);
	struct err e = {0};
	char *w;
	(void)state;
	assert_int_equal(db_begin(c, &e), 0);
	assert_int_equal(region_insert(c, "329900", NULL, "示范市", "city", &e), 0);
	assert_int_equal(region_insert(c, "329981", "329900", "白塔市", "county", &e), 0);
	assert_int_equal(region_insert(c, "329981101", "329981", "清河镇", "township", &e), 0);
	assert_int_equal(region_insert(c, "329981102", "329981", "柳塘湾镇", "township", &e), 0);
	assert_int_equal(db_commit(c, &e), 0);
	db_release(f->db, c);
	w = words_of("柳塘湾镇卫生院");
	assert_string_not_equal(w, "柳塘湾镇 卫生院"); /* not a word before the regions are read */
	free(w);
	assert_int_equal(words_add_places(f->db, &e), 0);
	w = words_of("柳塘湾镇卫生院，柳塘湾的路");
	assert_string_equal(w, "柳塘湾镇 卫生院 柳塘湾"); /* the name, and the name without 镇 */
	free(w);
	/* a region made or renamed later (region.c calls words_add_place) */
	w = words_of("枫杨渡街道的枫杨渡码头");
	assert_string_not_equal(w, "枫杨渡街道 枫杨渡 码头");
	free(w);
	words_add_place("枫杨渡街道");
	w = words_of("枫杨渡街道的枫杨渡码头");
	assert_string_equal(w, "枫杨渡街道 枫杨渡 码头");
	free(w);
	fixture_close(f);
}

static void segments(void **state)
{
	struct buf b = BUF_INIT_CAP(4096);
	char *w;
	(void)state;
	words_add("清河镇");
	w = words_of("清河镇农贸市场的路灯坏了，我们希望尽快解决问题。");
	/* whole words; 的 了 我们 希望 尽快 解决问题 are stop words; punctuation is no word */
	assert_string_equal(w, "清河镇 农贸市场 路灯 坏了");
	free(w);
	/* the bigrams of the index cut across the words: what the hot words counted before */
	text_tokens("清河镇农贸市场", &b);
	assert_true(has_word(b.data, "贸市"));
	assert_true(has_word(b.data, "镇农"));
	w = words_of("清河镇农贸市场 中心小学 工业园区");
	assert_string_equal(w, "清河镇 农贸市场 中心 小学 工业园区");
	assert_false(has_word(w, "贸市"));
	assert_false(has_word(w, "镇农"));
	assert_false(has_word(w, "心小"));
	assert_false(has_word(w, "业园"));
	free(w);
	/* ASCII words lower-cased and whole; numbers and single characters are not words */
	w = words_of("WiFi信号差 2024 年 5G");
	assert_string_equal(w, "wifi 信号 5g");
	free(w);
	assert_true(words_stop("希望"));
	assert_true(words_stop("的"));
	assert_false(words_stop("路灯"));
	/* nothing from nothing, nor from text that is not UTF-8 */
	w = words_of("");
	assert_string_equal(w, "");
	free(w);
	w = words_of("路\xe7");
	assert_string_equal(w, "");
	free(w);
	buf_release(&b);
}

static void similarity(void **state)
{
	uint64_t a[WORDS_SET_MAX], b[WORDS_SET_MAX], u[WORDS_SET_MAX];
	size_t na, nb, nu;
	(void)state;
	na = words_set("樱桃街与和平路交叉口的路灯坏了好几天，晚上一片漆黑，行人走路很不安全，请尽快修理路灯。",
		       a, WORDS_SET_MAX);
	nb = words_set("樱桃街和平路交叉口的路灯坏了好几天了，晚上漆黑一片，行人走路不安全，希望尽快修好路灯。",
		       b, WORDS_SET_MAX);
	nu = words_set("樱桃街小学门口早上接送孩子的车辆太多，经常堵车，建议增加交警疏导交通。", u,
		       WORDS_SET_MAX);
	assert_true(na > 5 && nb > 5 && nu > 5);
	for (size_t i = 1; i < na; i++) /* sorted, distinct (路灯 twice is once) */
		assert_true(a[i - 1] < a[i]);
	assert_true(words_jaccard(a, na, b, nb) >= 0.5);
	assert_true(words_jaccard(a, na, u, nu) < 0.2);
	assert_true(words_jaccard(a, na, a, na) == 1.0);
	assert_true(words_jaccard(a, na, b, 0) == 0);
	/* at most max words kept */
	assert_int_equal(words_set("路灯 小区 噪音 物业 电梯", a, 3), 3);
}

/* The words stored at intake (words_join of body and place) split back into exactly the words,
 * in the order, that segmenting body then place gives: the hot words count the same either way. */
static void stored(void **state)
{
	static const char *const cases[][2] = {
		{"松岭镇鹦鹉林小区有人在阳台养了几十只鹦鹉，鹦鹉从清晨叫到深夜，希望管一管。", "松岭镇鹦鹉林小区"},
		{"清河镇农贸市场门口的WiFi信号差，5G也慢 2024 年", ""},
		{"的了。", "清河镇"},
		{"路灯坏了", NULL},
		{"", ""},
	};
	(void)state;
	words_add("清河镇");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf direct = BUF_INIT_CAP(4096), joined = BUF_INIT_CAP(4096),
			   split = BUF_INIT_CAP(4096);
		words_each(cases[i][0], join, &direct);
		words_each(cases[i][1], join, &direct);
		words_join(cases[i][0], cases[i][1], &joined);
		words_split(joined.data, join, &split);
		assert_false(buf_failed(&joined));
		assert_string_equal(split.data, direct.data);
		/* each word followed by the separator, which is in no word */
		assert_true(!joined.len || joined.data[joined.len - 1] == WORDS_SEP);
		assert_null(strstr(joined.data, "  "));
		buf_release(&direct);
		buf_release(&joined);
		buf_release(&split);
	}
	{
		struct buf b = BUF_INIT_CAP(4096);
		words_join("清河镇农贸市场的路灯坏了，我们希望尽快解决问题。", "清河镇", &b);
		assert_string_equal(b.data, "清河镇 农贸市场 路灯 坏了 清河镇 ");
		buf_release(&b);
		/* a text without the last separator, and empty or missing ones, split as expected */
		words_split("路灯 坏了", join, &b);
		assert_string_equal(b.data, "路灯 坏了");
		buf_reset(&b);
		words_split("", join, &b);
		words_split(NULL, join, &b);
		assert_int_equal(b.len, 0);
		buf_release(&b);
	}
}

static void *seg_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < 200; i++) {
		char *w = words_of("清河镇农贸市场的路灯坏了，晚上一片漆黑。");
		if (strcmp(w, "清河镇 农贸市场 路灯 坏了 晚上 一片 漆黑"))
			return w;
		free(w);
		if (i % 50 == 0)
			words_add(i % 100 ? "樱桃街" : "和平路");
	}
	return NULL;
}

/* Threads segment at once (each with its own friso task) while a word is added. */
static void threads(void **state)
{
	pthread_t t[4];
	(void)state;
	words_add("清河镇");
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, seg_thread, NULL), 0);
	for (int i = 0; i < 4; i++) {
		void *bad;
		pthread_join(t[i], &bad);
		if (bad)
			fail_msg("thread %d: %s", i, (char *)bad);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(places), cmocka_unit_test(segments), cmocka_unit_test(similarity),
		cmocka_unit_test(stored), cmocka_unit_test(threads),
	};
	struct err e = {0};
	/* a directory without the dictionary: an error that names the file */
	if (!words_init("/nonexistent/dict", &e) ||
	    !strstr(e.msg, "/nonexistent/dict/friso.lex.ini") || !strstr(e.msg, "friso-dict")) {
		fprintf(stderr, "missing dictionary not reported: %s\n", e.msg);
		return 1;
	}
	if (words_init(NULL, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	return cmocka_run_group_tests_name("words", tests, NULL, NULL);
}
