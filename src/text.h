/* text.h: Chinese text for search and similarity. One tokenizer (CJK character bigrams plus
 * lower-cased ASCII words) feeds both SQLite FTS5 and PostgreSQL's tsvector ('simple'), so a
 * two-character query such as 路灯 is an index lookup on both backends; MinHash signatures over
 * the same shingles find near-duplicate opinions. */
#ifndef RENDA_TEXT_H
#define RENDA_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define TEXT_MINHASH 32 /* signature length: estimates Jaccard similarity within about ±0.09 */

/* Appends the tokens of s to out, separated by spaces: each pair of adjacent CJK characters,
 * a lone CJK character as itself, and ASCII letters/digits as lower-case words. */
void text_tokens(const char *s, struct buf *out);
/* The query for the index: the tokens of q joined so that all must match (FTS5: "a" AND "b";
 * tsquery: a & b). Returns the number of tokens (0: nothing to search). */
size_t text_fts5_query(const char *q, struct buf *out);
size_t text_tsquery(const char *q, struct buf *out);
/* Appends a full-text condition on table alias's search tokens for query q to sql, and sets
 * *param (malloc'd, the caller frees) to its one parameter: FTS5's MATCH on SQLite (the table
 * T has T_fts), a tsquery on PostgreSQL (T has search_tsv). Returns 0 when q has no token. */
size_t text_match_sql(int pg, const char *table, const char *alias, const char *q, struct buf *sql,
		      char **param);
/* Appends a token for each region on a path ("/329900/329981/" gives " r329900 r329981"):
 * stored with an opinion's tokens, so a search within a region is one index lookup. */
void text_scope_tokens(const char *path, struct buf *out);
/* Narrows a query made by text_fts5_query or text_tsquery to the region whose path is given
 * (its last code). */
void text_query_scope(int pg, const char *path, struct buf *query);
/* MinHash signature of the set of s's tokens. */
void text_minhash(const char *s, uint32_t sig[TEXT_MINHASH]);
/* Estimated Jaccard similarity of two signatures, 0..1. */
double text_similarity(const uint32_t a[TEXT_MINHASH], const uint32_t b[TEXT_MINHASH]);
/* Signature as 8*TEXT_MINHASH hex characters (out holds that plus NUL) and back. */
void text_sig_hex(const uint32_t sig[TEXT_MINHASH], char *out);
int text_sig_parse(const char *hex, uint32_t sig[TEXT_MINHASH]);

#endif
