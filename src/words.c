/* words.c: the dictionary segmenter (words.h). One friso dictionary and configuration for the
 * process, read by every thread under a read lock (words_add takes the write lock to add a
 * place name); each thread segments with its own friso task, freed when the thread ends. */
#include "words.h"

#include <friso.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define WORDS_MAX_CHARS \
	7 /* the longest dictionary word matched: a place name such as 清河经济开发区 */

/* Words every citizen's report uses, which tell nothing of what it is about (beside friso's own
 * list of function words: 的, 了, 是 ...). */
static const char *const stop_list[] = {
	"我们", "你们", "他们",     "大家",   "希望", "问题", "反映", "建议", "一个",
	"没有", "解决", "解决问题", "情况",   "群众", "政府", "相关", "部门", "相关部门",
	"进行", "可以", "存在",     "影响",   "及时", "尽快", "要求", "居民", "非常",
	"已经", "现在", "时候",     "不是",   "这个", "那个", "这些", "那些", "目前",
	"经常", "一直", "很多",     "比较",   "还是", "但是", "因为", "所以", "如果",
	"什么", "怎么", "这样",     "一下",   "一些", "能够", "需要", "有关", "方面",
	"一样", "特别", "严重",     "希望能", "请求", "麻烦", NULL};

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t task_key;
static friso_t friso;
static friso_config_t config;
static int loaded; /* 1 loaded, -1 failed */

const char *words_dict_dir(void)
{
	const char *env = getenv("RENDA_WORDS_DICT");
	return env && *env ? env : RENDA_WORDS_DICT;
}

static void free_task(void *task)
{
	friso_free_task(task);
}

/* Adds w to one of friso's lexicons unless it is there; the dictionary frees the copy. */
static void dic_add(friso_lex_t lex, const char *w)
{
	if (!friso_dic_match(friso->dic, lex, (fstring)w))
		friso_dic_add(friso->dic, lex, xstrdup(w), NULL);
}

int words_init(const char *dir, struct err *e)
{
	char dirbuf[4096], ini[4200];
	int rc = 0;

	pthread_mutex_lock(&init_lock);
	if (loaded > 0)
		goto out;
	if (!dir || !*dir)
		dir = words_dict_dir();
	/* friso joins the directory and the file names as given: the directory ends with '/' */
	snprintf(dirbuf, sizeof(dirbuf), "%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/");
	snprintf(ini, sizeof(ini), "%sfriso.lex.ini", dirbuf);
	/* friso only warns on stdout of a missing file: look first, and say what is missing */
	if (access(ini, R_OK)) {
		loaded = -1;
		rc = err_set(e, E_INTERNAL, "no_dictionary",
			     "找不到分词词典 %s（请安装 friso-dict，或用环境变量 RENDA_WORDS_DICT 指定词典目录）",
			     ini);
		goto out;
	}
	friso = friso_new();
	config = friso_new_config();
	config->max_len = WORDS_MAX_CHARS;
	config->add_syn = 0; /* no synonyms appended */
	config->r_name = 0;  /* no guessing of people's names: a place is not a name */
	config->clr_stw = 0; /* stop words are dropped here, after the cut */
	config->keep_urec = 0;
	config->en_sseg = 0; /* abc123 stays one word */
	/* forward maximum matching: MMSEG's complex mode weighs every three-word chunk and cut
	 * the year's hot words 30 times slower (15 s against 0.5 s on the medium demo) */
	friso_set_mode(config, __FRISO_SIMPLE_MODE__);
	friso->charset = FRISO_UTF8;
	friso->dic = friso_dic_new();
	friso_dic_load_from_ifile(friso, config, dirbuf, config->max_len * 3);
	for (size_t i = 0; stop_list[i]; i++)
		dic_add(__LEX_STOPWORDS__, stop_list[i]);
	pthread_key_create(&task_key, free_task);
	loaded = 1;
out:
	pthread_mutex_unlock(&init_lock);
	return rc;
}

/* The dictionary, loaded from the default place on first use if start-up did not. */
static int ready(void)
{
	if (__atomic_load_n(&loaded, __ATOMIC_ACQUIRE) > 0)
		return 1;
	if (!loaded) {
		struct err e = {0};
		if (words_init(NULL, &e))
			fprintf(stderr, "renda: %s\n", e.msg);
	}
	return loaded > 0;
}

void words_add(const char *word)
{
	size_t n = word ? util_utf8_len(word) : 0;
	/* before the dictionary is loaded there is nowhere to add: words_add_places after it */
	if (n < 2 || n > WORDS_MAX_CHARS || !util_utf8_valid(word, strlen(word)) ||
	    __atomic_load_n(&loaded, __ATOMIC_ACQUIRE) <= 0)
		return;
	pthread_rwlock_wrlock(&lock);
	dic_add(__LEX_CJK_WORDS__, word);
	pthread_rwlock_unlock(&lock);
}

void words_add_place(const char *name)
{
	static const char *const endings[] = {"街道", "社区", "镇", "乡", "村", NULL};
	size_t len = name ? strlen(name) : 0;
	words_add(name);
	for (size_t i = 0; endings[i]; i++) {
		size_t el = strlen(endings[i]);
		if (len > el && !strcmp(name + len - el, endings[i])) {
			char *stem = xstrndup(name, len - el);
			words_add(stem);
			free(stem);
			break;
		}
	}
}

static int place_row(void *ctx, int n, const char *const *c)
{
	(void)ctx;
	(void)n;
	words_add_place(c[0]);
	return 0;
}

static int places_read(struct db_conn *c, void *ctx, struct err *e)
{
	(void)ctx;
	return db_each(c, "SELECT name FROM regions", NULL, place_row, NULL, e);
}

int words_add_places(struct db *db, struct err *e)
{
	return db_read(db, places_read, NULL, e);
}

int words_add_places_in(struct db_conn *c, struct err *e)
{
	return places_read(c, NULL, e);
}

int words_stop(const char *w)
{
	int stop;
	if (!ready())
		return 0;
	pthread_rwlock_rdlock(&lock);
	stop = friso_dic_match(friso->dic, __LEX_STOPWORDS__, (fstring)w);
	pthread_rwlock_unlock(&lock);
	return stop;
}

/* A word worth counting: two or more CJK characters, or ASCII letters and digits (two or more,
 * not all digits). Punctuation, single characters and numbers are not. */
static int telling(const char *w, size_t len)
{
	size_t chars = 0, digits = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)w[i];
		if (ch >= 0x80) {
			if ((ch & 0xF0) != 0xE0) /* CJK is three bytes in UTF-8; nothing else passes */
				return 0;
			chars++;
			i += 2;
			continue;
		}
		if (ch >= '0' && ch <= '9')
			digits++;
		else if (!(ch >= 'a' && ch <= 'z'))
			return 0;
		chars++;
	}
	return chars >= 2 && digits < len;
}

void words_each(const char *s, words_fn fn, void *ctx)
{
	friso_task_t task;
	if (!s || !*s || !util_utf8_valid(s, strlen(s)) || !ready())
		return;
	if (!(task = pthread_getspecific(task_key))) {
		task = friso_new_task();
		pthread_setspecific(task_key, task);
	}
	pthread_rwlock_rdlock(&lock);
	friso_set_text(task, (fstring)s);
	while (config->next_token(friso, config, task)) {
		const char *w = task->token->word;
		size_t len = task->token->length;
		if (len >= sizeof(task->token->word))
			continue;
		if (telling(w, len) && !friso_dic_match(friso->dic, __LEX_STOPWORDS__, (fstring)w))
			fn(ctx, w, len);
	}
	friso_set_text(task, (fstring) "");
	pthread_rwlock_unlock(&lock);
}

static void join_word(void *ctx, const char *w, size_t len)
{
	buf_add(ctx, w, len);
	buf_addc(ctx, WORDS_SEP);
}

void words_join(const char *body, const char *place, struct buf *out)
{
	words_each(body, join_word, out);
	words_each(place, join_word, out);
}

void words_split(const char *joined, words_fn fn, void *ctx)
{
	const char *p = joined, *q;
	if (!p)
		return;
	while (*p) {
		if (!(q = strchr(p, WORDS_SEP)))
			q = p + strlen(p);
		if (q > p)
			fn(ctx, p, (size_t)(q - p));
		p = *q ? q + 1 : q;
	}
}

static uint64_t word_hash(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h ? h : 1;
}

struct set {
	uint64_t *v;
	size_t n, max;
};

static void set_word(void *ctx, const char *w, size_t len)
{
	struct set *s = ctx;
	if (s->n < s->max)
		s->v[s->n++] = word_hash(w, len);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

size_t words_set(const char *s, uint64_t *set, size_t max)
{
	struct set x = {set, 0, max};
	size_t k = 0;
	words_each(s, set_word, &x);
	qsort(set, x.n, sizeof(*set), cmp_u64);
	for (size_t i = 0; i < x.n; i++)
		if (!k || set[k - 1] != set[i])
			set[k++] = set[i];
	return k;
}

double words_jaccard(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	size_t i = 0, j = 0, same = 0;
	if (!na || !nb)
		return 0;
	while (i < na && j < nb) {
		if (a[i] == b[j])
			same++, i++, j++;
		else if (a[i] < b[j])
			i++;
		else
			j++;
	}
	return (double)same / (double)(na + nb - same);
}
