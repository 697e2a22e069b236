/* role.h: the roles of DOMAIN §35 (three separated administrators plus the working roles)
 * and what each may do. */
#ifndef RENDA_ROLE_H
#define RENDA_ROLE_H

#include <jansson.h>

enum perm {
	PERM_REGION_READ = 1 << 0,
	PERM_REGION_WRITE = 1 << 1, /* regions and congress units */
	PERM_HANDLER_READ = 1 << 2,
	PERM_HANDLER_WRITE = 1 << 3,
	PERM_ACCOUNT_ADMIN = 1 << 4, /* accounts and API tokens */
	PERM_AUDIT_READ = 1 << 5,
	PERM_DEPUTY_READ = 1 << 6, /* the registry within scope */
	PERM_DEPUTY_WRITE = 1 << 7,
	PERM_DEPUTY_PERSONAL = 1 << 8,    /* deputies' phone numbers unmasked */
	PERM_STATION_WRITE = 1 << 9,      /* stations, schedules, duty rosters */
	PERM_OPINION_READ = 1 << 10,      /* citizens' opinions within scope */
	PERM_OPINION_INTAKE = 1 << 11,    /* register what was raised, answer on the spot */
	PERM_OPINION_MANAGE = 1 << 12,    /* classify, assign, merge, close, decide extensions */
	PERM_SUGGESTION_READ = 1 << 13,   /* deputies' suggestions and motions within scope */
	PERM_SUGGESTION_MANAGE = 1 << 14, /* intake, assignment, key supervision, motions' agenda */
	PERM_MEETING_READ = 1 << 15,      /* meetings of regions in scope */
	PERM_MEETING_RUN = 1 << 16, /* create and run meetings, check members in, enter tallies */
};

/* 1 if name is a known role. */
int role_valid(const char *name);
/* The role's Chinese name, or "" for an unknown role. */
const char *role_label(const char *name);
/* 1 if the role holds every permission in perms. */
int role_can(const char *name, unsigned perms);
/* The roles whose accounts act for someone: a handling unit's staff (the account's handler_id)
 * and a deputy (its deputy_id). What they see is decided by whom they act for, not by scope. */
int role_is_handler(const char *name);
int role_is_deputy(const char *name);
/* The three administrators (sysadmin, secadmin, auditor): made and changed only from the
 * server's command line, never through the API (等保 三员分立). */
int role_is_admin(const char *name);
/* An integration's account: never logs in with a password, acts only through API tokens. */
int role_is_service(const char *name);
/* NULL-terminated list of role identifiers. */
extern const char *const role_names[];
/* {role: Chinese name} for every role, in the roles' order: a new object owned by the caller. */
json_t *role_labels(void);

#endif
