// Jurisdiction settings and the holiday calendar (api.md "Jurisdiction settings and the holiday
// calendar", DOMAIN: every deadline is a per-jurisdiction setting with the national default):
// values resolved from a region up its ancestors, who may change them, strict values, and the
// deadlines of opinions that follow them; the State Council's holidays and adjusted workdays,
// maintained by the city, that working days are counted on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, expectError, expectStatus, workdayAdder } from './lib.mjs';

let srv, county, unit, station, deputy, handler, city, admin, auditor;
let today, st6, st9, H1;
before(async () => {
  srv = await startServer();
  [county, unit, station, deputy, handler, city, admin, auditor] = await Promise.all(
    ['county', 'unit', 'station', 'deputy', 'handler', 'city', 'admin', 'auditor'].map((u) => login(srv, u)));
  const list = async (path) => { const r = await api(srv, 'GET', path, { session: county }); expectStatus(r, 200); return r.json.items; };
  st6 = (await list('/api/v1/stations?region=329981101&kind=station'))[0];
  st9 = (await list('/api/v1/stations?region=329981102&kind=station'))[0];
  H1 = (await list('/api/v1/handlers?region=329981&per_page=100')).find((h) => h.name === '清河市交通运输局');
  const r = await api(srv, 'GET', `/api/v1/stations/${st6.id}/calendar`, { session: county });
  expectStatus(r, 200);
  today = r.json.from;
});
after(async () => { await srv.stop(); });

const DEFAULTS = { 'opinion.reply_days': 15, 'opinion.warn_days': 3, 'opinion.return_days': 5,
  'opinion.rehandle_days': 10, 'opinion.close_after_days': 15, 'opinion.extension_max_days': 15,
  'suggestion.intake_days': 7, 'suggestion.assign_days': 7, 'suggestion.reply_months': 3,
  'suggestion.reply_months_difficult': 6, 'suggestion.co_view_months': 1, 'suggestion.return_days': 10,
  'suggestion.rehandle_months': 1, 'suggestion.warn_days': 10, 'suggestion.intake_warn_days': 2,
  'motion.min_deputies_township': 5,
  'motion.min_deputies': 10,
  'meeting.quorum_num': 2, 'meeting.quorum_den': 3, 'meeting.notice_days': 7, 'election.nominators_min': 10,
  'election.head_extra_min': 0, 'election.head_extra_max': 1, 'election.vice_extra_min': 1,
  'election.vice_extra_max': 3, 'election.other_extra_min': 0, 'election.project_extra_min': 1,
  'project.candidate_ratio_pct': 120, 'rating.pass_pct': 50, 'rating.rereport_months': 3,
  'supervision.draft_days': 20, 'supervision.final_days': 10, 'supervision.members_days': 7,
  'supervision.opinion_months': 2, 'auth.password_max_days': 90, 'auth.max_sessions': 3, 'auth.token_days': 90,
  'booking.slot_minutes': 30, 'booking.per_slot': 3, 'booking.per_phone': 2, 'booking.days_ahead': 30,
  'rectify.warn_days': 7, 'chase.near_days': 3,
  'budget.exec_low_pct': 80, 'budget.exec_high_pct': 120, 'budget.adjust_share_pct': 10, 'budget.key_unspent_quarter': 2,
  'intake.idempotency_hours': 24 };
const year = () => Number(today.slice(0, 4));
async function settings(region, s = county) {
  const r = await api(srv, 'GET', '/api/v1/settings' + (region ? '?region=' + region : ''), { session: s });
  expectStatus(r, 200);
  return r.json;
}
const values = (j) => Object.fromEntries(j.items.map((i) => [i.key, i.value]));
const value = async (region, key, s = county) => values(await settings(region, s))[key];
async function put(region, body, s = county) {
  const r = await api(srv, 'PUT', '/api/v1/settings?region=' + region, { session: s, body });
  expectStatus(r, 200);
  return r.json;
}
// registers an opinion at a station and assigns it to 清河市交通运输局 (days as given, or the setting)
async function assigned(stationId, extra = {}) {
  let r = await api(srv, 'POST', '/api/v1/opinions', { session: county,
    body: { station_id: stationId, channel: 'visit', body: '设置测试：村口的桥栏杆松动，行人经过有危险。' } });
  expectStatus(r, 201);
  r = await api(srv, 'POST', `/api/v1/opinions/${r.json.opinion.id}/actions`, { session: county,
    body: { action: 'assign', handler_id: H1.id, ...extra } });
  expectStatus(r, 200);
  return r.json.opinion;
}

test('GET: every setting with its default, as it applies to the region', async () => {
  const j = await settings();
  assert.equal(j.region_code, '329981');
  assert.deepEqual(j.items.map((i) => i.key), Object.keys(DEFAULTS));
  for (const i of j.items) {
    assert.deepEqual(Object.keys(i).sort(), ['default', 'key', 'label', 'max', 'min', 'value']);
    assert.equal(i.default, DEFAULTS[i.key], i.key);
    assert.equal(i.value, i.default, i.key);
    assert.ok(typeof i.label === 'string' && i.label.length > 0);
    assert.ok(Number.isInteger(i.min) && Number.isInteger(i.max) && i.min <= i.default && i.default <= i.max, i.key);
  }
  const t = await settings('329981101');
  assert.equal(t.region_code, '329981101');
  assert.deepEqual(values(t), DEFAULTS);
  assert.equal((await settings(null, unit)).region_code, '329981101');
  expectError(await api(srv, 'GET', '/api/v1/settings?region=329902', { session: county }), 403, 'out_of_scope');
  expectError(await api(srv, 'GET', '/api/v1/settings?region=329981'), 401, 'unauthenticated');
});

test('PUT by county: its townships inherit; a township\'s own value wins; other regions keep theirs', async () => {
  let j = await put('329981', { 'opinion.reply_days': 10 });
  assert.equal(j.region_code, '329981');
  assert.equal(values(j)['opinion.reply_days'], 10);
  assert.equal(j.items.find((i) => i.key === 'opinion.reply_days').default, 15);
  assert.equal(values(j)['opinion.warn_days'], 3);
  assert.equal(await value('329981101', 'opinion.reply_days'), 10);
  assert.equal(await value('329981101', 'opinion.reply_days', unit), 10);
  assert.equal(await value('329981102', 'opinion.reply_days'), 10);
  assert.equal(await value('329900', 'opinion.reply_days', city), 15);
  assert.equal(await value('329902', 'opinion.reply_days', city), 15);
  // the township's own value
  j = await put('329981101', { 'opinion.reply_days': 20, 'opinion.warn_days': 5 });
  assert.equal(values(j)['opinion.reply_days'], 20);
  assert.deepEqual(values(await settings('329981101')), { ...DEFAULTS, 'opinion.reply_days': 20, 'opinion.warn_days': 5 });
  assert.deepEqual(values(await settings('329981102')), { ...DEFAULTS, 'opinion.reply_days': 10 });
  assert.equal(await value('329981', 'opinion.reply_days'), 10);
  // the city's value reaches where nothing nearer is set
  await put('329900', { 'opinion.reply_days': 30 }, city);
  assert.equal(await value('329902', 'opinion.reply_days', city), 30);
  assert.equal(await value('329981', 'opinion.reply_days', city), 10);
  assert.equal(await value('329981101', 'opinion.reply_days', city), 20);
  // an empty PUT changes nothing
  j = await put('329981', {});
  assert.equal(values(j)['opinion.reply_days'], 10);
  // audited
  const a = await api(srv, 'GET', '/api/v1/audit?action=settings.update&per_page=100', { session: auditor });
  expectStatus(a, 200);
  const e = a.json.items.find((x) => x.object_id === '329981101');
  assert.ok(e, a.text);
  assert.equal(e.actor, 'county');
  assert.deepEqual(e.after, { 'opinion.reply_days': 20, 'opinion.warn_days': 5 });
});

test('PUT: out of range, wrong types and unknown keys are 400 and nothing is stored; roles', async () => {
  const before = values(await settings('329981'));
  const cases = [
    [{ 'opinion.reply_days': 0 }, 'opinion.reply_days', 'out_of_range'],
    [{ 'opinion.reply_days': 121 }, 'opinion.reply_days', 'out_of_range'],
    [{ 'opinion.reply_days': -5 }, 'opinion.reply_days', 'out_of_range'],
    [{ 'opinion.reply_days': '10' }, 'opinion.reply_days'],
    [{ 'opinion.reply_days': 10.5 }, 'opinion.reply_days'],
    [{ 'opinion.reply_days': true }, 'opinion.reply_days'],
    [{ 'opinion.reply_days': null }, 'opinion.reply_days'],
    [{ 'opinion.warn_days': 31 }, 'opinion.warn_days', 'out_of_range'],
    [{ 'opinion.extension_max_days': 0 }, 'opinion.extension_max_days', 'out_of_range'],
    [{ 'opinion.reply_dayz': 12 }, 'opinion.reply_dayz', 'unknown_field'],
    [{ 'suggestion.reply_days': 60 }, 'suggestion.reply_days', 'unknown_field'],
    [{ 'opinion.reply_days': 12, 'opinion.warn_days': 99 }, 'opinion.warn_days', 'out_of_range'],
    [{ 'opinion.reply_days': 12, colour: 'red' }, 'colour', 'unknown_field'],
  ];
  for (const [body, field, code] of cases) {
    const r = await api(srv, 'PUT', '/api/v1/settings?region=329981', { session: county, body });
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.status} ${r.text}`);
    assert.equal(r.json.error.field, field, r.text);
    if (code) assert.equal(r.json.error.code, code, r.text);
  }
  assert.deepEqual(values(await settings('329981')), before);
  expectError(await api(srv, 'PUT', '/api/v1/settings?region=329981', { session: county, body: [10] }), 400, 'bad_json');
  let r = await api(srv, 'PUT', '/api/v1/settings', { session: county, body: { 'opinion.reply_days': 12 } });
  expectError(r, 400, 'missing_field');
  expectError(await api(srv, 'PUT', '/api/v1/settings?region=329902', { session: county, body: { 'opinion.reply_days': 12 } }), 403, 'out_of_scope');
  expectError(await api(srv, 'PUT', '/api/v1/settings?region=999999', { session: county, body: { 'opinion.reply_days': 12 } }), 404, 'not_found');
  for (const s of [unit, station, deputy, handler, auditor]) {
    r = await api(srv, 'PUT', '/api/v1/settings?region=' + s.user.region_code, { session: s, body: { 'opinion.reply_days': 12 } });
    expectError(r, 403, 'forbidden');
  }
  expectError(await api(srv, 'PUT', '/api/v1/settings?region=329981', { session: county, body: { 'opinion.reply_days': 12 }, csrf: false }), 403, 'csrf_failed');
  assert.deepEqual(values(await settings('329981')), before);
  assert.equal(await value('329981101', 'opinion.reply_days', unit), 20);
  // the system administrator may
  await put('329981102', { 'opinion.close_after_days': 20 }, admin);
  assert.equal(await value('329981102', 'opinion.close_after_days'), 20);
  await put('329981102', { 'opinion.close_after_days': 15 }, admin);
});

test('deadlines follow the settings of the opinion\'s region', async () => {
  const plus = await workdayAdder(srv, county, year());
  // 松岭镇 (329981101): 20 of its own; 白圩镇 (329981102): 10 from 清河市
  const a = await assigned(st6.id);
  const b = await assigned(st9.id);
  assert.equal(a.assigned_on, today);
  assert.equal(a.deadline, plus(today, 20));
  assert.equal(b.deadline, plus(today, 10));
  assert.ok(a.deadline > b.deadline);
  // explicit days win over the setting
  assert.equal((await assigned(st6.id, { days: 3 })).deadline, plus(today, 3));
  // a change applies to later assignments, not to those made
  await put('329981101', { 'opinion.reply_days': 5 });
  const c = await assigned(st6.id);
  assert.equal(c.deadline, plus(today, 5));
  assert.ok(c.deadline < a.deadline);
  const again = await api(srv, 'GET', `/api/v1/opinions/${a.id}`, { session: county });
  assert.equal(again.json.opinion.deadline, plus(today, 20));
  // warn_days: 5 in 松岭镇, 3 (default) in 白圩镇
  assert.equal((await assigned(st6.id, { days: 5 })).due, 'warn');
  assert.equal((await assigned(st6.id, { days: 6 })).due, 'ok');
  assert.equal((await assigned(st9.id, { days: 5 })).due, 'ok');
  assert.equal((await assigned(st9.id, { days: 3 })).due, 'warn');
  // extension_max_days
  await put('329981', { 'opinion.extension_max_days': 2 });
  const ext = (o, days) => api(srv, 'POST', `/api/v1/opinions/${o.id}/extensions`, { session: handler, body: { days, reason: '需要更多时间' } });
  let r = await ext(b, 3);
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'days');
  expectStatus(await ext(b, 2), 201);
  // rehandle_days: the deadline after a citizen is not satisfied
  await put('329981101', { 'opinion.rehandle_days': 4 });
  r = await api(srv, 'POST', '/api/v1/public/opinions', { body: { station_code: st6.public_code,
    body: '设置测试：松岭镇河堤上的护栏被撞坏了，一直没人修。' } });
  expectStatus(r, 201);
  const { tracking_code: code, secret } = r.json;
  const id = (await api(srv, 'GET', '/api/v1/opinions?per_page=100&q=' + encodeURIComponent('河堤上的护栏'), { session: county }))
    .json.items.find((x) => x.tracking_code === code).id;
  const step = async (s, action, extra = {}) => expectStatus(await api(srv, 'POST', `/api/v1/opinions/${id}/actions`,
    { session: s, body: { action, ...extra } }), 200);
  await step(county, 'assign', { handler_id: H1.id });
  await step(handler, 'accept');
  await step(handler, 'reply', { reply: '已修复护栏。' });
  r = await api(srv, 'POST', `/api/v1/public/opinions/${code}/rating`, { body: { secret, rating: 'unsatisfied' } });
  expectStatus(r, 200);
  const o = (await api(srv, 'GET', `/api/v1/opinions/${id}`, { session: county })).json.opinion;
  assert.equal(o.state, 'assigned');
  assert.equal(o.deadline, plus(today, 4));
});

test('holidays: the seeded 2025 and 2026 schedules', async () => {
  let r = await api(srv, 'GET', '/api/v1/holidays?year=2026', { session: county });
  expectStatus(r, 200);
  const items = r.json.items;
  for (const i of items) assert.deepEqual(Object.keys(i).sort(), ['day', 'kind', 'name']);
  assert.ok(items.every((i) => i.day.startsWith('2026-')));
  assert.deepEqual(items.map((i) => i.day), [...items.map((i) => i.day)].sort());
  assert.deepEqual(items.find((i) => i.day === '2026-10-01'), { day: '2026-10-01', kind: 'holiday', name: '国庆节' });
  assert.deepEqual(items.find((i) => i.day === '2026-10-10'), { day: '2026-10-10', kind: 'workday', name: '国庆节调休' });
  assert.ok(items.some((i) => i.day === '2026-01-01' && i.kind === 'holiday'));
  // every holiday 1–8 October
  assert.deepEqual(items.filter((i) => i.day >= '2026-10-01' && i.day <= '2026-10-08' && i.kind === 'holiday').length, 7);
  r = await api(srv, 'GET', '/api/v1/holidays?year=2025', { session: handler });
  expectStatus(r, 200);
  assert.ok(r.json.items.every((i) => i.day.startsWith('2025-')));
  assert.ok(r.json.items.some((i) => i.day === '2025-10-01' && i.kind === 'holiday'));
  assert.ok(r.json.items.some((i) => i.day === '2025-09-28' && i.kind === 'workday'));
  r = await api(srv, 'GET', '/api/v1/holidays?year=2031', { session: county });
  assert.deepEqual(r.json.items, []);
  expectError(await api(srv, 'GET', '/api/v1/holidays?year=abc', { session: county }), 400, 'bad_param');
});

test('holidays: the city maintains the calendar; deadlines skip a new holiday and count a new workday', async () => {
  const y = year();
  const plus0 = await workdayAdder(srv, county, y);
  const d0 = plus0(today, 5);
  assert.equal((await assigned(st9.id, { days: 5 })).deadline, d0);
  // the next working day becomes a holiday
  const w = plus0(today, 1);
  const hol = (s, body) => api(srv, 'PUT', '/api/v1/holidays', { session: s, body });
  for (const s of [county, unit, handler, auditor]) expectError(await hol(s, { day: w, kind: 'holiday', name: '临时假日' }), 403, 'forbidden');
  let r = await hol(city, { day: w, kind: 'vacation', name: '临时假日' });
  expectError(r, 400, 'bad_kind');
  assert.equal(r.json.error.field, 'kind');
  r = await hol(city, { day: `${y}-02-30`, kind: 'holiday' });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'day');
  expectError(await hol(city, { day: w }), 400, 'missing_field');
  expectError(await hol(city, { day: w, kind: 'holiday', source: 'x' }), 400, 'unknown_field');
  const inYear = async (day) => (await api(srv, 'GET', `/api/v1/holidays?year=${day.slice(0, 4)}`, { session: county })).json.items.find((i) => i.day === day);
  assert.equal(await inYear(w), undefined);
  r = await hol(city, { day: w, kind: 'holiday', name: '临时假日' });
  expectStatus(r, 200);
  assert.deepEqual(await inYear(w), { day: w, kind: 'holiday', name: '临时假日' });
  const plus1 = await workdayAdder(srv, county, y);
  const d1 = plus1(today, 5);
  assert.ok(d1 > d0, `${d1} after ${d0}`);
  assert.equal((await assigned(st9.id, { days: 5 })).deadline, d1);
  // back to normal
  expectStatus(await hol(city, { day: w, kind: 'none' }), 200);
  assert.equal(await inYear(w), undefined);
  assert.equal((await assigned(st9.id, { days: 5 })).deadline, d0);
  // the next Saturday that is not already special becomes a working day: five working days end sooner
  let sat = today;
  do sat = new Date(Date.parse(sat + 'T00:00:00Z') + 86400000).toISOString().slice(0, 10);
  while (new Date(sat + 'T00:00:00Z').getUTCDay() !== 6 || await inYear(sat));
  expectStatus(await hol(admin, { day: sat, kind: 'workday', name: '临时调休' }), 200);
  assert.deepEqual(await inYear(sat), { day: sat, kind: 'workday', name: '临时调休' });
  const d2 = (await workdayAdder(srv, county, y))(today, 5);
  if (sat <= d0) assert.ok(d2 < d0, `${d2} before ${d0}`);
  else assert.equal(d2, d0, `${sat} is after ${d0}: the deadline stays`);
  assert.equal((await assigned(st9.id, { days: 5 })).deadline, d2);
  expectStatus(await hol(city, { day: sat, kind: 'none' }), 200);
  assert.equal((await assigned(st9.id, { days: 5 })).deadline, d0);
  // audited
  const a = await api(srv, 'GET', `/api/v1/audit?action=holiday.put&object_id=${w}&per_page=10`, { session: auditor });
  expectStatus(a, 200);
  assert.equal(a.json.total, 2);
  assert.ok(a.json.items.every((e) => e.actor === 'city'));
});
