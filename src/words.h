/* words.h: Chinese words, for the hot words of the opinions and their similarity. Text is cut
 * into dictionary words by friso (maximum matching over Debian's friso-dict), with the region names added
 * as words (清河镇 stays whole) and a stop list (friso's function words and the words every
 * report uses: 希望, 问题, 我们 ...) dropped. Full-text search keeps its character bigrams
 * (text.h): a search must find any two characters; a hot word must be a word. */
#ifndef RENDA_WORDS_H
#define RENDA_WORDS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "db.h"
#include "err.h"

/* The dictionary's directory unless $RENDA_WORDS_DICT names another (the Makefile sets it from
 * pkg-config's friso). */
#ifndef RENDA_WORDS_DICT
#define RENDA_WORDS_DICT "/usr/share/friso/dict/UTF-8/"
#endif
#define WORDS_SET_MAX 256 /* distinct words of a text kept for its similarity */

/* Loads the dictionary from dir (friso.lex.ini and its .lex files); dir NULL or "" takes
 * $RENDA_WORDS_DICT, else the build's default (Debian's /usr/share/friso/dict/UTF-8/).
 * A missing dictionary is an error naming the path. Call once at start-up, before any thread
 * segments; later calls do nothing. Without it the first words_each loads the default. */
int words_init(const char *dir, struct err *e) WUR;
/* The directory words_init reads with dir NULL. */
const char *words_dict_dir(void);
/* Adds a word to the loaded dictionary (a place name); safe while other threads segment. */
void words_add(const char *word);
/* Adds a region's name, and the name without its 镇/乡/街道/村/社区 ending (清河镇, 清河). */
void words_add_place(const char *name);
/* Adds every region's name as words_add_place does. */
int words_add_places(struct db *db, struct err *e) WUR;
/* The same with the regions as c's transaction sees them (the demo, before it stores opinions). */
int words_add_places_in(struct db_conn *c, struct err *e) WUR;
/* 1 if w (NUL-terminated) is a stop word. */
int words_stop(const char *w);

/* Calls fn for each word of s that tells something: two or more CJK characters, or a word of
 * two or more ASCII letters and digits that is not a number, never a stop word. Safe from any
 * thread (each thread has its own friso task). Invalid UTF-8 gives no words. */
typedef void (*words_fn)(void *ctx, const char *w, size_t len);
void words_each(const char *s, words_fn fn, void *ctx);
/* The counted words of an opinion, kept in its column words so that the hot words are counted
 * without segmenting at every read: the words words_each yields of body, then of place, in that
 * order, each followed by WORDS_SEP (a space, which no word holds: a word is CJK characters or
 * a run of ASCII letters and digits). Appends to out; check buf_failed. */
#define WORDS_SEP ' '
void words_join(const char *body, const char *place, struct buf *out);
/* Calls fn for each word of a text made by words_join, in its order: what words_each gave. */
void words_split(const char *joined, words_fn fn, void *ctx);
/* The distinct words of s as sorted 64-bit hashes (at most max); returns how many. */
size_t words_set(const char *s, uint64_t *set, size_t max);
/* Jaccard similarity of two word sets made by words_set, 0..1 (0 if either is empty). */
double words_jaccard(const uint64_t *a, size_t na, const uint64_t *b, size_t nb);

#endif
