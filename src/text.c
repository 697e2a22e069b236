#include "text.h"

#include <stdio.h>
#include <string.h>

/* Decodes one UTF-8 code point at *p. Input is checked at the edge, but a bad or truncated
 * sequence (stored text, a path) must still never step over the terminating NUL: it gives some
 * code point and the next call starts at the first byte not consumed. */
static uint32_t next_cp(const char **p)
{
	const unsigned char *s = (const unsigned char *)*p;
	uint32_t c = s[0];
	int n = 0, i;
	if (c < 0x80)
		n = 0;
	else if ((c & 0xE0) == 0xC0)
		c &= 0x1F, n = 1;
	else if ((c & 0xF0) == 0xE0)
		c &= 0x0F, n = 2;
	else
		c &= 0x07, n = 3;
	for (i = 1; i <= n && s[i]; i++)
		c = (c << 6) | (s[i] & 0x3F);
	*p += i;
	return c;
}

static int is_cjk(uint32_t c)
{
	return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
	       (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FA1F);
}

static int is_word(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static void put_cp(struct buf *b, uint32_t c)
{
	char u[4];
	if (c < 0x800) {
		u[0] = (char)(0xC0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3F));
		buf_add(b, u, 2);
	} else if (c < 0x10000) {
		u[0] = (char)(0xE0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		u[2] = (char)(0x80 | (c & 0x3F));
		buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | (c >> 18));
		u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		u[3] = (char)(0x80 | (c & 0x3F));
		buf_add(b, u, 4);
	}
}

/* Calls fn for each token of s; the token is written into tok (reset for each). */
static void each_token(const char *s, void (*fn)(void *, const struct buf *), void *ctx)
{
	struct buf tok = BUF_INIT_CAP(256);
	uint32_t prev = 0; /* the previous CJK character of the current run, or 0 */
	int run = 0;       /* CJK characters in the current run */
	const char *p = s;

	while (*p) {
		uint32_t c = next_cp(&p);
		if (is_cjk(c)) {
			if (prev) {
				buf_reset(&tok);
				put_cp(&tok, prev);
				put_cp(&tok, c);
				fn(ctx, &tok);
			}
			prev = c;
			run++;
			continue;
		}
		if (run == 1) { /* a lone CJK character is a token of its own */
			buf_reset(&tok);
			put_cp(&tok, prev);
			fn(ctx, &tok);
		}
		prev = 0;
		run = 0;
		if (is_word(c)) {
			buf_reset(&tok);
			buf_addc(&tok, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
			while (*p && is_word((unsigned char)*p)) {
				char ch = *p++;
				if (tok.len < 64) /* a very long "word" is not worth indexing whole */
					buf_addc(&tok, (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch));
			}
			fn(ctx, &tok);
		}
	}
	if (run == 1) {
		buf_reset(&tok);
		put_cp(&tok, prev);
		fn(ctx, &tok);
	}
	buf_release(&tok);
}

static void append_token(void *ctx, const struct buf *t)
{
	struct buf *out = ctx;
	if (out->len)
		buf_addc(out, ' ');
	buf_add(out, t->data, t->len);
}

void text_tokens(const char *s, struct buf *out)
{
	each_token(s, append_token, out);
}

struct query {
	struct buf *out;
	size_t n;
	int pg;
};

static void append_query(void *ctx, const struct buf *t)
{
	struct query *q = ctx;
	if (q->n++)
		buf_adds(q->out, q->pg ? " & " : " AND ");
	/* Tokens are letters, digits and CJK only: quoting keeps FTS5 from reading operators. */
	if (q->pg) {
		buf_addc(q->out, '\'');
		buf_add(q->out, t->data, t->len);
		buf_addc(q->out, '\'');
	} else {
		buf_addc(q->out, '"');
		buf_add(q->out, t->data, t->len);
		buf_addc(q->out, '"');
	}
}

size_t text_fts5_query(const char *q, struct buf *out)
{
	struct query x = {out, 0, 0};
	each_token(q, append_query, &x);
	return x.n;
}

size_t text_tsquery(const char *q, struct buf *out)
{
	struct query x = {out, 0, 1};
	each_token(q, append_query, &x);
	return x.n;
}

void text_scope_tokens(const char *path, struct buf *out)
{
	for (const char *p = path; p && *p; p++) {
		const char *end = strchr(p + 1, '/');
		if (*p != '/' || !end)
			continue;
		if (end > p + 1) {
			buf_adds(out, " r");
			buf_add(out, p + 1, (size_t)(end - p - 1));
		}
	}
}

/* The last code of path ("/329900/329981/" gives "329981" in *code, 6), 0 if there is none. */
static int last_code(const char *path, const char **code)
{
	size_t len = path ? strlen(path) : 0;
	const char *p;
	if (len < 2 || path[len - 1] != '/')
		return 0;
	for (p = path + len - 2; p > path && p[-1] != '/'; p--)
		;
	*code = p;
	return (int)(path + len - 1 - p);
}

void text_query_scope(int pg, const char *path, struct buf *query)
{
	const char *code;
	int n = last_code(path, &code);
	if (n)
		buf_addf(query, pg ? " & 'r%.*s'" : " AND \"r%.*s\"", n, code);
}


static uint32_t fnv(const char *s, size_t n, uint32_t seed)
{
	uint32_t h = 2166136261u ^ seed;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	/* a final mix, so that seeds give independent-looking permutations */
	h ^= h >> 15;
	h *= 0x2c1b3c6dU;
	h ^= h >> 12;
	h *= 0x297a2d39U;
	h ^= h >> 15;
	return h;
}

struct mh {
	uint32_t *sig;
	int any;
};

static void minhash_token(void *ctx, const struct buf *t)
{
	struct mh *m = ctx;
	m->any = 1;
	for (int i = 0; i < TEXT_MINHASH; i++) {
		uint32_t h = fnv(t->data, t->len, (uint32_t)i * 0x9E3779B9u + 1);
		if (h < m->sig[i])
			m->sig[i] = h;
	}
}

void text_minhash(const char *s, uint32_t sig[TEXT_MINHASH])
{
	struct mh m = {sig, 0};
	for (int i = 0; i < TEXT_MINHASH; i++)
		sig[i] = UINT32_MAX;
	each_token(s, minhash_token, &m);
}

double text_similarity(const uint32_t a[TEXT_MINHASH], const uint32_t b[TEXT_MINHASH])
{
	int same = 0;
	if (a[0] == UINT32_MAX || b[0] == UINT32_MAX)
		return 0; /* an empty text resembles nothing */
	for (int i = 0; i < TEXT_MINHASH; i++)
		same += a[i] == b[i];
	return (double)same / TEXT_MINHASH;
}

void text_sig_hex(const uint32_t sig[TEXT_MINHASH], char *out)
{
	for (int i = 0; i < TEXT_MINHASH; i++)
		snprintf(out + 8 * i, 9, "%08x", sig[i]);
}

int text_sig_parse(const char *hex, uint32_t sig[TEXT_MINHASH])
{
	if (!hex || strlen(hex) != 8 * TEXT_MINHASH)
		return -1;
	for (int i = 0; i < TEXT_MINHASH; i++) {
		uint32_t v = 0;
		for (int k = 0; k < 8; k++) {
			char c = hex[8 * i + k];
			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (uint32_t)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (uint32_t)(c - 'a' + 10);
			else
				return -1;
		}
		sig[i] = v;
	}
	return 0;
}

size_t text_match_sql(int pg, const char *table, const char *alias, const char *q, struct buf *sql,
		      char **param)
{
	struct buf b = BUF_INIT_CAP(4096);
	size_t n = pg ? text_tsquery(q, &b) : text_fts5_query(q, &b);
	*param = NULL;
	if (!n || buf_failed(&b)) {
		buf_release(&b);
		return 0;
	}
	if (pg)
		buf_addf(sql, " AND %s.search_tsv @@ to_tsquery('simple', ?)", alias);
	else
		buf_addf(sql, " AND %s.id IN (SELECT rowid FROM %s_fts WHERE %s_fts MATCH ?)",
			 alias, table, table);
	*param = buf_detach(&b, NULL);
	return n;
}
