/* main.c: the renda command line: serve, migrate, demo, user add, backup. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "account.h"
#include "actor.h"
#include "api.h"
#include "audit.h"
#include "db.h"
#include "demo.h"
#include "deputy_io.h"
#include "http.h"
#include "http_parse.h"
#include "jobs.h"
#include "limit.h"
#include "crypto.h"
#include "region.h"
#include "tx.h"
#include "words.h"

static const char usage[] =
	"用法: renda <命令> [选项]\n"
	"\n"
	"命令:\n"
	"  serve    --db URL [--listen HOST:PORT] [--web DIR] [--threads N] [--timeout S] [--quiet]\n"
	"           [--key-file FILE] [--public-url URL] [--notify-webhook URL] [--jobs-interval S]\n"
	"           [--trusted-proxy ADDR[/BITS][,...]]\n"
	"           提供网页和 JSON API（默认 127.0.0.1:8080）\n"
	"  migrate  --db URL              升级数据库结构\n"
	"  demo     --db URL --size small|medium|large [--seed N]\n"
	"           在空数据库中生成演示城市“示范市”\n"
	"  user add --db URL --username NAME --role ROLE --region CODE [--name 姓名]\n"
	"           新建账号，初始密码从标准输入读取，首次登录须修改\n"
	"  user passwd|lock|unlock|role --db URL --username NAME [--role ROLE] [--region CODE]\n"
	"           重置密码（从标准输入读取）、锁定、解锁、改角色；三员账号只能这样修改\n"
	"  import   deputies FILE --db URL  从 .xlsx 或 .csv 导入代表\n"
	"  backup   --db URL --to FILE    SQLite 在线备份\n"
	"  routes                         以 JSON 列出全部 API 路由（方法、路径、标志）\n"
	"  audit verify --db URL          校验审计日志的哈希链\n"
	"\n"
	"数据库地址: sqlite:路径 或 postgresql://用户@主机/库名\n"
	"每个命令都可加 --help 查看说明。\n";

static const char *const cmd_help[][2] = {
	{"serve",
	 "用法: renda serve --db URL [--listen HOST:PORT] [--web DIR] [--threads N] [--timeout S] [--quiet]\n"
	 "  启动时自动升级数据库结构；收到 SIGTERM 后停止接收新连接，处理完进行中的请求再退出。\n"
	 "  --listen   监听地址，默认 127.0.0.1:8080；端口 0 表示任选空闲端口\n"
	 "  --web      网页文件目录，默认为程序旁的 ../web/dist\n"
	 "  --threads  工作线程数，默认等于 CPU 核数\n"
	 "  --timeout  连接空闲超时秒数，默认 30\n"
	 "  --key-file 个人信息加密密钥文件（默认：SQLite 数据库旁的 .key 文件；PostgreSQL 须指定，\n"
	 "             或用环境变量 RENDA_KEY_FILE）\n"
	 "  --public-url 群众访问本系统的地址，联络站二维码指向这里（默认为监听地址）\n"
	 "  --notify-webhook URL  短信等通知网关地址：待发消息以 JSON POST 过去，失败自动重试\n"
	 "  --jobs-interval S     后台任务间隔秒数（自动办结、到期提醒、发送通知），默认 60\n"
	 "  --retry-base S        通知首次重试间隔秒数，之后逐次加倍，最长6小时，默认 30\n"
	 "  --submit-rate N       每个地址每10分钟可提交的群众意见数，默认 5；大于 30 时查询数同此（压力测试用）\n"
	 "  --trusted-proxy ADDR  反向代理的地址或网段（如 10.0.0.5 或 10.0.0.0/24，可逗号分隔或多次给出）：\n"
	 "                        只有来自它的 X-Forwarded-For（客户端地址）和 X-Forwarded-Proto（https）才被采信\n"
	 "  --quiet    不输出访问日志\n"
	 "  分词词典（热词、相似意见）默认读 " RENDA_WORDS_DICT "（Debian 的 friso-dict），\n"
	 "  可用环境变量 RENDA_WORDS_DICT 指定目录；找不到时不启动。\n"},
	{"migrate", "用法: renda migrate --db URL\n  应用尚未执行的数据库迁移，每个迁移一个事务。\n"},
	{"demo", "用法: renda demo --db URL --size small|medium|large [--seed N]\n"
		 "  在空数据库中生成演示城市（同一种子生成相同数据）。\n"},
	{"user",
	 "用法: renda user add --db URL --username NAME --role ROLE --region CODE [--name 姓名]\n"
	 "      renda user passwd --db URL --username NAME      （新密码从标准输入读取一行）\n"
	 "      renda user lock|unlock --db URL --username NAME\n"
	 "      renda user role --db URL --username NAME --role ROLE [--region CODE]\n"
	 "  系统管理员、安全管理员、安全审计员（三员）账号只能用这些命令创建和修改，网页和接口不能。\n"
	 "  add 的初始密码和 passwd 的新密码从标准输入读取一行，用户首次登录时须修改。\n"
	 "  修改后该账号的所有会话立即结束。\n"
	 "  角色: sysadmin secadmin auditor city_staff county_staff unit_staff station_staff\n"
	 "  deputy handler（集成服务账号 service 由安全管理员在网页中创建）\n"},
	{"import", "用法: renda import deputies FILE --db URL [--key-file FILE]\n"
		   "  从 .xlsx 或 .csv 导入代表（格式同网页导入模板）：先逐行校验，有任何错误则列出并不导入；\n"
		   "  全部通过后在一个事务中导入。\n"},
	{"audit",
	 "用法: renda audit verify --db URL\n"
	 "  逐条校验审计日志的 SM3 哈希链：完整时输出条数和链头哈希，退出码 0；发现被修改、删除或\n"
	 "  插入的条目时指出第一条有问题的记录编号和原因，退出码 1。启动 serve 时也会校验，只警告。\n"},
	{"backup", "用法: renda backup --db URL --to FILE\n  用 SQLite 在线备份接口复制整个数据库，写入不受阻塞。\n"},
};

static int die2(const char *fmt, const char *arg)
{
	fprintf(stderr, "renda: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return 2;
}

struct opts {
	const char *db, *listen, *web, *size, *seed, *username, *role, *region, *name, *to,
		*threads, *timeout;
	const char *key_file, *public_url, *notify_webhook, *jobs_interval, *retry_base, *submit_rate;
	char trusted_proxies[1024]; /* every --trusted-proxy, joined by commas */
	int quiet;
};

/* Parses --key value pairs allowed for a command. Returns 0, 1 for --help, or 2 on error. */
static int parse(int argc, char **argv, const char *allowed, struct opts *o)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		char key[32];
		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return 1;
		if (strncmp(a, "--", 2) || strlen(a) > 24)
			return die2("未知参数 %s（用 --help 查看用法）", a);
		snprintf(key, sizeof(key), " %s ", a + 2);
		if (!strstr(allowed, key))
			return die2("该命令不支持参数 %s（用 --help 查看用法）", a);
		if (!strcmp(a, "--quiet")) {
			o->quiet = 1;
			continue;
		}
		if (!strcmp(a, "--trusted-proxy")) { /* may be given several times */
			size_t len = strlen(o->trusted_proxies);
			if (i + 1 >= argc)
				return die2("参数 %s 缺少取值", a);
			if (snprintf(o->trusted_proxies + len, sizeof(o->trusted_proxies) - len, "%s%s",
				     len ? "," : "", argv[++i]) >= (int)(sizeof(o->trusted_proxies) - len))
				return die2("%s", "--trusted-proxy 的取值过长");
			continue;
		}
#define OPT(n) else if (!strcmp(a + 2, #n)) slot = &o->n
		if (0) {}
		OPT(db);
		OPT(listen);
		OPT(web);
		OPT(size);
		OPT(seed);
		OPT(username);
		OPT(role);
		OPT(region);
		OPT(name);
		OPT(to);
		OPT(threads);
		OPT(timeout);
		else if (!strcmp(a + 2, "key-file")) slot = &o->key_file;
		else if (!strcmp(a + 2, "public-url")) slot = &o->public_url;
		else if (!strcmp(a + 2, "submit-rate")) slot = &o->submit_rate;
		else if (!strcmp(a + 2, "notify-webhook")) slot = &o->notify_webhook;
		else if (!strcmp(a + 2, "jobs-interval")) slot = &o->jobs_interval;
		else if (!strcmp(a + 2, "retry-base")) slot = &o->retry_base;
#undef OPT
		if (!slot)
			return die2("未知参数 %s", a);
		if (i + 1 >= argc)
			return die2("参数 %s 缺少取值", a);
		*slot = argv[++i];
	}
	return 0;
}

static int need(const char *v, const char *name)
{
	if (!v) {
		die2("缺少参数 --%s（用 --help 查看用法）", name);
		return 2;
	}
	return 0;
}

static int open_db(const char *url, int pool, int migrate, struct db **db)
{
	struct err e = {0};
	int applied = 0;
	if (db_open(url, pool, db, &e)) {
		fprintf(stderr, "renda: %s\n", e.msg);
		return 1;
	}
	if (migrate && db_migrate(*db, &applied, &e)) {
		fprintf(stderr, "renda: 数据库迁移失败: %s\n", e.msg);
		db_close(*db);
		return 1;
	}
	if (applied)
		fprintf(stderr, "renda: 已应用 %d 个数据库迁移（结构版本 %d）\n", applied,
			db_schema_version());
	return 0;
}

/* Loads the personal-data key: --key-file, else $RENDA_KEY_FILE, else beside a SQLite
 * database (PATH.key, created on first use). PostgreSQL needs it named. */
static int load_key(const struct opts *o)
{
	struct err e = {0};
	char path[4096];
	const char *p = o->key_file ? o->key_file : getenv("RENDA_KEY_FILE");

	if (!p) {
		if (strncmp(o->db, "sqlite:", 7)) {
			fprintf(stderr, "renda: PostgreSQL 数据库需要用 --key-file 或环境变量 RENDA_KEY_FILE 指定个人信息加密密钥文件\n");
			return 1;
		}
		snprintf(path, sizeof(path), "%s.key", o->db + 7);
		p = path;
	}
	if (crypto_load_key(p, 1, &e)) {
		fprintf(stderr, "renda: %s\n", e.msg);
		return 1;
	}
	return 0;
}

static char *default_web_dir(void)
{
	char exe[PATH_MAX], dir[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return xstrdup("web/dist");
	exe[n] = '\0';
	snprintf(dir, sizeof(dir), "%s/../web/dist", dirname(exe));
	return xstrdup(dir);
}

/* Walks the audit chain and says what it found: on stdout when whole (unless quiet), on stderr
 * when broken. 0 whole, 1 broken or unreadable. */
static int audit_report(struct db *db, int quiet)
{
	struct audit_check ck;
	struct err e = {0};

	if (audit_verify(db, &ck, &e)) {
		fprintf(stderr, "renda: 无法读取审计日志: %s\n", e.msg);
		return 1;
	}
	if (ck.why) {
		if (ck.bad_id)
			fprintf(stderr, "renda: 警告：审计日志哈希链损坏：第 %lld 条%s（之前 %lld 条完好）\n",
				(long long)ck.bad_id, ck.why, (long long)ck.count);
		else
			fprintf(stderr, "renda: 警告：审计日志哈希链损坏：%s（%lld 条完好）\n",
				ck.why, (long long)ck.count);
		return 1;
	}
	if (!quiet)
		printf("审计日志完好：%lld 条记录在哈希链中%s，链头 %s\n", (long long)ck.count,
		       ck.legacy ? "（另有建链前的记录未入链）" : "", ck.head);
	return 0;
}

static int cmd_audit_verify(struct opts *o)
{
	struct db *db;
	int rc;
	if (need(o->db, "db"))
		return 2;
	if (open_db(o->db, 1, 1, &db))
		return 1;
	rc = audit_report(db, 0);
	db_close(db);
	return rc;
}

static int cmd_serve(struct opts *o)
{
	struct http_config cfg = {0};
	struct jobs_config jcfg = {0};
	struct jobs *jobs = NULL;
	struct http_server *srv;
	struct app app = {0};
	struct err e = {0};
	char host[64] = "127.0.0.1";
	char *web = NULL;
	int port = 8080, threads = (int)sysconf(_SC_NPROCESSORS_ONLN), sig;
	sigset_t set;

	if (need(o->db, "db"))
		return 2;
	if (o->listen) {
		const char *colon = strrchr(o->listen, ':');
		int64_t p;
		if (!colon || colon == o->listen || (size_t)(colon - o->listen) >= sizeof(host) ||
		    util_parse_i64(colon + 1, &p) || p < 0 || p > 65535)
			return die2("--listen 应为 HOST:PORT，例如 127.0.0.1:8080，而不是 %s", o->listen);
		memcpy(host, o->listen, (size_t)(colon - o->listen));
		host[colon - o->listen] = '\0';
		port = (int)p;
	}
	if (o->threads) {
		int64_t t;
		if (util_parse_i64(o->threads, &t) || t < 1 || t > 64)
			return die2("--threads 应为 1 到 64 之间的整数，而不是 %s", o->threads);
		threads = (int)t;
	}
	if (threads < 1)
		threads = 1;
	if (o->submit_rate) {
		int64_t v;
		if (util_parse_i64(o->submit_rate, &v) || v < 1 || v > 1000000)
			return die2("--submit-rate 应为 1 到 1000000 之间的整数，而不是 %s", o->submit_rate);
		app.submit_rate = (int)v;
	}
	if (o->trusted_proxies[0]) { /* refused before anything starts */
		struct http_nets check = {0};
		if (http_nets_add(&check, o->trusted_proxies, &e))
			return die2("%s", e.msg);
	}
	cfg.timeout_s = LIMIT_CONN_TIMEOUT_S;
	if (o->timeout) {
		int64_t t;
		if (util_parse_i64(o->timeout, &t) || t < 1 || t > 3600)
			return die2("--timeout 应为 1 到 3600 之间的秒数，而不是 %s", o->timeout);
		cfg.timeout_s = (int)t;
	}
	/* Signals go to this thread only: block them before any other thread starts. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* The segmenter's dictionary (hot words, similar opinions): missing, the server does not
	 * start; the regions' names are words of it. */
	if (words_init(NULL, &e))
		return die2("%s", e.msg);
	if (load_key(o) || open_db(o->db, threads + 2, 1, &app.db))
		return 1;
	if (words_add_places(app.db, &e))
		return die2("读取地名失败：%s", e.msg);
	/* A broken audit chain is reported, not a reason to stay down: the service goes on and the
	 * operator investigates with renda audit verify. */
	audit_report(app.db, 1);
	web = o->web ? xstrdup(o->web) : default_web_dir();
	app.web_dir = web;
	{
		static char url[512];
		snprintf(url, sizeof(url), "%s", o->public_url ? o->public_url : "");
		app.public_url = url;
	}
	cfg.host = host;
	cfg.port = port;
	cfg.threads = threads;
	cfg.web_dir = web;
	cfg.access_log = !o->quiet;
	cfg.body_cap = api_body_cap;
	cfg.trusted_proxies = o->trusted_proxies;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (http_start(&cfg, api_handle, &app, &srv, &e)) {
		fprintf(stderr, "renda: %s\n", e.msg);
		db_close(app.db);
		free(web);
		return 1;
	}
	if (!o->public_url)
		snprintf((char *)app.public_url, 512, "http://%s:%d", host, http_port(srv));
	{
		int64_t v;
		jcfg.webhook = o->notify_webhook;
		jcfg.interval_s = 60;
		jcfg.retry_base_s = 30;
		if (o->jobs_interval && !util_parse_i64(o->jobs_interval, &v) && v >= 1 && v <= 86400)
			jcfg.interval_s = (int)v;
		if (o->retry_base && !util_parse_i64(o->retry_base, &v) && v >= 1 && v <= 86400)
			jcfg.retry_base_s = (int)v;
		jobs = jobs_start(app.db, &jcfg);
	}
	printf("renda: listening on http://%s:%d\n", host, http_port(srv));
	fflush(stdout);
	sigwait(&set, &sig);
	fprintf(stderr, "renda: 收到%s，停止接收新连接，等待进行中的请求完成\n",
		sig == SIGTERM ? " SIGTERM" : " SIGINT");
	http_stop(srv);
	jobs_stop(jobs);
	db_close(app.db);
	free(web);
	fprintf(stderr, "renda: 已停止\n");
	return 0;
}

static int cmd_migrate(struct opts *o)
{
	struct db *db;
	if (need(o->db, "db"))
		return 2;
	if (open_db(o->db, 1, 1, &db))
		return 1;
	printf("数据库结构版本 %d\n", db_schema_version());
	db_close(db);
	return 0;
}

static void progress_bar(int done, int total)
{
	int w = 30, filled = total ? done * w / total : w;
	fprintf(stderr, "\r生成演示数据 [");
	for (int i = 0; i < w; i++)
		fputc(i < filled ? '#' : ' ', stderr);
	fprintf(stderr, "] %3d%%", total ? done * 100 / total : 100);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

static int cmd_demo(struct opts *o)
{
	struct db *db;
	struct err e = {0};
	int64_t seed = 1;
	int size;

	if (need(o->db, "db") || need(o->size, "size"))
		return 2;
	if ((size = demo_size_parse(o->size)) < 0)
		return die2("--size 应为 small、medium 或 large，而不是 %s", o->size);
	if (o->seed && (util_parse_i64(o->seed, &seed) || seed < 0))
		return die2("--seed 应为非负整数，而不是 %s", o->seed);
	if (load_key(o) || open_db(o->db, 1, 1, &db))
		return 1;
	if (demo_create(db, (enum demo_size)size, (unsigned long long)seed,
			isatty(STDERR_FILENO) ? progress_bar : NULL, &e)) {
		fprintf(stderr, "renda: %s\n", e.msg);
		db_close(db);
		return 1;
	}
	db_close(db);
	printf("已生成演示城市“示范市”（规模 %s，种子 %lld）\n", o->size, (long long)seed);
	demo_print_accounts();
	return 0;
}

/* The password typed on standard input, its line end dropped: 0, or 1 when none came. */
static int read_password(char *pw, size_t n)
{
	if (!fgets(pw, (int)n, stdin))
		return 1;
	pw[strcspn(pw, "\r\n")] = '\0';
	return 0;
}

/* The command line's changes are audited as "(cli)" from "local". */
static void cli_actor(struct actor *cli)
{
	snprintf(cli->username, sizeof(cli->username), "(cli)");
	snprintf(cli->client_addr, sizeof(cli->client_addr), "local");
}

static int cmd_user_add(struct opts *o)
{
	struct actor cli = {0};
	struct db *db;
	struct err e = {0};
	char pw[LIMIT_PASSWORD_MAX * 4 + 2];
	int64_t id = 0;
	int rc;

	if (need(o->db, "db") || need(o->username, "username") || need(o->role, "role") ||
	    need(o->region, "region"))
		return 2;
	if (read_password(pw, sizeof(pw)))
		return die2("%s", "没有从标准输入读到密码");
	if (open_db(o->db, 1, 1, &db))
		return 1;
	cli_actor(&cli);
	{
		json_t *after = json_pack("{s:s, s:s, s:s}", "username", o->username, "role",
					  o->role, "region_code", o->region);
		struct tx t;
		tx_begin(&t, db, &cli, &e);
		tx_check(&t, account_insert(t.c, o->username, o->name ? o->name : o->username,
					    o->role, o->region, 0, pw, &id, &e));
		/* The operator typed the password: its user replaces it at first login. */
		tx_exec(&t, NULL, "UPDATE accounts SET must_change_password = 1 WHERE id = ?", "i", id);
		tx_audit(&t, "account.create", "account", id, NULL, after);
		json_decref(after);
		rc = tx_end(&t);
	}
	db_close(db);
	sodium_memzero(pw, sizeof(pw));
	if (rc) {
		fprintf(stderr, "renda: %s\n", e.msg);
		return 1;
	}
	printf("已创建账号 %s（%s，区划 %s）\n", o->username, o->role, o->region);
	return 0;
}

/* renda user passwd|lock|unlock|role: the command line's changes to an account. */
static int cmd_user_change(struct opts *o, const char *what)
{
	struct actor cli = {0};
	struct db *db;
	struct err e = {0};
	struct tx t;
	char pw[LIMIT_PASSWORD_MAX * 4 + 2] = "";
	int is_pw = !strcmp(what, "passwd"), rc;

	if (need(o->db, "db") || need(o->username, "username") ||
	    (!strcmp(what, "role") && need(o->role, "role")))
		return 2;
	if (is_pw && read_password(pw, sizeof(pw)))
		return die2("%s", "没有从标准输入读到密码");
	if (open_db(o->db, 1, 1, &db))
		return 1;
	cli_actor(&cli);
	tx_begin(&t, db, &cli, &e);
	account_cli_change(&t, o->username, is_pw ? "password" : what, is_pw ? pw : o->role, o->region);
	rc = tx_end(&t);
	db_close(db);
	sodium_memzero(pw, sizeof(pw));
	if (rc) {
		fprintf(stderr, "renda: %s\n", e.msg);
		return 1;
	}
	printf("账号 %s 已%s，其会话已结束\n", o->username,
	       is_pw                     ? "重置密码（下次登录须修改）"
	       : !strcmp(what, "lock")   ? "锁定"
	       : !strcmp(what, "unlock") ? "解锁"
					 : "修改角色");
	return 0;
}

static int cmd_backup(struct opts *o)
{
	struct db *db;
	struct err e = {0};
	if (need(o->db, "db") || need(o->to, "to"))
		return 2;
	if (open_db(o->db, 1, 0, &db))
		return 1;
	if (db_backup(db, o->to, &e)) {
		fprintf(stderr, "renda: %s\n", e.msg);
		db_close(db);
		return 1;
	}
	db_close(db);
	printf("已备份到 %s\n", o->to);
	return 0;
}

static void import_progress(int done, int total)
{
	int w = 30, filled = total ? done * w / total : w;
	fprintf(stderr, "\r导入 [");
	for (int i = 0; i < w; i++)
		fputc(i < filled ? '#' : ' ', stderr);
	fprintf(stderr, "] %d/%d", done, total);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

/* renda import deputies FILE: the same checks as the web import, then one transaction. */
static int cmd_import(struct opts *o, const char *what, const char *file)
{
	struct actor cli = {0};
	struct db *db;
	struct db_conn *c;
	struct db_res *r = NULL;
	struct err e = {0};
	json_t *pv = NULL, *done = NULL;
	FILE *f;
	char *data;
	long n;
	int rc = 1, tty = isatty(STDERR_FILENO);

	if (strcmp(what, "deputies"))
		return die2("只能导入 deputies（代表），而不是 %s", what);
	if (need(o->db, "db"))
		return 2;
	if (!(f = fopen(file, "rb")))
		return die2("无法打开文件 %s", file);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	if (n < 0 || n > (long)LIMIT_UPLOAD_BYTES * 4) {
		fclose(f);
		return die2("文件 %s 过大", file);
	}
	data = xmalloc((size_t)n + 1);
	if (fread(data, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(data);
		return die2("无法读取文件 %s", file);
	}
	fclose(f);
	if (load_key(o) || open_db(o->db, 1, 1, &db)) {
		free(data);
		return 1;
	}
	/* The command line acts for the whole tree, as the city's staff would. */
	c = db_acquire(db);
	if (db_exec(c, "SELECT code, path FROM regions WHERE parent_code IS NULL ORDER BY code",
		    NULL, &r, &e) ||
	    r->nrows == 0) {
		db_release(db, c);
		fprintf(stderr, "renda: 数据库中还没有区划\n");
		goto out;
	}
	snprintf(cli.username, sizeof(cli.username), "(cli)");
	snprintf(cli.role, sizeof(cli.role), "city_staff");
	snprintf(cli.region_code, sizeof(cli.region_code), "%s", db_val(r, 0, 0));
	snprintf(cli.region_path, sizeof(cli.region_path), "%s", db_val(r, 0, 1));
	snprintf(cli.client_addr, sizeof(cli.client_addr), "local");
	db_release(db, c);
	if (deputy_io_preview(db, &cli, data, (size_t)n, tty ? import_progress : NULL, &pv, &e)) {
		fprintf(stderr, "renda: %s\n", e.msg);
		goto out;
	}
	{
		json_t *p = json_object_get(pv, "preview"), *err;
		size_t i;
		if (json_is_null(json_object_get(p, "import_id"))) {
			json_array_foreach(json_object_get(p, "errors"), i, err)
				fprintf(stderr, "第%lld行 %s: %s\n",
					(long long)json_integer_value(json_object_get(err, "row")),
					json_string_value(json_object_get(err, "column")),
					json_string_value(json_object_get(err, "message")));
			fprintf(stderr, "renda: %lld 行中有 %lld 处错误，未导入任何数据\n",
				(long long)json_integer_value(json_object_get(p, "total")),
				(long long)json_integer_value(json_object_get(p, "error_count")));
			goto out;
		}
		if (deputy_io_confirm(db, &cli, json_integer_value(json_object_get(p, "import_id")),
				      tty ? import_progress : NULL, &done, &e)) {
			fprintf(stderr, "renda: %s\n", e.msg);
			goto out;
		}
		printf("已导入 %lld 名代表\n",
		       (long long)json_integer_value(json_object_get(done, "imported")));
		rc = 0;
	}
out:
	json_decref(pv);
	json_decref(done);
	db_res_free(r);
	db_close(db);
	free(data);
	return rc;
}

static int help_for(const char *cmd)
{
	for (size_t i = 0; i < ARRAY_LEN(cmd_help); i++)
		if (!strcmp(cmd_help[i][0], cmd)) {
			fputs(cmd_help[i][1], stdout);
			return 0;
		}
	fputs(usage, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = {0};
	const char *cmd;
	int rc;

	if (sodium_init() < 0) {
		fprintf(stderr, "renda: libsodium 初始化失败\n");
		return 1;
	}
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "serve")) {
		rc = parse(argc - 2, argv + 2,
			   " db listen web threads timeout quiet key-file public-url notify-webhook jobs-interval retry-base submit-rate trusted-proxy ",
			   &o);
		return rc == 1 ? help_for(cmd) : rc ? rc : cmd_serve(&o);
	}
	if (!strcmp(cmd, "migrate")) {
		rc = parse(argc - 2, argv + 2, " db ", &o);
		return rc == 1 ? help_for(cmd) : rc ? rc : cmd_migrate(&o);
	}
	if (!strcmp(cmd, "demo")) {
		rc = parse(argc - 2, argv + 2, " db size seed key-file ", &o);
		return rc == 1 ? help_for(cmd) : rc ? rc : cmd_demo(&o);
	}
	if (!strcmp(cmd, "routes")) {
		json_t *all = api_routes();
		char *text = json_dumps(all, JSON_INDENT(1));
		json_decref(all);
		if (!text)
			return 1;
		puts(text);
		free(text);
		return 0;
	}
	if (!strcmp(cmd, "backup")) {
		rc = parse(argc - 2, argv + 2, " db to ", &o);
		return rc == 1 ? help_for(cmd) : rc ? rc : cmd_backup(&o);
	}
	if (!strcmp(cmd, "audit")) {
		if (argc < 3 || !strcmp(argv[2], "--help"))
			return argc < 3 ? die2("%s", "用法: renda audit verify --db URL") : help_for(cmd);
		if (strcmp(argv[2], "verify"))
			return die2("未知子命令 audit %s（只支持 audit verify）", argv[2]);
		rc = parse(argc - 3, argv + 3, " db ", &o);
		return rc == 1 ? help_for(cmd) : rc ? rc : cmd_audit_verify(&o);
	}
	if (!strcmp(cmd, "import")) {
		if (argc < 4 || !strcmp(argv[2], "--help"))
			return argc >= 3 && !strcmp(argv[2], "--help")
				       ? help_for(cmd)
				       : die2("%s", "用法: renda import deputies FILE --db URL");
		rc = parse(argc - 4, argv + 4, " db key-file ", &o);
		return rc == 1 ? help_for(cmd) : rc ? rc : cmd_import(&o, argv[2], argv[3]);
	}
	if (!strcmp(cmd, "user")) {
		if (argc < 3 || !strcmp(argv[2], "--help"))
			return argc < 3 ? die2("%s", "用法: renda user add ...（用 --help 查看）")
					: help_for(cmd);
		if (!strcmp(argv[2], "add")) {
			rc = parse(argc - 3, argv + 3, " db username role region name ", &o);
			return rc == 1 ? help_for(cmd) : rc ? rc : cmd_user_add(&o);
		}
		if (!strcmp(argv[2], "passwd") || !strcmp(argv[2], "lock") || !strcmp(argv[2], "unlock")) {
			rc = parse(argc - 3, argv + 3, " db username ", &o);
			return rc == 1 ? help_for(cmd) : rc ? rc : cmd_user_change(&o, argv[2]);
		}
		if (!strcmp(argv[2], "role")) {
			rc = parse(argc - 3, argv + 3, " db username role region ", &o);
			return rc == 1 ? help_for(cmd) : rc ? rc : cmd_user_change(&o, "role");
		}
		return die2("未知子命令 user %s（支持 add、passwd、lock、unlock、role）", argv[2]);
	}
	return die2("未知命令 %s（用 renda --help 查看用法）", cmd);
}
