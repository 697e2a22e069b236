/* group.h: deputy groups (代表小组): the deputies of one congress grouped for their activities
 * between sessions, each with a leader. A deputy belongs to a group through a current mandate
 * in the group's congress (mandates.group_id). */
#ifndef RENDA_GROUP_H
#define RENDA_GROUP_H

#include <jansson.h>

#include "actor.h"
#include "db.h"

/* The groups of the congresses in region's subtree (the actor's when NULL): a new
 * {"items":[...]} owned by the caller. */
int group_list(struct db *db, const struct actor *a, const char *region, json_t **out, struct err *e) WUR;
/* One group with its members, as {"group":{...}}; a deputy account reads the groups it
 * belongs to (any other is E_NOTFOUND). */
int group_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e) WUR;
/* Creates a group from {"region_code","name","leader_id"?}; the leader needs a current
 * mandate in that congress. E_CONFLICT "duplicate" on a name already used there. */
int group_create(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e) WUR;
/* Renames the group or changes its leader ({"name"?,"leader_id"?}). */
int group_update(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		 struct err *e) WUR;
/* Deletes the group; its members' mandates stay, without a group. */
int group_delete(struct db *db, const struct actor *a, int64_t id, struct err *e) WUR;
/* Sets the members {"deputy_ids":[...]}: each needs a current mandate in the group's congress. */
int group_set_members(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		      struct err *e) WUR;

#endif
