/* api_session.c: health, login, the current user, logout, changing one's password. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "auth.h"
#include "jsonx.h"
#include "limit.h"

static int health(struct call *c)
{
	c->out = json_pack("{s:s}", "status", "ok");
	return 0;
}

static void set_cookie(struct call *c, const char *value, int max_age)
{
	char v[256];
	/* Secure whenever the client's connection is HTTPS (a trusted proxy's X-Forwarded-Proto). */
	snprintf(v, sizeof(v), "renda_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
		 value, max_age, c->req->https ? "; Secure" : "");
	http_reply_header(c->rep, "Set-Cookie", v);
}

static int login(struct call *c)
{
	static const struct jfield spec[] = {{"username", JF_STR, 1, 1, LIMIT_USERNAME_MAX, "用户名"},
					     {"password", JF_STR, 1, 1, LIMIT_PASSWORD_MAX, "密码"},
					     {NULL, 0, 0, 0, 0, NULL}};
	char token[AUTH_TOKEN_HEX + 1];
	int rc;

	if ((rc = jsonx_check(c->in, spec, &c->err)))
		return rc;
	if ((rc = auth_login(c->app->db, jsonx_str(c->in, "username"), jsonx_str(c->in, "password"),
			     c->req->client_addr, &c->actor, token, &c->err)))
		return rc;
	/* The cookie outlives idle expiry on the server, which is what ends the session. */
	set_cookie(c, token, 12 * 3600);
	c->out = json_pack("{s:o, s:s}", "user", auth_user_json(&c->actor), "csrf_token", c->actor.csrf_token);
	return 0;
}

static int whoami(struct call *c)
{
	c->out = json_pack("{s:o, s:s}", "user", auth_user_json(&c->actor), "csrf_token",
			   c->actor.via_token ? "" : c->actor.csrf_token);
	return 0;
}

static int logout(struct call *c)
{
	int rc;
	if (c->session && (rc = auth_logout(c->app->db, &c->actor, c->session, &c->err)))
		return rc;
	set_cookie(c, "", 0);
	c->status = 204;
	return 0;
}

static int change_password(struct call *c)
{
	int rc = auth_change_password(c->app->db, &c->actor, c->session, c->in, &c->err);
	if (!rc)
		c->status = 204;
	return rc;
}

const struct route api_session_routes[] = {
	{"GET", "/api/v1/health", health, API_PUBLIC},
	{"POST", "/api/v1/session", login, API_PUBLIC | API_BODY},
	{"GET", "/api/v1/session", whoami, API_ANY_PW},
	{"DELETE", "/api/v1/session", logout, API_ANY_PW},
	{"POST", "/api/v1/session/password", change_password, API_BODY | API_ANY_PW},
	{NULL, NULL, NULL, 0},
};
