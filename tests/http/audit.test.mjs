// The audit log: only the auditor reads it; filters; newest first; entries carry the client
// address, before/after and an outcome; failed logins, administrator actions, refused and failed
// writes, readings of full personal data and exports are recorded; the log's export; the SM3 hash
// chain that renda audit verify walks (an edited, deleted or inserted entry is named).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startServer, api, login, expectError, expectStatus, accountId, freshDb, renda } from './lib.mjs';

let srv, auditor, admin, sec, county, deputy;
let t0;
before(async () => {
  srv = await startServer();
  t0 = Math.floor(Date.now() / 1000) - 2;
  [auditor, admin, sec, county, deputy] = await Promise.all(
    ['auditor', 'admin', 'secadmin', 'county', 'deputy'].map((u) => login(srv, u)));
  // The background job's first pass closes the demo's unrated replies as it starts (an entry
  // each): let it finish, so that the tests below count only their own entries.
  let last = -1;
  for (let i = 0; i < 100; i++) {
    const r = await api(srv, 'GET', '/api/v1/audit?actor=(system)&per_page=1', { session: auditor });
    if (r.json.total === last) break;
    last = r.json.total;
    await new Promise((ok) => setTimeout(ok, 300));
  }
});
after(async () => { await srv.stop(); });

const ENTRY_KEYS = ['id', 'at', 'actor_id', 'actor', 'client_addr', 'action', 'object_type', 'object_id', 'before', 'after', 'outcome'].sort();
async function audit(qs) {
  const r = await api(srv, 'GET', '/api/v1/audit' + (qs ? '?' + qs : ''), { session: auditor });
  expectStatus(r, 200);
  return r.json;
}

test('only the auditor reads the audit log', async () => {
  for (const s of [admin, sec, county, deputy]) {
    const r = await api(srv, 'GET', '/api/v1/audit', { session: s });
    expectError(r, 403, 'forbidden');
  }
  expectError(await api(srv, 'GET', '/api/v1/audit'), 401, 'unauthenticated');
  const j = await audit();
  assert.ok(j.total > 0);
});

test('the audit log cannot be written or deleted through the API', async () => {
  const before = (await audit('per_page=1')).total;
  for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) {
    const r = await api(srv, m, '/api/v1/audit', { session: auditor, body: m === 'DELETE' ? undefined : {} });
    assert.ok(r.status === 405 || r.status === 403 || r.status === 404, `${m}: ${r.status}`);
    assert.notEqual(r.status, 200);
  }
  assert.equal((await audit('per_page=1')).total, before);
});

test('entries: shape, client address, newest first', async () => {
  // some activity by different actors
  let r = await api(srv, 'POST', '/api/v1/handlers', { session: county, body: { region_code: '329981', name: '审计甲' } });
  expectStatus(r, 201);
  r = await api(srv, 'POST', '/api/v1/regions', { session: admin, body: { code: '329981130', name: '审计镇', level: 'township', parent_code: '329981' } });
  expectStatus(r, 201);
  r = await api(srv, 'PATCH', '/api/v1/regions/329981130', { session: admin, body: { name: '审计新镇' } });
  expectStatus(r, 200);
  const j = await audit('per_page=100');
  assert.ok(j.items.length >= 5);
  assert.equal(j.page, 1);
  assert.equal(j.per_page, 100);
  for (const e of j.items) {
    assert.deepEqual(Object.keys(e).sort(), ENTRY_KEYS);
    // the demo's session was recorded offline; the background job's steps have no client
    if (e.actor === '(system)') assert.equal(e.client_addr, '');
    else if (e.actor !== 'demo') assert.equal(e.client_addr, '127.0.0.1');
    assert.ok(Number.isInteger(e.at) && e.at >= t0 - 60, `at ${e.at}`);
    assert.equal(e.outcome, 'done');
  }
  for (let i = 1; i < j.items.length; i++) {
    assert.ok(j.items[i - 1].id > j.items[i].id, 'not newest first by id');
    assert.ok(j.items[i - 1].at >= j.items[i].at, 'not newest first by time');
  }
  assert.equal(j.items[0].action, 'region.update');
  assert.equal(j.items[0].before.name, '审计镇');
  assert.equal(j.items[0].after.name, '审计新镇');
  assert.equal(j.items[1].action, 'region.create');
  assert.equal(j.items[1].before, null);
  assert.equal(j.items[1].after.code, '329981130');
  assert.equal(j.items[2].action, 'handler.create');
  assert.equal(j.items[2].actor, 'county');
  assert.equal(j.items[2].after.name, '审计甲');
});

test('filters: actor, action, object_type, object_id, time range, paging', async () => {
  let j = await audit('actor=county&per_page=100');
  assert.ok(j.total >= 2);
  assert.ok(j.items.every((e) => e.actor === 'county'));
  assert.ok(j.items.some((e) => e.action === 'session.login'));
  assert.ok(j.items.some((e) => e.action === 'handler.create'));

  j = await audit('action=session.login&per_page=100');
  assert.ok(j.total >= 5);
  assert.ok(j.items.every((e) => e.action === 'session.login'));
  assert.ok(['auditor', 'admin', 'secadmin', 'county', 'deputy'].every((u) => j.items.some((e) => e.actor === u)));

  j = await audit('object_type=region');
  assert.equal(j.total, 2);
  assert.ok(j.items.every((e) => e.object_type === 'region' && e.object_id === '329981130'));

  j = await audit('object_type=region&object_id=329981130&action=region.create');
  assert.equal(j.total, 1);

  j = await audit('actor=county&action=region.create');
  assert.equal(j.total, 0);
  assert.deepEqual(j.items, []);

  j = await audit('actor=nobody');
  assert.equal(j.total, 0);

  const future = Math.floor(Date.now() / 1000) + 3600;
  j = await audit(`from=${future}`);
  assert.equal(j.total, 0);
  j = await audit(`from=${t0 - 60}&to=${future}&per_page=1`);
  assert.ok(j.total > 0);
  j = await audit('to=1000');
  assert.equal(j.total, 0);
  expectError(await api(srv, 'GET', '/api/v1/audit?from=yesterday', { session: auditor }), 400, 'bad_param');

  const all = await audit('per_page=100');
  const p2 = await audit('per_page=2&page=2');
  assert.equal(p2.total, all.total);
  assert.deepEqual(p2.items.map((e) => e.id), all.items.slice(2, 4).map((e) => e.id));
});

test('failed logins are recorded, for known and unknown usernames', async () => {
  let r = await api(srv, 'POST', '/api/v1/session', { body: { username: 'city', password: 'Wrong#2024z' } });
  expectError(r, 401, 'bad_credentials');
  let j = await audit('actor=city&per_page=100');
  const failed = j.items.filter((e) => e.action !== 'session.login');
  assert.equal(failed.length, 1, JSON.stringify(j.items));
  assert.match(failed[0].action, /fail/);
  assert.equal(failed[0].client_addr, '127.0.0.1');
  assert.equal(failed[0].object_type, 'account');

  r = await api(srv, 'POST', '/api/v1/session', { body: { username: 'ghost', password: 'Wrong#2024z' } });
  expectError(r, 401, 'bad_credentials');
  j = await audit('actor=ghost');
  assert.equal(j.total, 1, `failed login of an unknown username not recorded: ${JSON.stringify(j)}`);
  assert.match(j.items[0].action, /fail/);
  assert.equal(j.items[0].actor_id, null);
});

test('a lockout is recorded', async () => {
  for (let i = 0; i < 5; i++)
    await api(srv, 'POST', '/api/v1/session', { body: { username: 'station', password: 'Wrong#2024' + i } });
  const j = await audit('actor=station&per_page=100');
  assert.ok(j.items.filter((e) => /fail|lock/.test(e.action)).length >= 5);
  assert.ok(j.items.some((e) => /lock/.test(e.action)), JSON.stringify(j.items.map((e) => e.action)));
});

test('account administration is recorded with before/after, without password hashes', async () => {
  let r = await api(srv, 'POST', '/api/v1/accounts', { session: sec, body: { username: 'audited', display_name: '被审计',
    role: 'deputy', region_code: '329981101', password: 'Audit#2024x' } });
  expectStatus(r, 201);
  const id = r.json.account.id;
  expectStatus(await api(srv, 'POST', `/api/v1/accounts/${id}/lock`, { session: sec }), 200);
  expectStatus(await api(srv, 'POST', `/api/v1/accounts/${id}/unlock`, { session: sec }), 200);
  expectStatus(await api(srv, 'POST', `/api/v1/accounts/${id}/password`, { session: sec, body: { password: 'Audit#2025y' } }), 204);
  const j = await audit(`object_type=account&object_id=${id}&per_page=100`);
  const text = JSON.stringify(j);
  assert.doesNotMatch(text, /argon2|Audit#202/);
  const actions = j.items.map((e) => e.action);
  assert.deepEqual(actions, ['account.password_reset', 'account.unlock', 'account.lock', 'account.create']);
  assert.ok(j.items.every((e) => e.actor === 'secadmin' && e.actor_id === sec.user.id));
  const [, unlock, lock, create] = j.items;
  assert.equal(create.before, null);
  assert.equal(create.after.username, 'audited');
  assert.equal(lock.before.locked, false);
  assert.equal(lock.after.locked, true);
  assert.equal(unlock.before.locked, true);
  assert.equal(unlock.after.locked, false);

  // tokens are issued to service accounts only, with scopes
  r = await api(srv, 'POST', '/api/v1/accounts', { session: sec, body: { username: 'audit.svc', display_name: '审计对接',
    role: 'service', region_code: '329981' } });
  expectStatus(r, 201);
  r = await api(srv, 'POST', '/api/v1/tokens', { session: sec, body: { account_id: r.json.account.id, name: '审计令牌', scopes: ['read'] } });
  expectStatus(r, 201);
  const secret = r.json.secret;
  expectStatus(await api(srv, 'DELETE', `/api/v1/tokens/${r.json.token.id}`, { session: sec }), 204);
  const t = await audit('object_type=api_token&per_page=100');
  assert.deepEqual(t.items.map((e) => e.action), ['token.revoke', 'token.create']);
  assert.ok(!JSON.stringify(t).includes(secret.slice(4)), 'audit leaks the token secret');
});

test('units and region deletion are recorded', async () => {
  expectStatus(await api(srv, 'PUT', '/api/v1/regions/329981130/unit', { session: admin,
    body: { name: '审计新镇人大主席团', kind: 'presidium' } }), 200);
  let j = await audit('object_type=unit&per_page=100');
  assert.equal(j.total, 1);
  assert.equal(j.items[0].before, null);
  assert.equal(j.items[0].after.name, '审计新镇人大主席团');
  expectStatus(await api(srv, 'POST', '/api/v1/regions', { session: admin, body: { code: '329981131', name: '待删镇', level: 'township', parent_code: '329981' } }), 201);
  expectStatus(await api(srv, 'DELETE', '/api/v1/regions/329981131', { session: admin }), 204);
  j = await audit('object_id=329981131&per_page=100');
  assert.deepEqual(j.items.map((e) => e.action), ['region.delete', 'region.create']);
  assert.equal(j.items[0].before.name, '待删镇');
  assert.equal(j.items[0].after, null);
});

test('logins, logouts and password changes are recorded', async () => {
  const s = await login(srv, 'unit');
  expectStatus(await api(srv, 'POST', '/api/v1/session/password', { session: s, body: { old_password: 'Renda@2024', new_password: 'Unit#2025pw' } }), 204);
  expectStatus(await api(srv, 'DELETE', '/api/v1/session', { session: s }), 204);
  const j = await audit('actor=unit&per_page=100');
  assert.deepEqual(j.items.map((e) => e.action), ['session.logout', 'account.password_change', 'session.login']);
  assert.doesNotMatch(JSON.stringify(j), /Unit#2025pw|Renda@2024/);
});

// ---- outcomes: refused and failed writes ----

test('refused writes are recorded with outcome refused and the error; reads and 401s are not', async () => {
  // 403 out of scope, 400 validation, 409 conflict, 404 on a write
  let r = await api(srv, 'POST', '/api/v1/handlers', { session: county, body: { region_code: '329902', name: '越权单位' } });
  assert.equal(r.status, 403);
  const code403 = r.json.error.code;
  r = await api(srv, 'POST', '/api/v1/handlers', { session: county, body: { region_code: '329981', name: 5 } });
  expectStatus(r, 400);
  r = await api(srv, 'DELETE', '/api/v1/regions/329981', { session: admin });
  expectStatus(r, 409);
  r = await api(srv, 'PATCH', '/api/v1/handlers/999999', { session: county, body: { name: '无此单位' } });
  expectStatus(r, 404);
  // not recorded: a refused read, an unauthenticated write
  expectError(await api(srv, 'GET', '/api/v1/audit', { session: admin }), 403, 'forbidden');
  expectError(await api(srv, 'POST', '/api/v1/handlers', { body: { region_code: '329981', name: '匿名' } }), 401, 'unauthenticated');

  let j = await audit('outcome=refused&actor=county&per_page=100');
  assert.ok(j.items.every((e) => e.outcome === 'refused' && e.actor === 'county' && e.client_addr === '127.0.0.1'));
  const posts = j.items.filter((e) => e.action === 'POST /api/v1/handlers');
  assert.equal(posts.length, 2);
  assert.ok(posts.some((e) => e.after.error === code403 && e.object_type === 'handler'));
  const bad = posts.find((e) => e.after.error !== code403);
  assert.ok(bad, 'the 400 is recorded');
  assert.equal(bad.after.field, 'name');
  const patch = j.items.find((e) => e.action === 'PATCH /api/v1/handlers/:id');
  assert.equal(patch.object_type, 'handler');
  assert.equal(patch.object_id, '999999');
  assert.equal(patch.after.error, 'not_found');
  j = await audit('outcome=refused&actor=admin&per_page=100');
  assert.deepEqual(j.items.map((e) => [e.action, e.object_type, e.object_id, e.after.error]),
    [['DELETE /api/v1/regions/:code', 'region', '329981', 'in_use']]);
  // the refused read and the anonymous write left nothing
  j = await audit('outcome=refused&per_page=100');
  assert.ok(!j.items.some((e) => e.action.startsWith('GET ')));
  assert.ok(!j.items.some((e) => e.after && e.after.error === 'unauthenticated'));
  // the write that succeeded has no refused twin
  assert.ok((await audit('outcome=done&actor=county&action=handler.create')).total >= 1);
});

test('a public submission refused by validation is recorded as (public) with the address', async () => {
  const r = await api(srv, 'POST', '/api/v1/public/opinions', { body: { body: '' } });
  expectStatus(r, 400);
  const j = await audit('actor=(public)&outcome=refused');
  assert.equal(j.total, 1);
  assert.equal(j.items[0].action, 'POST /api/v1/public/opinions');
  assert.equal(j.items[0].client_addr, '127.0.0.1');
  assert.equal(j.items[0].actor_id, null);
});

test('the outcome filter takes done, refused or failed only', async () => {
  expectError(await api(srv, 'GET', '/api/v1/audit?outcome=maybe', { session: auditor }), 400, 'bad_param');
  for (const o of ['done', 'refused', 'failed']) {
    const j = await audit(`outcome=${o}&per_page=100`);
    assert.ok(j.items.every((e) => e.outcome === o), o);
  }
  assert.ok((await audit('outcome=done')).total > (await audit('outcome=refused')).total);
});

// ---- readings and exports of personal data ----

test('a full phone read by staff and an export of deputies are recorded; a masked list is not', async () => {
  const city = await login(srv, 'city');
  const list = await api(srv, 'GET', '/api/v1/deputies?per_page=1', { session: city });
  expectStatus(list, 200);
  const id = list.json.items[0].id;
  const before = (await audit('action=deputy.read_personal')).total;
  const d = await api(srv, 'GET', `/api/v1/deputies/${id}`, { session: city });
  expectStatus(d, 200);
  assert.match(d.json.deputy.phone || '', /^\d{11}$/, 'the city staff sees the full phone');
  let j = await audit('action=deputy.read_personal');
  assert.equal(j.total, before + 1);
  assert.equal(j.items[0].actor, 'city');
  assert.equal(j.items[0].object_type, 'deputy');
  assert.equal(j.items[0].object_id, String(id));
  assert.ok(!JSON.stringify(j).includes(d.json.deputy.phone), 'the phone itself is not in the log');
  // the list (masked) leaves no reading
  assert.equal((await audit('action=deputy.read_personal')).total, before + 1);

  const x = await api(srv, 'GET', '/api/v1/deputies/export?format=csv', { session: city });
  expectStatus(x, 200);
  j = await audit('action=deputy.export');
  assert.equal(j.total, 1);
  assert.equal(j.items[0].actor, 'city');
  assert.ok(j.items[0].after.rows > 0);
});

test('every export is recorded: the list, its query and its rows; a refused export leaves no file and no done entry', async () => {
  const before = (await audit('action=suggestion.export')).total;
  const x = await api(srv, 'GET', '/api/v1/suggestions?format=csv&q=%E9%81%93%E8%B7%AF', { session: county });
  expectStatus(x, 200);
  assert.match(x.headers.get('content-type'), /text\/csv/);
  let j = await audit('action=suggestion.export');
  assert.equal(j.total, before + 1);
  const e = j.items[0];
  assert.equal(e.actor, 'county');
  assert.equal(e.outcome, 'done');
  assert.equal(e.after.format, 'csv');
  assert.match(e.after.query, /q=道路/);
  assert.equal(e.after.rows, x.text.trim().split('\n').length - 1, 'rows recorded = rows in the file');
  // the JSON list is not an export
  expectStatus(await api(srv, 'GET', '/api/v1/suggestions', { session: county }), 200);
  assert.equal((await audit('action=suggestion.export')).total, before + 1);

  const m = await api(srv, 'GET', '/api/v1/meetings?per_page=1', { session: county });
  expectStatus(m, 200);
  if (m.json.items.length) {
    const id = m.json.items[0].id;
    const mb = (await audit('action=meeting.export')).total;
    expectStatus(await api(srv, 'GET', `/api/v1/meetings/${id}/export`, { session: county }), 200);
    j = await audit('action=meeting.export');
    assert.equal(j.total, mb + 1);
    assert.equal(j.items[0].object_id, String(id));
    // a role that may not read meetings gets no file and leaves no done entry
    const r = await api(srv, 'GET', `/api/v1/meetings/${id}/export`, { session: sec });
    assert.ok([403, 404].includes(r.status), `secadmin export: ${r.status}`);
    assert.equal((await audit('action=meeting.export')).total, mb + 1);
  }
});

test('full citizen contacts shown to staff are recorded per reply, naming the opinions', async () => {
  const l = await api(srv, 'GET', '/api/v1/opinions?per_page=5', { session: county });
  expectStatus(l, 200);
  if (!l.json.items.some((o) => o.citizen_phone)) return; // no contact in the demo's first page
  let j = await audit('action=opinion.read_personal&actor=county');
  assert.ok(j.total >= 1);
  const shown = l.json.items.filter((o) => o.citizen_phone || o.citizen_name).map((o) => o.id);
  assert.deepEqual(j.items[0].after.ids, shown);
  const one = shown[0];
  expectStatus(await api(srv, 'GET', `/api/v1/opinions/${one}`, { session: county }), 200);
  j = await audit(`action=opinion.read_personal&object_id=${one}`);
  assert.equal(j.total, 1);
});

// ---- the log's export ----

test('the auditor exports the filtered log as csv and xlsx; the export is recorded; others may not', async () => {
  const r = await api(srv, 'GET', '/api/v1/audit/export?format=csv&action=session.login', { session: auditor });
  expectStatus(r, 200);
  assert.match(r.headers.get('content-type'), /text\/csv/);
  const lines = r.text.trim().split(/\r?\n/);
  assert.match(lines[0], /操作人/);
  assert.ok(lines.length > 5);
  assert.ok(lines.slice(1).every((l) => l.includes('session.login') && l.includes('登录') && l.includes('完成')), lines[1]);
  const x = await api(srv, 'GET', '/api/v1/audit/export?outcome=refused', { session: auditor });
  expectStatus(x, 200);
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
  const j = await audit('action=audit.export');
  assert.equal(j.total, 2);
  assert.equal(j.items[0].after.outcome, 'refused');
  assert.equal(j.items[0].after.format, 'xlsx');
  assert.equal(j.items[1].after.action, 'session.login');
  assert.equal(j.items[1].after.rows, lines.length - 1);
  for (const s of [admin, sec, county]) expectError(await api(srv, 'GET', '/api/v1/audit/export', { session: s }), 403, 'forbidden');
  expectError(await api(srv, 'GET', '/api/v1/audit/export?format=pdf', { session: auditor }), 400, 'bad_param');
});

// ---- labels ----

test('every audit action written anywhere in src has a Chinese label', async () => {
  const r = await api(srv, 'GET', '/api/v1/labels', { session: auditor });
  expectStatus(r, 200);
  const { actions, outcomes, methods } = r.json.audit;
  assert.deepEqual(Object.keys(outcomes).sort(), ['done', 'failed', 'refused']);
  for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) assert.ok(methods[m]);
  const dir = resolve('src');
  const used = new Set();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.c'))) {
    const text = readFileSync(resolve(dir, f), 'utf8');
    // tx_audit / tx_audit_s / step_audit_as / audit_record / audit_write calls, up to their end
    for (const m of text.matchAll(/\b(tx_audit_s|tx_audit|step_audit_as|audit_record|audit_write)\s*\(([^;]*)/g))
      for (const lit of m[2].matchAll(/"([a-z_]+\.[a-z_]+)"/g)) used.add(lit[1]);
    // tx_delete audits "<object_type>.delete"
    for (const m of text.matchAll(/\btx_delete\s*\(([^;]*)/g)) {
      const ids = [...m[1].matchAll(/"([a-z_]+)"/g)].map((x) => x[1]);
      if (ids.length >= 2) used.add(ids[1] + '.delete');
    }
  }
  assert.ok(used.size > 40, `found only ${used.size} actions`);
  const missing = [...used].filter((a) => !actions[a]);
  assert.deepEqual(missing, [], 'actions without a Chinese label');
  for (const a of Object.values(actions)) assert.match(a, /[\u4e00-\u9fff]/);
  // the machines' steps are audited as "<object>.<step>" and named too
  for (const m of ['opinion', 'suggestion'])
    for (const step of Object.keys(r.json[m].actions)) assert.ok(actions[`${m}.${step}`], `${m}.${step}`);
  // every action in the log so far has a name (refusals are named by their method's verb)
  const seen = await audit('per_page=100');
  for (const e of seen.items)
    assert.ok(actions[e.action] || methods[e.action.split(' ')[0]], e.action);
});

// ---- the hash chain ----

const BIN = resolve(process.env.RENDA_BIN || 'build/renda');
const verify = (url) => spawnSync(BIN, ['audit', 'verify', '--db', url], { encoding: 'utf8' });
function sql(url, text) {
  if (url.startsWith('sqlite:')) return execFileSync('sqlite3', [url.slice(7), text], { encoding: 'utf8' }).trim();
  return execFileSync('psql', [url, '-X', '-q', '-A', '-t', '-c', text], { encoding: 'utf8' }).trim();
}

test('concurrent writes and public submissions stay one chain', async () => {
  const writes = [];
  for (let i = 0; i < 20; i++) {
    writes.push(api(srv, 'POST', '/api/v1/handlers', { session: county, body: { region_code: '329981', name: `并发审计${i}` } }));
    writes.push(api(srv, 'POST', '/api/v1/public/opinions', { body: { body: '' } }));
  }
  const rs = await Promise.all(writes);
  assert.equal(rs.filter((r) => r.status === 201).length, 20);
  const v = verify(srv.db.url);
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /完好：\d+ 条/);
  const n = Number(v.stdout.match(/完好：(\d+) 条/)[1]);
  assert.equal(n, Number(sql(srv.db.url, 'SELECT COUNT(*) FROM audit')));
});

test('a reading waits for its record: concurrent full reads each answered after their entry; no entry, no data', async () => {
  const city = await login(srv, 'city');
  const list = await api(srv, 'GET', '/api/v1/deputies?per_page=20', { session: city });
  expectStatus(list, 200);
  const ids = list.json.items.map((d) => d.id);
  assert.equal(ids.length, 20);
  const count = async () => (await audit('action=deputy.read_personal')).total;
  const before = await count();
  const rs = await Promise.all(ids.map((id) => api(srv, 'GET', `/api/v1/deputies/${id}`, { session: city })));
  for (const r of rs) {
    expectStatus(r, 200);
    assert.match(r.json.deputy.phone || '', /^\d{11}$/);
  }
  assert.equal(await count(), before + 20);
  // when the entry cannot be written the reply carries no personal value, only the error
  const pg = !srv.db.url.startsWith('sqlite:');
  sql(srv.db.url, pg
    ? "CREATE FUNCTION no_reading() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'no'; END$$;" +
      " CREATE TRIGGER no_reading BEFORE INSERT ON audit FOR EACH ROW WHEN (NEW.action = 'deputy.read_personal') EXECUTE FUNCTION no_reading()"
    : "CREATE TRIGGER no_reading BEFORE INSERT ON audit WHEN NEW.action = 'deputy.read_personal' BEGIN SELECT RAISE(ABORT, 'no'); END");
  try {
    const r = await api(srv, 'GET', `/api/v1/deputies/${ids[0]}`, { session: city });
    assert.notEqual(r.status, 200, r.text);
    assert.ok(!r.json.deputy, r.text);
    assert.ok(r.json.error.message && !/audit|no_reading/i.test(r.json.error.message), r.text);
    assert.ok(!r.text.includes(rs[0].json.deputy.phone), 'no phone without its record');
  } finally {
    sql(srv.db.url, pg ? 'DROP TRIGGER no_reading ON audit; DROP FUNCTION no_reading()' : 'DROP TRIGGER no_reading');
  }
  assert.equal(await count(), before + 20);
  expectStatus(await api(srv, 'GET', `/api/v1/deputies/${ids[0]}`, { session: city }), 200);
  assert.equal(await count(), before + 21);
});

test('renda audit verify names the first edited, deleted or inserted entry; serve warns and starts', async () => {
  const db = freshDb();
  renda(['demo', '--db', db.url, '--size', 'small', '--seed', '1']);
  try {
    let v = verify(db.url);
    assert.equal(v.status, 0, v.stderr);
    const total = Number(sql(db.url, 'SELECT COUNT(*) FROM audit'));
    assert.match(v.stdout, new RegExp(`完好：${total} 条`));
    const pg = !db.url.startsWith('sqlite:');
    // the attacker first drops the protection
    sql(db.url, pg ? 'DROP TRIGGER audit_no_change ON audit' : 'DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete');
    const mid = Math.floor(total / 2);

    // an edit of one field
    const actor = sql(db.url, `SELECT actor FROM audit WHERE id = ${mid}`);
    sql(db.url, `UPDATE audit SET actor = 'mallory' WHERE id = ${mid}`);
    v = verify(db.url);
    assert.equal(v.status, 1);
    assert.match(v.stderr, new RegExp(`第 ${mid} 条.*修改`));
    // an edit of the time only, and of the outcome only
    sql(db.url, `UPDATE audit SET actor = '${actor}' WHERE id = ${mid}`);
    assert.equal(verify(db.url).status, 0, 'restored');
    sql(db.url, `UPDATE audit SET at = at + 1 WHERE id = ${mid + 1}`);
    v = verify(db.url);
    assert.match(v.stderr, new RegExp(`第 ${mid + 1} 条.*修改`));
    sql(db.url, `UPDATE audit SET at = at - 1 WHERE id = ${mid + 1}`);
    sql(db.url, `UPDATE audit SET outcome = 'refused' WHERE id = ${mid + 2}`);
    assert.match(verify(db.url).stderr, new RegExp(`第 ${mid + 2} 条.*修改`));
    sql(db.url, `UPDATE audit SET outcome = 'done' WHERE id = ${mid + 2}`);
    assert.equal(verify(db.url).status, 0);

    // a deletion in the middle, and of the last entry
    const keep = sql(db.url, `SELECT COUNT(*) FROM audit WHERE id > ${mid + 3}`);
    sql(db.url, `CREATE TABLE audit_saved AS SELECT * FROM audit WHERE id = ${mid + 3}`);
    sql(db.url, `DELETE FROM audit WHERE id = ${mid + 3}`);
    v = verify(db.url);
    assert.equal(v.status, 1);
    assert.match(v.stderr, new RegExp(`第 ${mid + 3} 条.*删除`));
    sql(db.url, 'INSERT INTO audit SELECT * FROM audit_saved');
    assert.equal(verify(db.url).status, 0);
    assert.equal(sql(db.url, `SELECT COUNT(*) FROM audit WHERE id > ${mid + 3}`), keep);
    sql(db.url, `DELETE FROM audit_saved`);
    sql(db.url, `INSERT INTO audit_saved SELECT * FROM audit WHERE id = ${total}`);
    sql(db.url, `DELETE FROM audit WHERE id = ${total}`);
    v = verify(db.url);
    assert.match(v.stderr, new RegExp(`第 ${total} 条.*删除`));
    sql(db.url, 'INSERT INTO audit SELECT * FROM audit_saved');
    assert.equal(verify(db.url).status, 0);

    // an inserted entry
    sql(db.url, `INSERT INTO audit (id, at, actor, action, object_type, outcome) VALUES (${total + 1}, 1, 'mallory', 'region.create', 'region', 'done')`);
    v = verify(db.url);
    assert.equal(v.status, 1);
    assert.match(v.stderr, new RegExp(`第 ${total + 1} 条.*插入`));

    // serve reports it on stderr and starts all the same
    const s = await startServer({ dbUrl: db.url, demo: false });
    try {
      assert.match(s.stderr(), /审计日志哈希链损坏.*插入/);
      expectStatus(await api(s, 'GET', '/api/v1/health'), 200);
    } finally {
      await s.stop();
    }
  } finally {
    db.cleanup();
  }
});

// An auditor made for a county reads the entries of the accounts of its county's subtree only:
// not another county's staff, not the entries without an account (those are the top auditor's);
// a region filter outside its county is 403 out_of_scope, on the list and the export.
test('a county auditor reads its county\'s staff entries, not another county\'s; a foreign region filter is 403', async () => {
  const { PASSWORD } = await import('./lib.mjs');
  const add = (u, role, region) => renda(['user', 'add', '--db', srv.db.url, '--username', u, '--role', role,
    '--region', region], PASSWORD + '\n');
  const enter = async (u) => {
    let s = await login(srv, u);
    if (s.user.must_change_password) {
      expectStatus(await api(srv, 'POST', '/api/v1/session/password', { session: s,
        body: { old_password: PASSWORD, new_password: PASSWORD + 'x' } }), 204);
      s = await login(srv, u, PASSWORD + 'x');
    }
    return s;
  };
  add('qh.audit', 'auditor', '329981');
  add('dc.staff', 'county_staff', '329902');
  const [qh, dc] = [await enter('qh.audit'), await enter('dc.staff')];
  expectStatus(await api(srv, 'POST', '/api/v1/handlers', { session: county, body: { region_code: '329981', name: '审计县内单位' } }), 201);
  expectStatus(await api(srv, 'POST', '/api/v1/handlers', { session: dc, body: { region_code: '329902', name: '审计县外单位' } }), 201);
  const read = async (s, qs) => {
    const r = await api(srv, 'GET', '/api/v1/audit?per_page=100&' + qs, { session: s });
    expectStatus(r, 200);
    return r.json;
  };
  // the county auditor: its county's staff, not the other county's
  let j = await read(qh, 'action=handler.create');
  assert.ok(j.items.some((e) => e.actor === 'county' && e.after.name === '审计县内单位'), JSON.stringify(j.items));
  assert.ok(!j.items.some((e) => e.actor === 'dc.staff' || e.after?.name === '审计县外单位'), JSON.stringify(j.items));
  assert.equal((await read(qh, 'actor=dc.staff')).total, 0);
  // entries without an account are the top auditor's
  assert.equal((await read(qh, 'actor=(system)')).total, 0);
  assert.equal((await read(qh, 'actor=demo')).total, 0);
  // the city's auditor reads both counties and the system's entries
  j = await read(auditor, 'action=handler.create');
  assert.ok(j.items.some((e) => e.after.name === '审计县内单位'));
  assert.ok(j.items.some((e) => e.actor === 'dc.staff' && e.after.name === '审计县外单位'));
  assert.ok((await read(auditor, 'actor=(system)')).total > 0);
  // region filters: its own township is fine, another county is out of scope; the city's
  // auditor may narrow to a county (and then sees no entry without an account)
  expectStatus(await api(srv, 'GET', '/api/v1/audit?region=329981101', { session: qh }), 200);
  expectError(await api(srv, 'GET', '/api/v1/audit?region=329902', { session: qh }), 403, 'out_of_scope');
  expectError(await api(srv, 'GET', '/api/v1/audit/export?format=csv&region=329902', { session: qh }), 403, 'out_of_scope');
  j = await read(auditor, 'region=329902&action=handler.create');
  assert.ok(j.items.length > 0 && j.items.every((e) => e.actor === 'dc.staff'), JSON.stringify(j.items));
  assert.equal((await read(auditor, 'region=329902&actor=(system)')).total, 0);
  // the export applies the same scope
  const x = await api(srv, 'GET', '/api/v1/audit/export?format=csv&action=handler.create', { session: qh });
  expectStatus(x, 200);
  assert.ok(x.text.includes('审计县内单位'));
  assert.ok(!x.text.includes('审计县外单位') && !x.text.includes('dc.staff'));
});
