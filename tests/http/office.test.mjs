// The office's day (api.md "Batch work", "Chasing", "Intake from other systems"): one step on the
// rows selected (each item in its own transaction, a result per item); 催办 of work past or near
// its deadline (chase.near_days, with its boundary), recorded on the item, counted per unit and
// sent to the unit in-app and through the gateway; staff signing in many members at once; and an
// integration's intake with an Idempotency-Key, stored once also under two concurrent requests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, api, login, expectError, expectStatus } from './lib.mjs';

let srv, county, city, deputy, handler, sec, unit;
let st6, H1, H2, setting;
before(async () => {
  srv = await startServer();
  [county, city, deputy, handler, sec, unit] = await Promise.all(
    ['county', 'city', 'deputy', 'handler', 'secadmin', 'unit'].map((u) => login(srv, u)));
  const list = async (s, path) => expectStatus(await api(srv, 'GET', path, { session: s }), 200).items;
  st6 = (await list(county, '/api/v1/stations?region=329981101&kind=station'))[0];
  const hs = await list(county, '/api/v1/handlers?region=329981&per_page=100');
  H1 = hs.find((h) => h.name === '清河市交通运输局');
  H2 = hs.find((h) => h.name === '清河市住房和城乡建设局');
  assert.equal(handler.user.handler_id, H1.id);
  setting = Object.fromEntries((await list(county, '/api/v1/settings?region=329981101')).map((i) => [i.key, i.value]));
});
after(async () => { await srv.stop(); });

const isPg = () => !srv.db.url.startsWith('sqlite:');
// Reads the stored tables directly, as an operator could (rows as objects).
function sql(q) {
  if (!isPg()) {
    const out = execFileSync('sqlite3', ['-cmd', '.timeout 5000', '-json', srv.db.url.slice('sqlite:'.length), q], { encoding: 'utf8' }).trim();
    return out ? JSON.parse(out) : [];
  }
  return JSON.parse(execFileSync('psql', [srv.db.url, '-X', '-q', '-A', '-t', '-c',
    `SELECT coalesce(json_agg(x), '[]') FROM (${q}) x`], { encoding: 'utf8' }));
}
// Writes the database directly, as an operator could (a key's expiry in the past).
function sqlExec(q) {
  if (!isPg()) return execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db.url.slice('sqlite:'.length), q], { encoding: 'utf8' });
  return execFileSync('psql', [srv.db.url, '-X', '-q', '-A', '-t', '-c', q], { encoding: 'utf8' });
}
const post = (s, path, body) => api(srv, 'POST', path, { session: s, body });
async function reg(body) {
  const r = await post(county, '/api/v1/opinions', { channel: 'visit', station_id: st6.id, body });
  return expectStatus(r, 201).opinion;
}
const act = (s, id, body) => post(s, `/api/v1/opinions/${id}/actions`, body);
const get = async (s, id) => expectStatus(await api(srv, 'GET', `/api/v1/opinions/${id}`, { session: s }), 200);

test('batch: assign two opinions at once, a result per item, a refused item left whole', async () => {
  const a = await reg('批量交办一：桥头路灯不亮，夜间行人看不清路面。');
  const b = await reg('批量交办二：菜场门口积水严重，下雨天无法通行。');
  const c = await reg('批量交办三：这条已经交办过了，不应再次交办。');
  expectStatus(await act(county, c.id, { action: 'assign', handler_id: H2.id }), 200);
  const before = (await get(county, c.id)).opinion;
  let r = await post(county, '/api/v1/opinions/batch', { ids: [a.id, b.id, c.id], action: 'assign', handler_id: H1.id, days: 10 });
  const out = expectStatus(r, 200);
  assert.equal(out.done, 2);
  assert.equal(out.failed, 1);
  assert.deepEqual(out.results.map((x) => [x.id, x.ok]), [[a.id, true], [b.id, true], [c.id, false]]);
  assert.equal(out.results[2].error.code, 'bad_state');
  assert.match(out.results[2].error.message, /[\u4e00-\u9fff]/);
  for (const id of [a.id, b.id]) {
    const o = (await get(county, id)).opinion;
    assert.equal(o.state, 'assigned');
    assert.equal(o.handler_id, H1.id);
    assert.ok(o.events.some((e) => e.action === 'assign'), 'the history has the step');
  }
  // the refused item is untouched: same unit, same state, no second assign in its history
  const after = (await get(county, c.id)).opinion;
  assert.equal(after.handler_id, H2.id);
  assert.equal(after.state, before.state);
  assert.equal(after.events.filter((e) => e.action === 'assign').length, 1);
  // each item is audited as its own step; the refused one as refused
  assert.equal(Number(sql(`SELECT COUNT(*) AS n FROM audit WHERE action = 'opinion.assign' AND object_id IN ('${a.id}','${b.id}')`)[0].n), 2);
  assert.equal(Number(sql(`SELECT COUNT(*) AS n FROM audit WHERE action = 'opinion.batch' AND object_id = '${c.id}' AND outcome = 'refused'`)[0].n), 1);

  // the request: ids given, distinct, whole, at most a page
  expectError(await post(county, '/api/v1/opinions/batch', { action: 'close' }), 400, 'missing_field');
  expectError(await post(county, '/api/v1/opinions/batch', { ids: [], action: 'close' }), 400, 'missing_field');
  expectError(await post(county, '/api/v1/opinions/batch', { ids: [a.id, a.id], action: 'close' }), 400, 'duplicate_id');
  expectError(await post(county, '/api/v1/opinions/batch', { ids: ['x'], action: 'close' }), 400, 'bad_id');
  expectError(await post(county, '/api/v1/opinions/batch', { ids: Array.from({ length: 101 }, (_, i) => i + 1), action: 'close' }), 400, 'too_many');
  // who may: staff who manage opinions; a deputy, a unit and the other county's items are refused
  expectError(await post(deputy, '/api/v1/opinions/batch', { ids: [a.id], action: 'close' }), 403, 'forbidden');
  expectError(await post(handler, '/api/v1/opinions/batch', { ids: [a.id], action: 'accept' }), 403, 'forbidden');
  const far = expectStatus(await api(srv, 'GET', '/api/v1/opinions?region=329902&per_page=1', { session: city }), 200).items[0];
  r = expectStatus(await post(county, '/api/v1/opinions/batch', { ids: [far.id], action: 'close' }), 200);
  assert.equal(r.results[0].ok, false);
  assert.equal(r.results[0].error.code, 'not_found');
});

test('batch: suggestions and a meeting\'s members signed in at once', async () => {
  const sg = expectStatus(await api(srv, 'GET', '/api/v1/suggestions?state=submitted&per_page=2', { session: county }), 200).items;
  assert.ok(sg.length === 2, 'the demo has submitted suggestions');
  let r = expectStatus(await post(county, '/api/v1/suggestions/batch', { ids: sg.map((s) => s.id), action: 'accept' }), 200);
  assert.equal(r.done, 2, JSON.stringify(r));
  for (const s of sg) assert.equal(expectStatus(await api(srv, 'GET', `/api/v1/suggestions/${s.id}`, { session: county }), 200).suggestion.state, 'accepted');
  expectError(await post(deputy, '/api/v1/suggestions/batch', { ids: [sg[0].id], action: 'close' }), 403, 'forbidden');
  // 交办 at once: the two accepted ones to one lead unit, a submitted one refused whole
  const third = expectStatus(await api(srv, 'GET', '/api/v1/suggestions?state=submitted&per_page=1', { session: county }), 200).items[0];
  r = expectStatus(await post(county, '/api/v1/suggestions/batch',
    { ids: [...sg.map((s) => s.id), third.id], action: 'assign', lead_handler_id: H1.id }), 200);
  assert.equal(r.done, 2, JSON.stringify(r));
  assert.deepEqual(r.results.map((x) => x.ok), [true, true, false]);
  assert.equal(r.results[2].error.code, 'bad_state');
  for (const s of sg) {
    const x = expectStatus(await api(srv, 'GET', `/api/v1/suggestions/${s.id}`, { session: county }), 200).suggestion;
    assert.equal(x.state, 'assigned');
    assert.ok(x.handlers.some((h) => h.handler_id === H1.id && h.role === 'lead'));
  }
  assert.equal(expectStatus(await api(srv, 'GET', `/api/v1/suggestions/${third.id}`, { session: county }), 200).suggestion.state, 'submitted');
  expectError(await post(handler, '/api/v1/suggestions/batch', { ids: [third.id], action: 'assign', lead_handler_id: H1.id }), 403, 'forbidden');

  r = await post(unit, '/api/v1/meetings', { kind: 'session', title: '批量签到测试会议', region_code: '329981101',
    term: 18, starts_on: '2026-06-10', notice_on: '2026-06-01', place: '镇政府会议室' });
  const mid = expectStatus(r, 201).meeting.id;
  expectStatus(await post(unit, `/api/v1/meetings/${mid}/actions`, { action: 'open_signin' }), 200);
  const members = expectStatus(await api(srv, 'GET', `/api/v1/meetings/${mid}/attendance`, { session: unit }), 200).items.map((m) => m.deputy_id);
  assert.ok(members.length >= 4);
  expectStatus(await post(unit, `/api/v1/meetings/${mid}/attendance`, { action: 'sign_in', deputy_id: members[2] }), 200);
  r = expectStatus(await post(unit, `/api/v1/meetings/${mid}/attendance/batch`, { action: 'sign_in', deputy_ids: members.slice(0, 3) }), 200);
  assert.equal(r.done, 2);
  assert.deepEqual(r.results.map((x) => x.ok), [true, true, false]);
  assert.equal(r.results[2].error.code, 'already_present');
  const att = expectStatus(await api(srv, 'GET', `/api/v1/meetings/${mid}/attendance`, { session: unit }), 200);
  assert.equal(att.attendance.present, 3);
  // a deputy signs in only itself; the county's staff of another meeting's region still run it
  expectError(await post(deputy, `/api/v1/meetings/${mid}/attendance/batch`, { action: 'sign_in', deputy_ids: [members[3]] }), 403, 'forbidden');
  expectError(await post(unit, `/api/v1/meetings/${mid}/attendance/batch`, { action: 'sign_in' }), 400, 'missing_field');
});

test('chase: near or past the deadline only (chase.near_days boundary), on the history, counted per unit, sent', async () => {
  const near = setting['chase.near_days'];
  assert.equal(near, 3);
  const o1 = await reg('催办测试一：小区门口的减速带损坏，车辆经过噪音很大。');
  const o2 = await reg('催办测试二：公交站台的顶棚漏雨，候车的人淋湿。');
  // deadline near+1 working days away: refused; near working days away: allowed
  expectStatus(await act(county, o1.id, { action: 'assign', handler_id: H1.id, days: near + 1 }), 200);
  expectStatus(await act(county, o2.id, { action: 'assign', handler_id: H1.id, days: near }), 200);
  // the lists say how many working days are left: the pages offer 催办 at workdays_left <= chase.near_days
  const listed1 = expectStatus(await api(srv, 'GET', `/api/v1/opinions?q=${o1.tracking_code}`, { session: county }), 200).items[0];
  const listed2 = expectStatus(await api(srv, 'GET', `/api/v1/opinions?q=${o2.tracking_code}`, { session: county }), 200).items[0];
  assert.equal(listed1.workdays_left, near + 1);
  assert.equal(listed2.workdays_left, near);
  assert.equal((await get(county, o2.id)).opinion.workdays_left, near);
  assert.equal(o1.workdays_left ?? null, null, 'nothing left to count before the item is assigned');
  const count0 = expectStatus(await api(srv, 'GET', `/api/v1/handlers/${H1.id}`, { session: county }), 200).handler.chases;
  const outbox0 = Number(sql("SELECT COUNT(*) AS n FROM outbox WHERE payload LIKE '%\"notice\":\"chase\"%'")[0].n);
  let r = await act(county, o1.id, { action: 'chase', message: '请尽快处理并答复群众' });
  expectError(r, 409, 'not_due');
  assert.match(r.json.error.message, new RegExp(`${near}个工作日`));
  expectError(await act(county, o2.id, { action: 'chase' }), 400, 'missing_field');
  r = await act(county, o2.id, { action: 'chase', message: '请尽快处理并答复群众' });
  const o = expectStatus(r, 200).opinion;
  assert.equal(o.state, 'assigned', 'a chase does not change the state');
  const ev = o.events.find((e) => e.action === 'chase');
  assert.ok(ev, 'the chase is on the item\'s history');
  assert.match(ev.note, /请尽快处理并答复群众/);
  assert.match(ev.note, /清河市交通运输局/);
  // the unit's count, its in-app notice, its text message through the gateway
  assert.equal(expectStatus(await api(srv, 'GET', `/api/v1/handlers/${H1.id}`, { session: county }), 200).handler.chases, count0 + 1);
  const listed = expectStatus(await api(srv, 'GET', '/api/v1/handlers?region=329981&per_page=100', { session: county }), 200).items.find((h) => h.id === H1.id);
  assert.equal(listed.chases, count0 + 1);
  const notes = expectStatus(await api(srv, 'GET', '/api/v1/notifications', { session: handler }), 200).items;
  assert.ok(notes.some((n) => n.kind === 'chase' && n.link === `/opinions/${o2.id}`), 'the unit is told in-app');
  assert.ok(H1.phone, 'the demo unit has an office phone');
  const sms = sql("SELECT payload FROM outbox WHERE payload LIKE '%\"notice\":\"chase\"%' ORDER BY id").map((x) => JSON.parse(x.payload));
  assert.equal(sms.length, outbox0 + 1, 'one text message to the unit through the gateway');
  assert.equal(sms[sms.length - 1].to, H1.phone);
  assert.equal(sms[sms.length - 1].handler_id, H1.id);
  assert.match(sms[sms.length - 1].text, /请尽快处理并答复群众/);
  const row = sql(`SELECT object_type, handler_id, message FROM chases WHERE object_id = ${o2.id}`);
  assert.deepEqual(row.map((x) => [x.object_type, Number(x.handler_id), x.message]), [['opinion', H1.id, '请尽快处理并答复群众']]);
  assert.equal(Number(sql(`SELECT COUNT(*) AS n FROM audit WHERE action = 'opinion.chase' AND object_id = '${o2.id}'`)[0].n), 1);

  // the setting moves the line: with near+1 days the first one may be chased too
  expectStatus(await api(srv, 'PUT', '/api/v1/settings?region=329981', { session: county, body: { 'chase.near_days': near + 1 } }), 200);
  expectStatus(await act(county, o1.id, { action: 'chase', message: '请抓紧办理' }), 200);
  expectStatus(await api(srv, 'PUT', '/api/v1/settings?region=329981', { session: county, body: { 'chase.near_days': near } }), 200);

  // only staff who manage opinions, only within scope, only work in hand
  expectError(await act(handler, o2.id, { action: 'chase', message: '自己催自己' }), 403, 'forbidden');
  expectError(await act(deputy, o2.id, { action: 'chase', message: '代表催办' }), 403, 'forbidden');
  const far = expectStatus(await api(srv, 'GET', '/api/v1/opinions?region=329902&state=assigned&per_page=1', { session: city }), 200).items[0];
  expectError(await act(county, far.id, { action: 'chase', message: '越权催办' }), 404, 'not_found');
  const fresh = await reg('催办测试三：尚未交办的意见不能催办。');
  expectError(await act(county, fresh.id, { action: 'chase', message: '还没交办' }), 409, 'bad_state');
  // by batch, each item through the same step
  r = expectStatus(await post(county, '/api/v1/opinions/batch', { ids: [o2.id, o1.id], action: 'chase', message: '批量催办' }), 200);
  assert.deepEqual(r.results.map((x) => [x.ok, x.error?.code]), [[true, undefined], [false, 'not_due']]);
});

test('chase: a suggestion past or near its deadline, every unit in hand; one far from it refused', async () => {
  const items = expectStatus(await api(srv, 'GET', '/api/v1/suggestions?state=assigned&per_page=100', { session: county }), 200).items;
  const late = items.find((s) => s.kind === 'suggestion' && s.due === 'overdue');
  const ok = items.find((s) => s.kind === 'suggestion' && s.due === 'ok');
  assert.ok(late && ok, 'the demo has assigned suggestions late and in time');
  const units = sql(`SELECT handler_id FROM suggestion_handlers WHERE suggestion_id = ${late.id} AND status = 'assigned'`).map((x) => Number(x.handler_id));
  assert.ok(units.length >= 1);
  let r = await post(county, `/api/v1/suggestions/${late.id}/actions`, { action: 'chase', message: '请按期答复代表' });
  const s = expectStatus(r, 200).suggestion;
  assert.ok(s.events.some((e) => e.action === 'chase' && /请按期答复代表/.test(e.note)), 'on the history');
  assert.deepEqual(sql(`SELECT handler_id FROM chases WHERE object_type = 'suggestion' AND object_id = ${late.id} ORDER BY id`).map((x) => Number(x.handler_id)).sort(), units.sort());
  // suggestion.warn_days (10) is above chase.near_days (3): an item not yet warned is not near
  expectError(await post(county, `/api/v1/suggestions/${ok.id}/actions`, { action: 'chase', message: '提前催办' }), 409, 'not_due');
  // the lists' workdays_left: negative once overdue, above chase.near_days for the one refused
  assert.ok(late.workdays_left < 0, JSON.stringify(late));
  assert.ok(ok.workdays_left > 3, JSON.stringify(ok));
  assert.equal(items.find((x) => x.state !== 'assigned'), undefined);
  // a deputy who did not sign it does not see it; a county item is outside a township's scope
  expectError(await post(deputy, `/api/v1/suggestions/${late.id}/actions`, { action: 'chase', message: '代表催办' }), 404, 'not_found');
  // (the small demo's suggestions are all the county's: the township's staff are outside it)
  assert.equal(unit.user.region_code, '329981101');
  const mine = new Set(expectStatus(await api(srv, 'GET', '/api/v1/suggestions?state=assigned&per_page=100', { session: unit }), 200).items.map((x) => x.id));
  const far = items.find((x) => !mine.has(x.id));
  assert.ok(far, 'the demo has a suggestion in hand outside the township');
  expectError(await post(unit, `/api/v1/suggestions/${far.id}/actions`, { action: 'chase', message: '越权催办' }), 404, 'not_found');
});

test('intake: an Idempotency-Key stores a retried request once; another body is refused; keys expire', async () => {
  const svc = expectStatus(await post(sec, '/api/v1/accounts', { username: 'svc.12345', display_name: '12345热线对接', role: 'service', region_code: '329981' }), 201).account;
  const token = expectStatus(await post(sec, '/api/v1/tokens', { account_id: svc.id, name: '12345热线', scopes: ['opinion_intake'] }), 201).secret;
  const send = (key, body) => api(srv, 'POST', '/api/v1/opinions', { token, body, headers: key ? { 'Idempotency-Key': key } : {} });
  const body = { station_id: st6.id, channel: 'phone', body: '热线转来：幸福路下水道堵塞，污水漫到路面。' };
  const count = (text) => Number(sql(`SELECT COUNT(*) AS n FROM opinions WHERE body = '${text}'`)[0].n);

  let r = await send('hotline-0001', body);
  const first = expectStatus(r, 201).opinion;
  r = await send('hotline-0001', body);
  expectStatus(r, 200);
  assert.equal(r.json.replayed, true);
  assert.equal(r.json.opinion.tracking_code, first.tracking_code);
  assert.equal(r.json.opinion.id, first.id);
  // the same fields in another order are the same request
  r = await send('hotline-0001', { body: body.body, channel: 'phone', station_id: st6.id });
  assert.equal(expectStatus(r, 200).opinion.tracking_code, first.tracking_code);
  assert.equal(count(body.body), 1);
  // the same key with another body: refused, in Chinese, naming the header
  r = await send('hotline-0001', { ...body, body: '热线转来：另一件事，路口红绿灯坏了。' });
  expectError(r, 409, 'idempotency_conflict');
  assert.equal(r.json.error.field, 'Idempotency-Key');
  assert.match(r.json.error.message, /幂等键/);
  assert.equal(count('热线转来：另一件事，路口红绿灯坏了。'), 0);
  // a bad key
  expectError(await send('with space/slash', body), 400, 'bad_idempotency_key');
  expectError(await send('x'.repeat(129), body), 400, 'bad_idempotency_key');
  // without a key every request is new
  const plain = { ...body, body: '热线转来：没有幂等键的请求每次都登记。' };
  expectStatus(await send(null, plain), 201);
  expectStatus(await send(null, plain), 201);
  assert.equal(count(plain.body), 2);
  // a key is the account's own: staff with the same key register their own
  r = await api(srv, 'POST', '/api/v1/opinions', { session: county, body, headers: { 'Idempotency-Key': 'hotline-0001' } });
  assert.notEqual(expectStatus(r, 201).opinion.tracking_code, first.tracking_code);

  // kept intake.idempotency_hours, read from the setting
  const hours = setting['intake.idempotency_hours'];
  assert.equal(hours, 24);
  const k = sql("SELECT created_at, expires_at FROM idempotency_keys WHERE idem_key = 'hotline-0001' ORDER BY id LIMIT 1")[0];
  assert.equal(Number(k.expires_at) - Number(k.created_at), hours * 3600);
  expectStatus(await api(srv, 'PUT', '/api/v1/settings?region=329981', { session: county, body: { 'intake.idempotency_hours': 2 } }), 200);
  expectStatus(await send('hotline-0002', { ...body, body: '热线转来：保留时长按设置计算。' }), 201);
  const k2 = sql("SELECT created_at, expires_at FROM idempotency_keys WHERE idem_key = 'hotline-0002'")[0];
  assert.equal(Number(k2.expires_at) - Number(k2.created_at), 2 * 3600);
  expectStatus(await api(srv, 'PUT', '/api/v1/settings?region=329981', { session: county, body: { 'intake.idempotency_hours': hours } }), 200);
  // an expired key is forgotten: the request is stored again
  sqlExec(`UPDATE idempotency_keys SET expires_at = ${Math.floor(Date.now() / 1000) - 1} WHERE idem_key = 'hotline-0001' AND account_id = ${svc.id}`);
  r = await send('hotline-0001', body);
  assert.notEqual(expectStatus(r, 201).opinion.tracking_code, first.tracking_code);
  assert.equal(count(body.body), 3, 'the token\'s two and the staff\'s one');
});

test('intake: two identical requests with one key at the same time store one opinion', async () => {
  const svc = expectStatus(await post(sec, '/api/v1/accounts', { username: 'svc.app', display_name: '政务App对接', role: 'service', region_code: '329981' }), 201).account;
  const token = expectStatus(await post(sec, '/api/v1/tokens', { account_id: svc.id, name: '政务App', scopes: ['opinion_intake'] }), 201).secret;
  for (let i = 0; i < 8; i++) {
    const text = `政务App转来第${i}件：小区电梯经常停运，老人上下楼困难。`;
    const body = { station_id: st6.id, channel: 'letter', body: text };
    const both = await Promise.all([0, 1].map(() => api(srv, 'POST', '/api/v1/opinions', { token, body, headers: { 'Idempotency-Key': `app-${i}` } })));
    const st = both.map((r) => r.status).sort();
    assert.deepEqual(st, [200, 201], both.map((r) => r.text).join('\n'));
    assert.equal(both[0].json.opinion.tracking_code, both[1].json.opinion.tracking_code);
    assert.equal(Number(sql(`SELECT COUNT(*) AS n FROM opinions WHERE body = '${text}'`)[0].n), 1);
  }
  // the token's scope still bounds it: a batch is not intake
  const o = expectStatus(await api(srv, 'GET', '/api/v1/opinions?per_page=1', { session: county }), 200).items[0];
  expectError(await api(srv, 'POST', '/api/v1/opinions/batch', { token, body: { ids: [o.id], action: 'close' } }), 403, 'token_scope');
});
