#include "role.h"

#include <string.h>

struct role {
	const char *name;
	const char *label;
	unsigned perms;
};

/* The three administrators are separated (等保 三员分立): the system administrator shapes the
 * region tree but manages no accounts, the security administrator manages accounts but no
 * business data, and only the auditor reads the audit trail. */
#define STAFF                                                                                \
	(PERM_REGION_READ | PERM_HANDLER_READ | PERM_HANDLER_WRITE | PERM_DEPUTY_READ |      \
	 PERM_DEPUTY_WRITE | PERM_DEPUTY_PERSONAL | PERM_STATION_WRITE | PERM_OPINION_READ | \
	 PERM_OPINION_INTAKE | PERM_OPINION_MANAGE | PERM_SUGGESTION_READ |                  \
	 PERM_SUGGESTION_MANAGE | PERM_MEETING_READ | PERM_MEETING_RUN)

static const struct role roles[] = {
	{"sysadmin", "系统管理员", PERM_REGION_READ | PERM_REGION_WRITE | PERM_HANDLER_READ | PERM_HANDLER_WRITE},
	{"secadmin", "安全管理员", PERM_REGION_READ | PERM_ACCOUNT_ADMIN | PERM_HANDLER_READ},
	{"auditor", "安全审计员", PERM_AUDIT_READ},
	{"city_staff", "市人大工作人员", STAFF},
	{"county_staff", "县(区)人大工作人员", STAFF},
	{"unit_staff", "基层人大工作人员", STAFF},
	{"station_staff", "联络站工作人员",
	 PERM_REGION_READ | PERM_DEPUTY_READ | PERM_STATION_WRITE | PERM_OPINION_READ |
		 PERM_OPINION_INTAKE | PERM_MEETING_READ},
	{"deputy", "人大代表", PERM_REGION_READ | PERM_OPINION_INTAKE},
	{"handler", "承办单位", PERM_REGION_READ},
	/* An integration's account: no password, reached only by API tokens, whose scopes narrow
	 * this further (auth.c). It reads masked data and registers opinions, nothing more. */
	{"service", "集成服务账号",
	 PERM_REGION_READ | PERM_HANDLER_READ | PERM_DEPUTY_READ | PERM_OPINION_READ |
		 PERM_OPINION_INTAKE | PERM_SUGGESTION_READ | PERM_MEETING_READ},
};

const char *const role_names[] = {
	"sysadmin",   "secadmin",      "auditor", "city_staff", "county_staff",
	"unit_staff", "station_staff", "deputy",  "handler",    "service",
	NULL};

static const struct role *find(const char *name)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (name && strcmp(roles[i].name, name) == 0)
			return &roles[i];
	return NULL;
}

int role_valid(const char *name)
{
	return find(name) != NULL;
}

const char *role_label(const char *name)
{
	const struct role *r = find(name);
	return r ? r->label : "";
}

int role_can(const char *name, unsigned perms)
{
	const struct role *r = find(name);
	return r && (r->perms & perms) == perms;
}

json_t *role_labels(void)
{
	json_t *o = json_object();
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		json_object_set_new(o, roles[i].name, json_string(roles[i].label));
	return o;
}

int role_is_handler(const char *name)
{
	return name && !strcmp(name, "handler");
}

int role_is_deputy(const char *name)
{
	return name && !strcmp(name, "deputy");
}

int role_is_admin(const char *name)
{
	return name &&
	       (!strcmp(name, "sysadmin") || !strcmp(name, "secadmin") || !strcmp(name, "auditor"));
}

int role_is_service(const char *name)
{
	return name && !strcmp(name, "service");
}
