/* libFuzzer target: the Chinese tokenizer behind both backends' full-text indexes, the index
 * queries built from a user's search text, the region scope tokens and MinHash signatures.
 * Whatever the bytes (edges check UTF-8, but stored text and paths reach here too), nothing
 * may read past the string; for valid UTF-8, tokens are valid UTF-8 and a query quotes every
 * token, so that nothing typed is read as an index operator. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

static size_t count(const char *s, size_t n, char c)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += s[i] == c;
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *param = NULL, hex[8 * TEXT_MINHASH + 1];
	struct buf tok = BUF_INIT_CAP(1u << 20), fts = BUF_INIT_CAP(1u << 20),
		   tsq = BUF_INIT_CAP(1u << 20), sql = BUF_INIT_CAP(4096);
	uint32_t a[TEXT_MINHASH], b[TEXT_MINHASH];
	size_t nf, nt, len;
	int valid;

	memcpy(s, data, size);
	s[size] = '\0';
	len = strlen(s);
	valid = util_utf8_valid(s, len);

	text_tokens(s, &tok);
	nf = text_fts5_query(s, &fts);
	nt = text_tsquery(s, &tsq);
	if (nf != nt)
		abort(); /* one tokenizer for both backends */
	if (valid && !buf_failed(&tok) && !util_utf8_valid(tok.data ? tok.data : "", tok.len))
		abort();
	if (valid && !buf_failed(&fts) &&
	    (count(fts.data ? fts.data : "", fts.len, '"') != 2 * nf ||
	     count(fts.data ? fts.data : "", fts.len, '\'') != 0))
		abort(); /* a token carried a quote: FTS5 would read the rest as syntax */
	if (valid && !buf_failed(&tsq) &&
	    (count(tsq.data ? tsq.data : "", tsq.len, '\'') != 2 * nt ||
	     count(tsq.data ? tsq.data : "", tsq.len, '\\') != 0))
		abort();
	if (nf && !buf_failed(&fts))
		text_query_scope(0, "/329900/329981/", &fts);
	text_query_scope(1, s, &tsq);
	text_scope_tokens(s, &tok);
	for (int pg = 0; pg < 2; pg++) {
		size_t n = text_match_sql(pg, "opinions", "o", s, &sql, &param);
		if ((n == 0) != (param == NULL))
			abort();
		free(param);
		param = NULL;
	}

	text_minhash(s, a);
	text_minhash(s, b);
	if (memcmp(a, b, sizeof(a)))
		abort();
	text_sig_hex(a, hex);
	if (text_sig_parse(hex, b) || memcmp(a, b, sizeof(a)))
		abort();
	if (text_similarity(a, b) != (a[0] == UINT32_MAX ? 0.0 : 1.0))
		abort();
	if (text_sig_parse(s, b) == 0) {
		text_sig_hex(b, hex);
		if (strcmp(hex, s))
			abort(); /* only lower-case hex of the exact length parses */
	}

	buf_release(&tok);
	buf_release(&fts);
	buf_release(&tsq);
	buf_release(&sql);
	free(s);
	return 0;
}
