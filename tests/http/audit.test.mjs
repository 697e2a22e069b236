// The audit log: only the auditor reads it; filters; newest first; entries carry the client
// address and before/after; failed logins and administrator actions are recorded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, expectError, expectStatus, accountId } from './lib.mjs';

let srv, auditor, admin, sec, county, deputy;
let t0;
before(async () => {
  srv = await startServer();
  t0 = Math.floor(Date.now() / 1000) - 2;
  [auditor, admin, sec, county, deputy] = await Promise.all(
    ['auditor', 'admin', 'secadmin', 'county', 'deputy'].map((u) => login(srv, u)));
});
after(async () => { await srv.stop(); });

const ENTRY_KEYS = ['id', 'at', 'actor_id', 'actor', 'client_addr', 'action', 'object_type', 'object_id', 'before', 'after'].sort();
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
