/* region.h: the region tree (行政区划, GB/T 2260-style codes), the congress unit of each region
 * (人大机构), and the scope check every other module uses. */
#ifndef RENDA_REGION_H
#define RENDA_REGION_H

#include <jansson.h>

#include "actor.h"
#include "db.h"

/* Checks that region `code` exists and lies in the actor's subtree: E_NOTFOUND, or
 * E_FORBIDDEN "out_of_scope". On success copies its path into path (may be NULL). */
int region_scope(struct db_conn *c, const struct actor *a, const char *code, char *path,
		 size_t pathlen, struct err *e) WUR;
/* region_scope for a region a request names in one of its fields: an absent region is E_INVALID
 * "bad_region" "<label>不存在" naming the field, not E_NOTFOUND (the request is wrong, not the URL). */
int region_scope_field(struct db_conn *c, const struct actor *a, const char *code, const char *field,
		       const char *label, char *path, size_t pathlen, struct err *e) WUR;
/* The path a list or a report covers: the region its filter names, checked by region_scope,
 * or the actor's own subtree when region is NULL or "". Copies the path into path. */
int region_filter_path(struct db_conn *c, const struct actor *a, const char *region, char *path,
		       size_t pathlen, struct err *e) WUR;
/* The congress a list's filter names (a region whose deputies are listed): it must exist and be
 * within the actor's subtree or on the path above it (the congresses the actor's region sends
 * deputies to); another county's is E_FORBIDDEN "out_of_scope", as any foreign filter. Nothing to
 * check when code is NULL or "". */
int region_filter_congress(struct db_conn *c, const struct actor *a, const char *code, struct err *e) WUR;
/* 1 if the stored path lies within the actor's subtree. */
int region_path_in_scope(const struct actor *a, const char *path);
/* The LIKE pattern of the subtree under a region path ("/329900/329981/" → "/329900/329981/%")
 * into pat (n bytes, REGION_PATTERN_MAX is enough for any path). A path that does not fit gives
 * "", which matches no region, so a cut-off pattern can never widen a scope. Returns pat. */
#define REGION_PATTERN_MAX 200
const char *region_like_pattern(const char *path, char *pat, size_t n);

/* The tree under the actor's region: a new {"regions":[...]} owned by the caller. */
int region_tree(struct db *db, const struct actor *a, json_t **out, struct err *e) WUR;
/* One region with its unit and direct children, as the JSON text {"region":{...}} (malloc'd,
 * owned by the caller). Served from the region cache when it can be. */
int region_get(struct db *db, const struct actor *a, const char *code, char **out, struct err *e) WUR;
/* Creates a region from {"code","name","level","parent_code"} (validated here). */
int region_create(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e) WUR;
int region_rename(struct db *db, const struct actor *a, const char *code, json_t *in, json_t **out,
		  struct err *e) WUR;
/* Deletes a leaf region that nothing refers to; E_CONFLICT "in_use" otherwise. */
int region_delete(struct db *db, const struct actor *a, const char *code, struct err *e) WUR;
/* Creates or updates the region's congress unit from {"name","kind","address","phone"}. */
int region_set_unit(struct db *db, const struct actor *a, const char *code, json_t *in,
		    json_t **out, struct err *e) WUR;

/* For the demo and the CLI: inserts a region with its path computed from the parent, inside
 * the caller's transaction, without checks beyond the database's. */
int region_insert(struct db_conn *c, const char *code, const char *parent, const char *name,
		  const char *level, struct err *e) WUR;
int region_insert_unit(struct db_conn *c, const char *code, const char *name, const char *kind,
		       const char *address, const char *phone, struct err *e) WUR;

/* The kind of congress unit a region of that level has. */
const char *region_unit_kind_for(const char *level);

/* Validates a region code for a level under a parent (pure; for tests and region_create). */
int region_check_code(const char *code, const char *level, const char *parent_code,
		      const char *parent_level, struct err *e) WUR;

#endif
