/* demo_suggestion.c: the demo city's deputies' suggestions: two years of them in every state, with
 * co-signers, lead and co-handling units, replies and ratings, written straight into the tables
 * (the demo is loaded in one transaction, not step by step). */
#include "demo_suggestion.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "calendar.h"
#include "settings.h"
#include "suggestion.h"
#include "text.h"

static unsigned demo_rand(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) & 0xffffff;
}

int demo_suggestions(struct db_conn *c, int n, unsigned seed, struct err *e)
{
	static const char *const places[] = {"镇区主干道", "中心小学门口", "农贸市场",   "老旧小区",
					     "村卫生室",   "污水处理站",   "集镇客运站", "敬老院",
					     "工业园区",   "河道沿岸"};
	static const char *const problems[][2] = {
		{"路灯损坏多年未修", "建议将路灯维修纳入年度市政养护计划，明确责任单位和完成时限"},
		{"道路破损积水严重", "建议安排专项资金对路面进行整修，完善排水设施"},
		{"上下学时段交通拥堵", "建议增设交通信号灯和护学岗，规划临时停车点"},
		{"垃圾清运不及时", "建议增加清运频次，配齐分类收集设施"},
		{"医疗服务能力不足", "建议通过医联体下沉专家门诊，充实基层医护力量"},
		{"养老服务设施不足", "建议利用闲置校舍建设日间照料中心，引入专业机构运营"},
		{"噪声扰民问题突出", "建议加强夜间施工审批和执法巡查"},
		{"饮水安全存在隐患", "建议实施农村供水管网改造，建立水质定期检测公示制度"},
		{"停车位严重不足", "建议挖潜建设公共停车场，推行错时共享停车"},
		{"农田水利设施老化", "建议将灌溉渠系改造列入高标准农田建设项目"}};
	static const char *const replies[] = {
		"经研究，已将该事项列入本年度实施计划并完成整改，相关设施已投入使用。",
		"该事项已列入明年项目计划，目前正在开展前期设计和资金测算，预计年内开工。",
		"受资金和规划条件限制，目前暂不具备实施条件，待条件成熟后统筹解决。",
		"代表提出的意见很有参考价值，我们将在今后工作中认真研究借鉴。"};
	static const char *const grades[] = {"A", "B", "C", "D"};
	static const char *const ratings[] = {"satisfied", "satisfied", "satisfied",
					      "basically", "basically", "unsatisfied"};
	struct db_res *m = NULL, *h = NULL, *cats = NULL, *x = NULL;
	struct buf tok = BUF_INIT_CAP(64 * 1024);
	struct holidays hol = {0};
	unsigned s = seed * 2654435761u + 7;
	int32_t today = cal_today();
	int64_t demo_deputy = 0;
	int rc;

	if (n <= 0)
		return 0;
	if ((rc = holidays_load(c, &hol, e)) ||
	    (rc = db_execv(c, &m, e,
			   "SELECT m.deputy_id, m.region_code, m.level, m.term, r.path, r.name FROM mandates m"
			   " JOIN regions r ON r.code = m.region_code WHERE m.status = 'active' AND m.level = 'township'"
			   " ORDER BY m.region_code, m.deputy_id",
			   "")) ||
	    (rc = db_execv(c, &h, e,
			   "SELECT h.id, r.path FROM handlers h JOIN regions r ON r.code = h.region_code"
			   " WHERE h.active = 1 ORDER BY h.id",
			   "")) ||
	    (rc = db_execv(c, &cats, e, "SELECT id FROM opinion_categories ORDER BY sort", "")) ||
	    (rc = db_execv(c, &x, e, "SELECT COALESCE(MAX(deputy_id), 0) FROM accounts WHERE username = 'deputy'",
			   "")))
		goto out;
	demo_deputy = db_int(x, 0, 0);
	db_res_free(x);
	x = NULL;
	if (!m->nrows || !h->nrows)
		goto out;
	for (int i = 0; i < n; i++) {
		int k = (int)(demo_rand(&s) % (unsigned)m->nrows),
		    pr = (int)(demo_rand(&s) % ARRAY_LEN(problems));
		const char *region = db_val(m, k, 1), *path = db_val(m, k, 4);
		int64_t author = db_int(m, k, 0), id, lead = 0, co = 0, reply_id;
		int32_t created = today - 730 + (int32_t)(demo_rand(&s) % 720), assigned;
		/* submitted between 9:00 and 17:00 */
		int64_t at = cal_day_start(created) + 9 * 3600 +
			     (int64_t)(demo_rand(&s) % ((17 - 9) * 3600));
		unsigned roll = demo_rand(&s) % 100;
		const char *state =
			roll < 2    ? "draft"
			: roll < 6  ? "submitted"
			: roll < 7  ? "returned"
			: roll < 8  ? "withdrawn"
			: roll < 10 ? "referred"
			: roll < 13 ? "accepted"
			: roll < 28 ? "assigned"
			: roll < 35 ? "replied"
			: roll < 43 ? "solving"
				    : "closed";
		int year, month, mday, reached = 0, session = (int)(demo_rand(&s) % 3);
		char title[300], body[1200], code[32], d0[11], dl[11], sess[128], ret[11];
		const char *grade = grades[demo_rand(&s) % 4];

		cal_ymd(created, &year, &month, &mday);

		/* The demo deputy's own suggestions come first, so the account has something to show. */
		if (i < 6 && demo_deputy) {
			for (int j = 0; j < m->nrows; j++)
				if (db_int(m, j, 0) == demo_deputy) {
					k = j;
					break;
				}
			region = db_val(m, k, 1);
			path = db_val(m, k, 4);
			author = db_int(m, k, 0);
			state = (const char *[]){"draft",   "submitted", "assigned",
						 "replied", "solving",   "closed"}[i];
		}
		snprintf(title, sizeof(title), "关于解决%s%s%s的建议", db_val(m, k, 5),
			 places[pr % ARRAY_LEN(places)], problems[pr][0]);
		snprintf(body, sizeof(body), "%s%s%s，群众多次向代表反映，意见较为集中。%s，切实回应群众关切。",
			 db_val(m, k, 5), places[(pr + i) % ARRAY_LEN(places)], problems[pr][0],
			 problems[pr][1]);
		if (!strcmp(state, "closed") && !strcmp(grade, "B"))
			grade = "A";
		snprintf(sess, sizeof(sess), session ? "%s第%d次人民代表大会" : "%s",
			 session ? db_val(m, k, 5) : "", year - 2021);
		buf_reset(&tok);
		text_tokens(title, &tok);
		buf_addc(&tok, ' ');
		text_tokens(body, &tok);
		cal_format(created, d0);
		snprintf(code, sizeof(code), "demo-%d", i);
		if ((buf_failed(&tok) && (rc = err_set(e, E_INTERNAL, "internal", "演示建议的检索文字过长"))) ||
		    (rc = db_execv(c, &x, e,
				   "INSERT INTO suggestions (code, kind, region_code, region_path, level, term,"
				   " deputy_id, title, body, category_id, session_label, during_session, state,"
				   " submitted_at, intake_deadline, search_tokens, created_at, updated_at)"
				   " VALUES (?, 'suggestion', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				   "ssssiissisisnssii", code, region, path, db_val(m, k, 2),
				   db_int(m, k, 3), author, title, body,
				   db_int(cats, (int)(demo_rand(&s) % (unsigned)cats->nrows), 0),
				   session ? sess : "", (int64_t)(session != 0), state,
				   strcmp(state, "draft") ? at : (int64_t)0, d0, tok.data, at, at)))
			goto out;
		id = db_int(x, 0, 0);
		db_res_free(x);
		x = NULL;
		snprintf(code, sizeof(code), "JY%d-%06lld", year, (long long)id);
		if ((rc = db_execv(c, NULL, e, "UPDATE suggestions SET code = ? WHERE id = ?", "si", code, id)) ||
		    (rc = db_execv(c, NULL, e,
				   "INSERT INTO suggestion_signers (suggestion_id, deputy_id, role, status, answered_at)"
				   " VALUES (?, ?, 'author', 'accepted', ?)",
				   "iii", id, author, at)))
			goto out;
		/* Co-signers from the same congress: the neighbours in the roster. */
		for (int j = 1, cos = (int)(demo_rand(&s) % 4); j <= cos; j++) {
			int q = k + j < m->nrows ? k + j : k - j;
			if (q < 0 || strcmp(db_val(m, q, 1), region) || db_int(m, q, 0) == author)
				continue;
			if ((rc = db_execv(c, NULL, e,
					   "INSERT INTO suggestion_signers (suggestion_id, deputy_id, role, status,"
					   " answered_at) VALUES (?, ?, 'cosigner', ?, ?) ON CONFLICT DO NOTHING",
					   "iisi", id, db_int(m, q, 0),
					   strcmp(state, "draft") ? "accepted" : "invited", at)))
				goto out;
		}
		if ((rc = db_execv(c, NULL, e,
				   "INSERT INTO suggestion_events (suggestion_id, action, from_state, to_state,"
				   " actor, note, created_at) VALUES (?, 'submit', 'draft', 'submitted', '（演示）', '', ?)",
				   "ii", id, at)))
			goto out;
		reached = !strcmp(state, "assigned") || !strcmp(state, "replied") ||
			  !strcmp(state, "solving") || !strcmp(state, "closed");
		if (!reached && strcmp(state, "accepted"))
			continue;
		if ((rc = db_execv(c, NULL, e, "UPDATE suggestions SET accepted_on = ? WHERE id = ?",
				   "si", d0, id)))
			goto out;
		if (!reached)
			continue;
		/* A lead unit in the suggestion's region or above it; sometimes a co-handler. */
		for (int tries = 0; tries < 40 && !lead; tries++) {
			int q = (int)(demo_rand(&s) % (unsigned)h->nrows);
			if (!strncmp(path, db_val(h, q, 1), strlen(db_val(h, q, 1))))
				lead = db_int(h, q, 0);
		}
		for (int tries = 0; tries < 20 && !co && demo_rand(&s) % 3 == 0; tries++) {
			int q = (int)(demo_rand(&s) % (unsigned)h->nrows);
			if (!strncmp(path, db_val(h, q, 1), strlen(db_val(h, q, 1))) &&
			    db_int(h, q, 0) != lead)
				co = db_int(h, q, 0);
		}
		if (!lead)
			continue;
		assigned = cal_add_workdays(&hol.cal, created, 5);
		cal_format(assigned, d0);
		cal_format(suggestion_add_months(&hol.cal, assigned, 3), dl);
		cal_format(cal_add_workdays(&hol.cal, assigned, 10), ret);
		if ((rc = db_execv(c, NULL, e, "UPDATE suggestions SET assigned_on = ?, deadline = ? WHERE id = ?",
				   "ssi", d0, dl, id)) ||
		    (rc = db_execv(c, NULL, e,
				   "INSERT INTO suggestion_handlers (suggestion_id, handler_id, role, status, assigned_on,"
				   " deadline, return_by, created_at) VALUES (?, ?, 'lead', ?, ?, ?, ?, ?)",
				   "iissssi", id, lead, strcmp(state, "assigned") ? "answered" : "assigned",
				   d0, dl, ret, at)) ||
		    (co && (rc = db_execv(c, NULL, e,
					  "INSERT INTO suggestion_handlers (suggestion_id, handler_id, role, status,"
					  " assigned_on, deadline, return_by, view, answered_on, created_at)"
					  " VALUES (?, ?, 'co', 'answered', ?, ?, ?, '同意主办单位意见，积极配合办理。', ?, ?)",
					  "iissssi", id, co, d0, dl, ret, d0, at))))
			goto out;
		if (!strcmp(state, "assigned"))
			continue;
		{
			int32_t replied = assigned + 20 + (int32_t)(demo_rand(&s) % 90);
			const char *g = !strcmp(state, "solving") ? "B" : grade;
			char rd[11];
			int64_t replied_at;
			if (replied > today)
				replied = today;
			replied_at = cal_day_start(replied) + 10 * 3600; /* 10:00 */
			cal_format(replied, rd);
			buf_reset(&tok);
			text_tokens(title, &tok);
			buf_addc(&tok, ' ');
			text_tokens(body, &tok);
			buf_addc(&tok, ' ');
			text_tokens(replies[g[0] - 'A'], &tok);
			if ((buf_failed(&tok) &&
			     (rc = err_set(e, E_INTERNAL, "internal", "演示建议的检索文字过长"))) ||
			    (rc = db_execv(c, &x, e,
					   "INSERT INTO suggestion_replies (suggestion_id, round, handler_id, grade, body,"
					   " deadline, on_time, replied_on, created_at) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?)"
					   " RETURNING id",
					   "iisssisi", id, lead, g, replies[g[0] - 'A'], dl,
					   (int64_t)(strcmp(rd, dl) <= 0), rd, replied_at)))
				goto out;
			reply_id = db_int(x, 0, 0);
			db_res_free(x);
			x = NULL;
			if ((rc = db_execv(
				     c, NULL, e,
				     "UPDATE suggestions SET grade = ?, round = 1, replied_at = ?, search_tokens = ?,"
				     " published = ?, closed_at = ? WHERE id = ?",
				     "sisini", g, replied_at, tok.data, (int64_t)(demo_rand(&s) % 2),
				     !strcmp(state, "closed") ? replied_at + 86400 * 10 : (int64_t)0, id)))
				goto out;
			if (!strcmp(state, "replied"))
				continue;
			if ((rc = db_execv(c, NULL, e,
					   "INSERT INTO suggestion_ratings (reply_id, deputy_id, attitude, result,"
					   " comment, created_at) SELECT ?, deputy_id, ?, ?, '', ? FROM suggestion_signers"
					   " WHERE suggestion_id = ? AND status = 'accepted'",
					   "issii", reply_id, ratings[demo_rand(&s) % 5],
					   ratings[demo_rand(&s) % 5], replied_at + 86400 * 5, id)))
				goto out;
		}
	}
	rc = db_execv(c, NULL, e,
		      "UPDATE suggestion_handlers SET"
		      " region_path = (SELECT region_path FROM suggestions s WHERE s.id = suggestion_id),"
		      " in_hand = CASE WHEN status = 'assigned' AND (SELECT state FROM suggestions s"
		      " WHERE s.id = suggestion_id) = 'assigned' THEN 1 ELSE 0 END",
		      "");
out:
	holidays_free(&hol);
	buf_release(&tok);
	db_res_free(m);
	db_res_free(h);
	db_res_free(cats);
	db_res_free(x);
	return rc;
}
