// Supervision (api.md "Supervision"): a township's item from the annual plan to a rated report —
// the timeline checks at their boundaries (the settings' days), dates out of order named by field,
// the deliberation opinion with its deadline, the handling unit's report on its own desk, the
// staff's follow-up check, the satisfaction rating by secret ballot on the meeting engine (a
// ballot with no grade or two is invalid, not an error; passed only over rating.pass_pct of the
// valid ballots), a rating not passed sending the body to report again, and the denials by role
// and scope.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, api, login, expectError, expectStatus } from './lib.mjs';

let srv, unit, county, station, handler, deputy, setting, handlerId, myDeputy, item;
const post = (s, path, body) => api(srv, 'POST', path, { session: s, body });
const patch = (s, path, body) => api(srv, 'PATCH', path, { session: s, body });
const get = (s, path) => api(srv, 'GET', path, { session: s });
const act = (s, body) => post(s, `/api/v1/supervision/${item.id}/actions`, body);
const isPg = () => !srv.db.url.startsWith('sqlite:');
function sql(q) {
  if (!isPg()) {
    const out = execFileSync('sqlite3', ['-json', srv.db.url.slice('sqlite:'.length), q], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    return out ? JSON.parse(out) : [];
  }
  return JSON.parse(execFileSync('psql', [srv.db.url, '-X', '-q', '-A', '-t', '-c',
    `SELECT coalesce(json_agg(x), '[]') FROM (${q}) x`], { encoding: 'utf8' }));
}
const ymd = (d) => d.toISOString().slice(0, 10);
const before_ = (day, n) => { const d = new Date(day + 'T00:00:00Z'); d.setUTCDate(d.getUTCDate() - n); return ymd(d); };

before(async () => {
  srv = await startServer();
  [unit, county, station, handler, deputy] = await Promise.all(['unit', 'county', 'station', 'handler', 'deputy'].map((u) => login(srv, u)));
  const r = await get(unit, '/api/v1/settings?region=329981101');
  expectStatus(r, 200);
  setting = Object.fromEntries(r.json.items.map((i) => [i.key, i.value]));
  handlerId = handler.user.handler_id;
  myDeputy = deputy.user.deputy_id;
  assert.ok(handlerId && myDeputy);
});
after(async () => { await srv.stop(); });

test('the plan: an item with its body, deputies and dates; bad input named by field', async () => {
  const meetingOn = '2026-09-30';
  let r = await post(unit, '/api/v1/supervision', { year: 2026, kind: 'work_report', title: '听取和审议镇政府关于农村供水工作情况的报告',
    handler_id: handlerId, meeting_on: meetingOn, draft_on: '2026-09-01', final_on: '2026-09-15', members_on: '2026-09-20',
    deputies: [myDeputy] });
  expectStatus(r, 201);
  item = r.json.item;
  assert.equal(item.state, 'planned');
  assert.equal(item.region_code, '329981101');
  assert.equal(item.kind_name, '专项工作报告');
  assert.deepEqual(item.deputies.map((d) => d.id), [myDeputy]);
  assert.ok(Number.isInteger(item.id));
  // stored as sent
  const row = sql(`SELECT handler_id, draft_on, members_on, state FROM supervision_items WHERE id = ${item.id}`)[0];
  assert.equal(Number(row.handler_id), handlerId);
  assert.equal(row.draft_on, '2026-09-01');

  // dates in the wrong order: a 400 naming the later field, nothing stored
  r = await patch(unit, `/api/v1/supervision/${item.id}`, { final_on: '2026-08-30' });
  expectError(r, 400, 'bad_order');
  assert.equal(r.json.error.field, 'final_on');
  r = await patch(unit, `/api/v1/supervision/${item.id}`, { members_on: '2026-10-02' });
  expectError(r, 400, 'bad_order');
  assert.equal(r.json.error.field, 'meeting_on');
  r = await patch(unit, `/api/v1/supervision/${item.id}`, { draft_on: '2026-02-30' });
  expectError(r, 400, 'bad_date');
  assert.equal(r.json.error.field, 'draft_on');
  assert.equal(sql(`SELECT final_on FROM supervision_items WHERE id = ${item.id}`)[0].final_on, '2026-09-15');
  r = await post(unit, '/api/v1/supervision', { year: 2026, kind: 'speech', title: '不存在的方式', handler_id: handlerId });
  expectError(r, 400, 'bad_value');
  assert.equal(r.json.error.field, 'kind');
  r = await post(unit, '/api/v1/supervision', { year: 2026, kind: 'inquiry', title: '缺少监督对象' });
  expectError(r, 400, 'required');
  assert.equal(r.json.error.field, 'handler_id');
  // a foreign county's unit as body, or a region out of scope
  const foreign = (await get(await login(srv, 'city'), '/api/v1/handlers?region=329902')).json.items[0];
  r = await post(unit, '/api/v1/supervision', { year: 2026, kind: 'inquiry', title: '外域单位', handler_id: foreign.id });
  expectError(r, 400, 'bad_handler');
  r = await post(unit, '/api/v1/supervision', { year: 2026, kind: 'inquiry', title: '外域人大', handler_id: handlerId, region_code: '329902' });
  assert.equal(r.status, 403);
});

test('the timeline: each document warned at its setting minus one day, not on the day', async () => {
  const m = '2026-10-31';
  const fields = [['draft_on', 'supervision.draft_days'], ['final_on', 'supervision.final_days'], ['members_on', 'supervision.members_days']];
  for (const [k, [field, key]] of fields.entries()) {
    const n = setting[key];
    // the earlier documents long before, the later ones on the same day as this one (their own
    // days are fewer), so that only this one can be late
    const at = (d) => Object.fromEntries(fields.map(([f], j) => [f, j < k ? before_(m, 60) : d]));
    const base = { meeting_on: m };
    let r = await patch(unit, `/api/v1/supervision/${item.id}`, { ...base, ...at(before_(m, n)) });
    expectStatus(r, 200);
    assert.deepEqual(r.json.item.warnings.map((w) => w.field), [], `${field} ${n} days before`);
    r = await patch(unit, `/api/v1/supervision/${item.id}`, { ...base, ...at(before_(m, n - 1)) });
    expectStatus(r, 200);
    assert.deepEqual(r.json.item.warnings.map((w) => w.field), [field], `${field} ${n - 1} days before`);
    assert.equal(r.json.item.warnings[0].need, n);
    assert.match(r.json.item.warnings[0].message, new RegExp(`会前${n}日`));
  }
  // the warnings come with the list too
  const r = await get(unit, '/api/v1/supervision?year=2026&per_page=100');
  expectStatus(r, 200);
  const mine = r.json.items.find((x) => x.id === item.id);
  assert.deepEqual(mine.warnings.map((w) => w.field), ['members_on']);
});

test('who sees what: staff by region, the body its items, deputies theirs; denials', async () => {
  // the county sees its townships; another township's staff does not exist here, the station staff is refused
  let r = await get(county, `/api/v1/supervision/${item.id}`);
  expectStatus(r, 200);
  r = await get(station, `/api/v1/supervision/${item.id}`);
  assert.equal(r.status, 403);
  r = await get(station, '/api/v1/supervision');
  assert.equal(r.status, 403);
  r = await get(unit, '/api/v1/supervision?region=329902');
  expectError(r, 403, 'out_of_scope');
  // the body sees its item, and only the items it is the body of
  r = await get(handler, `/api/v1/supervision/${item.id}`);
  expectStatus(r, 200);
  r = await get(handler, '/api/v1/supervision?per_page=100');
  expectStatus(r, 200);
  assert.ok(r.json.items.length > 1);
  assert.ok(r.json.items.every((x) => x.handler_id === handlerId));
  // a deputy: the items it takes part in
  r = await get(deputy, `/api/v1/supervision/${item.id}`);
  expectStatus(r, 200);
  r = await get(deputy, '/api/v1/supervision?per_page=100');
  assert.ok(r.json.items.some((x) => x.id === item.id));
  const other = (await get(unit, '/api/v1/supervision?per_page=100')).json.items;
  const notMine = [];
  for (const x of other) {
    const d = (await get(unit, `/api/v1/supervision/${x.id}`)).json.item;
    if (!d.deputies.some((p) => p.id === myDeputy)) notMine.push(x.id);
  }
  assert.ok(notMine.length > 0);
  r = await get(deputy, `/api/v1/supervision/${notMine[0]}`);
  assert.equal(r.status, 404);
  assert.ok(r.json && r.json.items === undefined);
  // a report owed past its deadline is marked overdue (the demo's second reports of past years)
  const today = ymd(new Date());
  const owed = other.filter((x) => x.state === 'rereport' || x.state === 'opinion_sent');
  assert.ok(owed.length > 0);
  for (const x of owed) assert.equal(x.overdue, (x.state === 'rereport' ? x.rereport_due : x.opinion_deadline) < today, x.title);
  assert.ok(other.filter((x) => !owed.includes(x)).every((x) => x.overdue === false));
  const seen = (await get(deputy, '/api/v1/supervision?per_page=100')).json.items.map((x) => x.id);
  assert.ok(!seen.includes(notMine[0]));
  // neither the body nor a deputy writes the plan
  r = await patch(handler, `/api/v1/supervision/${item.id}`, { title: '改名' });
  assert.equal(r.status, 403);
  r = await post(deputy, '/api/v1/supervision', { year: 2026, kind: 'inquiry', title: '代表建立', handler_id: handlerId });
  assert.equal(r.status, 403);
});

// A township session for the rating: opened with its quorum; returns the meeting id and members.
async function session(region = '329981101', level = 'township') {
  const s = level === 'county' ? county : unit;
  let r = await post(s, '/api/v1/meetings', { kind: 'session', title: '测评会议', region_code: region, level,
    term: 18, starts_on: '2026-06-10', place: '大会议室' });
  expectStatus(r, 201);
  const mid = r.json.meeting.id;
  expectStatus(await post(s, `/api/v1/meetings/${mid}/actions`, { action: 'open_signin' }), 200);
  r = await get(s, `/api/v1/meetings/${mid}/attendance`);
  const members = r.json.items.map((m) => m.deputy_id);
  assert.ok(members.length > 0);
  expectStatus(await post(s, `/api/v1/meetings/${mid}/attendance/batch`, { action: 'sign_in', deputy_ids: members }), 200);
  expectStatus(await post(s, `/api/v1/meetings/${mid}/actions`, { action: 'open' }), 200);
  return { mid, members };
}

test('opinion, report, check, rating not passed, report again, rating passed', async () => {
  // heard, with its findings; an opinion with a deadline before today is refused
  let r = await act(handler, { action: 'hear' });
  assert.equal(r.status, 403);
  r = await act(unit, { action: 'hear', findings: '供水管网老化，水质检测不及时。' });
  expectStatus(r, 200);
  assert.equal(r.json.item.state, 'heard');
  r = await act(unit, { action: 'send_opinion', body: '建议加快管网改造。', deadline: '2020-01-01' });
  expectError(r, 400, 'before_sent');
  assert.equal(r.json.error.field, 'deadline');
  r = await act(unit, { action: 'send_opinion', body: '一、加快管网改造；二、建立水质定期检测公示制度。' });
  expectStatus(r, 200);
  assert.equal(r.json.item.state, 'opinion_sent');
  const op = r.json.item.opinions[0];
  assert.ok(Number.isInteger(op.id)); // the stable id a rectification names as its source
  // the deadline: supervision.opinion_months after today (or the next working day)
  const today = ymd(new Date());
  const months = setting['supervision.opinion_months'];
  const d = new Date(today + 'T00:00:00Z'); d.setUTCMonth(d.getUTCMonth() + months);
  assert.ok(op.deadline >= ymd(d).slice(0, 8) + '01' && op.deadline <= before_(ymd(d), -10), op.deadline);
  // the body is told on its desk
  const notices = (await get(handler, '/api/v1/notifications')).json;
  assert.ok(JSON.stringify(notices).includes('请办理审议意见'));

  // the report: only the body, not staff, not a deputy; a report too short is named
  r = await act(unit, { action: 'report', body: '已经办理完毕，情况如下所述。' });
  assert.equal(r.status, 403);
  r = await act(deputy, { action: 'report', body: '已经办理完毕，情况如下所述。' });
  assert.equal(r.status, 403);
  r = await act(handler, { action: 'report', body: '短' });
  expectError(r, 400, 'missing_field');
  r = await act(handler, { action: 'report', body: '已完成3.2公里管网改造，建立每月水质检测公示制度。' });
  expectStatus(r, 200);
  assert.equal(r.json.item.state, 'reported');
  assert.equal(r.json.item.reports[0].round, 1);
  assert.equal(r.json.item.reports[0].on_time, true);
  r = await act(handler, { action: 'check', note: '自己检查自己' });
  assert.equal(r.status, 403);
  r = await act(unit, { action: 'check', note: '经实地检查，管网改造已完成，公示栏已设立。' });
  expectStatus(r, 200);
  assert.equal(r.json.item.state, 'checked');
  assert.match(r.json.item.reports[0].check_note, /实地检查/);
  // no rating yet
  r = await act(unit, { action: 'rate' });
  expectError(r, 409, 'no_rating');
  // a rating of this item held by another congress (the county's session) is not this item's
  {
    const county_ = await session('329981', 'county');
    r = await post(county, `/api/v1/meetings/${county_.mid}/votes`, { title: '县级测评', kind: 'rating', mode: 'tally',
      subject_kind: 'supervision', subject_id: item.id });
    expectStatus(r, 201);
    const cv = r.json.vote.id;
    expectStatus(await post(county, `/api/v1/votes/${cv}/actions`, { action: 'open' }), 200);
    expectStatus(await post(county, `/api/v1/votes/${cv}/tally`, { satisfied: 5, basic: 0, unsatisfied: 0 }), 200);
    r = await post(county, `/api/v1/votes/${cv}/actions`, { action: 'close' });
    expectStatus(r, 200);
    assert.equal(r.json.vote.passed, true);
    r = await act(unit, { action: 'rate' });
    expectError(r, 409, 'no_rating');
  }

  // the rating by secret ballot: exactly pass_pct of the valid ballots is not passed
  const { mid, members } = await session();
  r = await post(unit, `/api/v1/meetings/${mid}/votes`, { title: '对农村供水工作报告的满意度测评', kind: 'rating', recorded: true,
    subject_kind: 'supervision', subject_id: item.id });
  expectError(r, 400, 'secret');
  r = await post(unit, `/api/v1/meetings/${mid}/votes`, { title: '对农村供水工作报告的满意度测评', kind: 'rating' });
  expectError(r, 400, 'required');
  r = await post(unit, `/api/v1/meetings/${mid}/votes`, { title: '对农村供水工作报告的满意度测评', kind: 'rating',
    subject_kind: 'supervision', subject_id: item.id });
  expectStatus(r, 201);
  let vid = r.json.vote.id;
  assert.equal(r.json.vote.kind, 'rating');
  expectStatus(await post(unit, `/api/v1/votes/${vid}/actions`, { action: 'open' }), 200);
  const pct = setting['rating.pass_pct'];
  // 8 valid ballots (pct of them exactly good), plus two invalid: none and two grades
  const valid = 8, good = valid * pct / 100;
  assert.ok(Number.isInteger(good));
  const voters = await Promise.all(members.slice(0, valid + 2).map((id) => login(srv, 'd' + id)));
  for (let i = 0; i < valid; i++) {
    const grade = i < good ? (i % 2 ? 'basic' : 'satisfied') : 'unsatisfied';
    expectStatus(await post(voters[i], `/api/v1/votes/${vid}/ballots`, { grades: [grade] }), 200);
  }
  r = await post(voters[valid], `/api/v1/votes/${vid}/ballots`, { grades: [] });
  expectStatus(r, 200); // invalid, not an error
  r = await post(voters[valid + 1], `/api/v1/votes/${vid}/ballots`, { grades: ['satisfied', 'basic'] });
  expectStatus(r, 200);
  // a vote's choice on a rating, or an unknown grade, is an error naming the field
  r = await post(voters[0], `/api/v1/votes/${vid}/ballots`, { grades: ['great'] });
  expectError(r, 400, 'bad_value');
  assert.equal(r.json.error.field, 'grades');
  const late = await login(srv, 'd' + members[valid + 2]);
  r = await post(late, `/api/v1/votes/${vid}/ballots`, { choice: 'for' });
  expectError(r, 400, 'bad_value');
  assert.equal(r.json.error.field, 'choice');
  assert.match(r.json.error.message, /满意、基本满意、不满意/);
  // secret: no choice stored with the voter
  assert.equal(sql(`SELECT COUNT(*) AS n FROM vote_casts WHERE vote_id = ${vid} AND choice IS NOT NULL`)[0].n, 0);
  r = await post(unit, `/api/v1/votes/${vid}/actions`, { action: 'close' });
  expectStatus(r, 200);
  assert.equal(r.json.vote.valid, valid);
  assert.equal(r.json.vote.invalid, 2);
  assert.equal(r.json.vote.satisfied + r.json.vote.basic, good);
  assert.equal(r.json.vote.passed, false);
  assert.equal(r.json.vote.ballots, undefined);
  // the result onto the item: not passed, report again within rating.rereport_months
  r = await act(unit, { action: 'rate' });
  expectStatus(r, 200);
  assert.equal(r.json.item.state, 'rereport');
  assert.equal(r.json.item.rating_passed, false);
  assert.match(r.json.item.rating_text, /未通过/);
  assert.ok(r.json.item.rereport_due > today);
  r = await act(unit, { action: 'rate' });
  expectError(r, 409, 'bad_state');

  // the second report, and a second rating: one more valid ballot of basic passes
  r = await act(handler, { action: 'report', body: '针对测评意见再次整改：新增水质自动监测点5个，问题全部整改到位。' });
  expectStatus(r, 200);
  assert.equal(r.json.item.reports.length, 2);
  assert.equal(r.json.item.reports[1].round, 2);
  assert.equal(r.json.item.reports[1].due, r.json.item.rereport_due);
  r = await act(unit, { action: 'rate' });
  expectError(r, 409, 'rating_used'); // the first rating is not the second's
  r = await post(unit, `/api/v1/meetings/${mid}/votes`, { title: '再次测评', kind: 'rating', mode: 'tally',
    subject_kind: 'supervision', subject_id: item.id });
  expectStatus(r, 201);
  vid = r.json.vote.id;
  expectStatus(await post(unit, `/api/v1/votes/${vid}/actions`, { action: 'open' }), 200);
  // the paper count: pct of the valid ballots and one more basic; invalid ones do not count
  r = await post(unit, `/api/v1/votes/${vid}/tally`, { for: 3, against: 1, abstain: 0 });
  expectError(r, 400, 'unknown_field');
  r = await post(unit, `/api/v1/votes/${vid}/tally`, { satisfied: good, basic: 1, unsatisfied: valid - good, invalid: 5 });
  expectStatus(r, 200);
  r = await post(unit, `/api/v1/votes/${vid}/actions`, { action: 'close' });
  expectStatus(r, 200);
  assert.equal(r.json.vote.passed, true);
  assert.equal(r.json.vote.valid, valid + 1);
  r = await act(unit, { action: 'rate' });
  expectStatus(r, 200);
  assert.equal(r.json.item.state, 'rated');
  assert.equal(r.json.item.rating_passed, true);
  assert.equal(r.json.item.rating_vote_id, vid);
  assert.deepEqual(r.json.item.events.map((e) => e.action),
    ['create', 'hear', 'send_opinion', 'report', 'check', 'rate', 'report', 'rate']);
  // a rated item is no longer edited
  r = await patch(unit, `/api/v1/supervision/${item.id}`, { title: '改名' });
  expectError(r, 409, 'bad_state');
  // the trail
  assert.ok(sql(`SELECT COUNT(*) AS n FROM audit WHERE action = 'supervision.rate' AND object_id = '${item.id}'`)[0].n >= 2);
});

test('cancel from the plan only; an unknown step; a deputy takes no step', async () => {
  let r = await post(unit, '/api/v1/supervision', { year: 2027, kind: 'inquiry', title: '就养老服务开展专题询问', handler_id: handlerId });
  expectStatus(r, 201);
  const id = r.json.item.id;
  r = await post(unit, `/api/v1/supervision/${id}/actions`, { action: 'cancel' });
  expectError(r, 400, 'missing_field');
  r = await post(unit, `/api/v1/supervision/${id}/actions`, { action: 'cancel', reason: '年度计划调整' });
  expectStatus(r, 200);
  assert.equal(r.json.item.state, 'cancelled');
  r = await post(unit, `/api/v1/supervision/${id}/actions`, { action: 'hear' });
  expectError(r, 409, 'bad_state');
  r = await post(county, `/api/v1/supervision/${id}/actions`, { action: 'nothing' });
  expectError(r, 400, 'bad_action');
  r = await post(deputy, `/api/v1/supervision/${item.id}/actions`, { action: 'check', note: '代表自己检查一下' });
  assert.equal(r.status, 403);
});
