/* api_account.c: accounts and API tokens, for the security administrator. */
#include "account.h"
#include "api.h"
#include "auth.h"

static int list(struct call *c)
{
	struct listq q;
	const char *role, *region;
	int rc;

	if ((rc = api_listq(c, &q)) || (rc = api_qstr(c, "role", &role)) ||
	    (rc = api_qstr(c, "region", &region)))
		return rc;
	return account_list(c->app->db, &c->actor, role, region, &q, &c->out, &c->err);
}

API_GET_ID(get, account_get)
API_CREATE(create, account_create)
API_BY_ID(update, account_update, 0)

static int lock(struct call *c)
{
	int64_t id;
	int rc = api_id(c, 0, &id);
	return rc ? rc : account_set_lock(c->app->db, &c->actor, id, 1, &c->out, &c->err);
}

static int unlock(struct call *c)
{
	int64_t id;
	int rc = api_id(c, 0, &id);
	return rc ? rc : account_set_lock(c->app->db, &c->actor, id, 0, &c->out, &c->err);
}

static int reset_password(struct call *c)
{
	int64_t id;
	int rc = api_id(c, 0, &id);
	c->status = 204;
	return rc ? rc : account_reset_password(c->app->db, &c->actor, id, c->in, &c->err);
}

API_GET(token_list, auth_token_list)

static int token_scopes(struct call *c)
{
	c->out = json_pack("{s:o}", "items", auth_token_scopes());
	return 0;
}
API_CREATE(token_create, auth_token_create)
API_DEL_ID(token_revoke, auth_token_revoke)

const struct route api_account_routes[] = {
	{"GET", "/api/v1/accounts", list, 0},
	{"POST", "/api/v1/accounts", create, API_BODY},
	{"GET", "/api/v1/accounts/:id", get, 0},
	{"PATCH", "/api/v1/accounts/:id", update, API_BODY},
	{"POST", "/api/v1/accounts/:id/lock", lock, API_BODY_OPT},
	{"POST", "/api/v1/accounts/:id/unlock", unlock, API_BODY_OPT},
	{"POST", "/api/v1/accounts/:id/password", reset_password, API_BODY},
	{"GET", "/api/v1/tokens", token_list, 0},
	{"GET", "/api/v1/tokens/scopes", token_scopes, 0},
	{"POST", "/api/v1/tokens", token_create, API_BODY},
	{"DELETE", "/api/v1/tokens/:id", token_revoke, 0},
	{NULL, NULL, NULL, 0},
};
