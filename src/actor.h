/* actor.h: who is acting in a domain operation. Filled by auth from a session or a token,
 * or by the CLI; domain modules check role and region scope against it and audit with it. */
#ifndef RENDA_ACTOR_H
#define RENDA_ACTOR_H

#include <stdint.h>

struct actor {
	int64_t account_id; /* 0 for the command line */
	char username[48];
	char display_name[200];
	char role[24];
	char region_code[16];
	char region_name[200];
	char region_path[160]; /* "/329900/329981/": the scope is this subtree */
	int64_t handler_id;    /* the handling unit of a handler account, else 0 */
	int64_t deputy_id;     /* the deputy a deputy account belongs to, else 0 */
	int64_t station_id;    /* the one station a station's staff keep (bookings), else 0 */
	int must_change_password;
	int via_token;         /* authenticated by an API token, not a session */
	unsigned token_scopes; /* with via_token: the token's scopes (AUTH_SCOPE_* bits, auth.h) */
	char csrf_token[72];
	char client_addr[64];
};

#endif
