// Accounts and API tokens: only the security administrator manages them, within its region, and
// never the three administrators' accounts (the command line's alone); validation; the first
// password must be changed; reset; list filters; service accounts, their tokens' scopes, expiry
// and revocation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { startServer, api, login, expectError, expectStatus, accountId, PASSWORD } from './lib.mjs';

const BIN = resolve(process.env.RENDA_BIN || 'build/renda');

let srv, sec, admin, county, auditor;
before(async () => {
  srv = await startServer();
  [sec, admin, county, auditor] = await Promise.all(['secadmin', 'admin', 'county', 'auditor'].map((u) => login(srv, u)));
});
after(async () => { await srv.stop(); });

const ACCOUNT_KEYS = ['id', 'username', 'display_name', 'role', 'role_name', 'region_code', 'region_name',
  'handler_id', 'locked', 'locked_until', 'failed_logins', 'last_login_at', 'created_at', 'station_id', 'station_name'].sort();
const newAccount = (over = {}) => ({ username: 'newuser', display_name: '新用户', role: 'county_staff',
  region_code: '329981', password: 'Start#2024a', ...over });
const createAccount = (body) => api(srv, 'POST', '/api/v1/accounts', { session: sec, body });
const total = async (qs = '') => expectStatus(await api(srv, 'GET', '/api/v1/accounts?' + qs, { session: sec }), 200).total;

test('only the security administrator manages accounts and tokens', async () => {
  for (const s of [admin, county, auditor]) {
    const who = s.user.username;
    let r = await api(srv, 'POST', '/api/v1/accounts', { session: s, body: newAccount({ username: 'sneaky' + who }) });
    expectError(r, 403, 'forbidden');
    r = await api(srv, 'GET', '/api/v1/accounts', { session: s });
    assert.equal(r.status, 403, `${who} GET /accounts: ${r.status}`);
    r = await api(srv, 'GET', `/api/v1/accounts/${s.user.id}`, { session: s });
    assert.ok(r.status === 403 || r.status === 404, `${who} GET /accounts/id: ${r.status}`);
    r = await api(srv, 'POST', `/api/v1/accounts/${county.user.id}/lock`, { session: s });
    assert.equal(r.status, 403, `${who} lock: ${r.status}`);
    r = await api(srv, 'POST', `/api/v1/accounts/${county.user.id}/password`, { session: s, body: { password: 'Hijack#2024x' } });
    assert.equal(r.status, 403, `${who} reset: ${r.status}`);
    r = await api(srv, 'GET', '/api/v1/tokens', { session: s });
    assert.equal(r.status, 403, `${who} GET /tokens: ${r.status}`);
    r = await api(srv, 'POST', '/api/v1/tokens', { session: s, body: { account_id: s.user.id, name: 'mine' } });
    assert.equal(r.status, 403, `${who} POST /tokens: ${r.status}`);
  }
  assert.equal(await total('q=sneaky'), 0);
  // the county user is neither locked nor has a new password
  await login(srv, 'county');
});

test('list: the Account shape, no secrets, filters by role and region', async () => {
  let r = await api(srv, 'GET', '/api/v1/accounts?per_page=100', { session: sec });
  expectStatus(r, 200);
  assert.ok(r.json.total >= 9);
  assert.equal(r.json.page, 1);
  assert.equal(r.json.per_page, 100);
  assert.deepEqual(Object.keys(r.json.items[0]).sort(), ACCOUNT_KEYS);
  assert.doesNotMatch(r.text, /argon2|password/i);
  const names = r.json.items.map((a) => a.username);
  for (const u of ['admin', 'secadmin', 'auditor', 'city', 'county', 'unit', 'station', 'deputy', 'handler']) assert.ok(names.includes(u), u);

  r = await api(srv, 'GET', '/api/v1/accounts?role=county_staff&per_page=100', { session: sec });
  expectStatus(r, 200);
  assert.ok(r.json.items.length >= 1);
  assert.ok(r.json.items.every((a) => a.role === 'county_staff'), r.text);
  assert.ok(r.json.items.some((a) => a.username === 'county'));
  assert.equal(r.json.total, r.json.items.length);

  r = await api(srv, 'GET', '/api/v1/accounts?region=329981101&per_page=100', { session: sec });
  expectStatus(r, 200);
  assert.ok(r.json.items.every((a) => a.region_code.startsWith('329981101')), r.text);
  // the demo's deputies of this township log in as d<deputy id> to vote at its sessions
  assert.deepEqual(r.json.items.map((a) => a.username).filter((u) => !/^d[0-9]+$/.test(u)).sort(), ['deputy', 'station', 'unit']);

  r = await api(srv, 'GET', '/api/v1/accounts?region=329981&per_page=100', { session: sec });
  assert.ok(r.json.items.every((a) => a.region_code.startsWith('329981')), r.text);
  assert.ok(r.json.items.some((a) => a.username === 'county'));
  assert.ok(!r.json.items.some((a) => a.username === 'admin'));

  r = await api(srv, 'GET', '/api/v1/accounts?role=deputy&region=329981&per_page=100', { session: sec });
  assert.deepEqual(r.json.items.map((a) => a.username).filter((u) => !/^d[0-9]+$/.test(u)), ['deputy']);
  assert.ok(r.json.items.every((a) => a.role === 'deputy'));

  r = await api(srv, 'GET', '/api/v1/accounts?q=secad', { session: sec });
  assert.deepEqual(r.json.items.map((a) => a.username), ['secadmin']);
  const all = await total();
  r = await api(srv, 'GET', '/api/v1/accounts?per_page=2&page=2', { session: sec });
  expectStatus(r, 200);
  assert.equal(r.json.items.length, 2);
  assert.equal(r.json.total, all);
  assert.equal(r.json.page, 2);
});

test('create validation: weak password, bad username, duplicate, handler without handler_id', async () => {
  const before = await total();
  const bad = [];
  const check = async (body, status, code) => {
    const r = await createAccount(body);
    try {
      if (code) expectError(r, status, code); else assert.equal(r.status, status, r.text);
    } catch (e) { bad.push(`${JSON.stringify(body)}: ${e.message}`); }
  };
  for (const pw of ['Ab#1234', 'alllowercase1', 'ALLUPPER#', 'Password', '12345678!', 'abcdEFGH'])
    await check(newAccount({ password: pw }), 400, 'password_weak');
  for (const u of ['ab', '1user', 'User', 'has space', 'a'.repeat(33), '张三', '_user', 'user@x'])
    await check(newAccount({ username: u }), 400, 'bad_username');
  await check(newAccount({ username: 'county' }), 409, 'duplicate');
  await check(newAccount({ username: 'newhandler', role: 'handler' }), 400);
  await check(newAccount({ role: 'superuser' }), 400);
  await check(newAccount({ region_code: '999999' }), 400);
  await check(newAccount({ display_name: undefined }), 400, 'missing_field');
  await check(newAccount({ is_admin: true }), 400, 'unknown_field');
  assert.deepEqual(bad, []);
  assert.equal(await total(), before);
  assert.equal(await total('q=newuser'), 0);
});

test('a deputy account acts as a deputy of the registry; other roles and unknown deputies are 400 bad_deputy', async () => {
  const d = expectStatus(await api(srv, 'GET', '/api/v1/deputies?region=329981&per_page=1', { session: county }), 200).items[0];
  let r = await createAccount(newAccount({ username: 'linkstaff', role: 'county_staff', deputy_id: d.id }));
  expectError(r, 400, 'bad_deputy');
  assert.equal(r.json.error.field, 'deputy_id');
  r = await createAccount(newAccount({ username: 'linkghost', role: 'deputy', deputy_id: 99999999 }));
  expectError(r, 400, 'bad_deputy');
  assert.equal(r.json.error.field, 'deputy_id');
  assert.equal(await total('q=link'), 0);
  r = await createAccount(newAccount({ username: 'linkdeputy', role: 'deputy', deputy_id: d.id }));
  expectStatus(r, 201);
  const s = await login(srv, 'linkdeputy', 'Start#2024a');
  assert.equal(s.user.deputy_id, d.id);
  assert.equal(s.user.role, 'deputy');
});

test('a new account must change its password before anything else', async () => {
  const t0 = Math.floor(Date.now() / 1000) - 5;
  let r = await createAccount(newAccount({ username: 'qh.staff-1', display_name: '清河测试员' }));
  expectStatus(r, 201);
  const a = r.json.account;
  assert.deepEqual(Object.keys(a).sort(), ACCOUNT_KEYS);
  assert.equal(a.username, 'qh.staff-1');
  assert.equal(a.display_name, '清河测试员');
  assert.equal(a.role, 'county_staff');
  assert.match(a.role_name, /[\u4e00-\u9fff]/);
  assert.equal(a.region_code, '329981');
  assert.equal(a.region_name, '清河市');
  assert.equal(a.locked, false);
  assert.equal(a.failed_logins, 0);
  assert.equal(a.handler_id, null);
  assert.ok(a.created_at >= t0);
  assert.doesNotMatch(r.text, /Start#2024a|argon2/);
  r = await api(srv, 'GET', `/api/v1/accounts/${a.id}`, { session: sec });
  expectStatus(r, 200);
  assert.equal(r.json.account.username, 'qh.staff-1');

  const s = await login(srv, 'qh.staff-1', 'Start#2024a');
  assert.equal(s.user.must_change_password, true);
  expectError(await api(srv, 'GET', '/api/v1/regions', { session: s }), 403, 'password_change_required');
  expectError(await api(srv, 'GET', '/api/v1/handlers', { session: s }), 403, 'password_change_required');
  expectError(await api(srv, 'POST', '/api/v1/handlers', { session: s, body: { region_code: '329981', name: '未改密单位' } }),
    403, 'password_change_required');
  r = await api(srv, 'GET', '/api/v1/session', { session: s });
  expectStatus(r, 200);
  assert.equal(r.json.user.must_change_password, true);
  // the same password again is not a change
  r = await api(srv, 'POST', '/api/v1/session/password', { session: s, body: { old_password: 'Start#2024a', new_password: 'Start#2024a' } });
  assert.equal(r.status, 400, r.text);
  r = await api(srv, 'POST', '/api/v1/session/password', { session: s, body: { old_password: 'Start#2024a', new_password: 'weak' } });
  expectError(r, 400, 'password_weak');
  r = await api(srv, 'POST', '/api/v1/session/password', { session: s, body: { old_password: 'Start#2024a', new_password: 'Changed#2024b' } });
  expectStatus(r, 204);
  expectStatus(await api(srv, 'GET', '/api/v1/regions', { session: s }), 200);
  r = await api(srv, 'GET', '/api/v1/session', { session: s });
  assert.equal(r.json.user.must_change_password, false);
  const s2 = await login(srv, 'qh.staff-1', 'Changed#2024b');
  assert.equal(s2.user.must_change_password, false);
  assert.equal((await api(srv, 'GET', '/api/v1/handlers?q=' + encodeURIComponent('未改密单位'), { session: admin })).json.total, 0);
});

test('handler accounts need a handling unit in their region', async () => {
  const inCounty = (await api(srv, 'GET', '/api/v1/handlers?region=329981&per_page=1', { session: admin })).json.items[0];
  const outside = (await api(srv, 'GET', '/api/v1/handlers?region=329902&per_page=1', { session: admin })).json.items[0];
  let r = await createAccount(newAccount({ username: 'hd.outside', role: 'handler', handler_id: outside.id }));
  assert.equal(r.status, 400, r.text);
  r = await createAccount(newAccount({ username: 'hd.staff', role: 'deputy', region_code: '329981101', handler_id: inCounty.id }));
  assert.equal(r.status, 400, r.text);
  r = await createAccount(newAccount({ username: 'hd.ok', role: 'handler', handler_id: inCounty.id }));
  expectStatus(r, 201);
  assert.equal(r.json.account.handler_id, inCounty.id);
  assert.equal(await total('q=hd.outside'), 0);
  assert.equal(await total('q=hd.staff'), 0);
});

test('reset password: the old one stops working, the new one must be changed', async () => {
  const id = await accountId(srv, sec, 'city');
  const old = await login(srv, 'city');
  let r = await api(srv, 'POST', `/api/v1/accounts/${id}/password`, { session: sec, body: { password: 'weakpass' } });
  expectError(r, 400, 'password_weak');
  await login(srv, 'city');
  r = await api(srv, 'POST', `/api/v1/accounts/${id}/password`, { session: sec, body: { password: 'Reset#2024x' } });
  expectStatus(r, 204);
  r = await api(srv, 'POST', '/api/v1/session', { body: { username: 'city', password: PASSWORD } });
  expectError(r, 401, 'bad_credentials');
  const s = await login(srv, 'city', 'Reset#2024x');
  assert.equal(s.user.must_change_password, true);
  expectError(await api(srv, 'GET', '/api/v1/regions', { session: s }), 403, 'password_change_required');
  // the sessions opened with the old password are over
  assert.equal((await api(srv, 'GET', '/api/v1/session', { session: old })).status, 401);
  expectError(await api(srv, 'POST', '/api/v1/accounts/999999/password', { session: sec, body: { password: 'Reset#2024x' } }), 404, 'not_found');
});

test('patch an account: display name, role, region read back', async () => {
  const id = await accountId(srv, sec, 'qh.staff-1');
  const old = await login(srv, 'qh.staff-1', 'Changed#2024b');
  expectStatus(await api(srv, 'GET', '/api/v1/regions/329981', { session: old }), 200);
  let r = await api(srv, 'PATCH', `/api/v1/accounts/${id}`, { session: sec,
    body: { display_name: '松岭镇测试员', role: 'unit_staff', region_code: '329981101' } });
  expectStatus(r, 200);
  r = await api(srv, 'GET', `/api/v1/accounts/${id}`, { session: sec });
  assert.equal(r.json.account.display_name, '松岭镇测试员');
  assert.equal(r.json.account.role, 'unit_staff');
  assert.equal(r.json.account.region_code, '329981101');
  r = await api(srv, 'PATCH', `/api/v1/accounts/${id}`, { session: sec, body: { role: 'god' } });
  assert.equal(r.status, 400, r.text);
  r = await api(srv, 'PATCH', `/api/v1/accounts/${id}`, { session: sec, body: { password: 'Sneaky#2024x' } });
  expectError(r, 400, 'unknown_field');
  r = await api(srv, 'GET', `/api/v1/accounts/${id}`, { session: sec });
  assert.equal(r.json.account.role, 'unit_staff');
  // the new role and scope apply at once, also to the session opened before the change
  r = await api(srv, 'GET', '/api/v1/session', { session: old });
  if (r.status === 200) {
    assert.equal(r.json.user.role, 'unit_staff');
    assert.equal(r.json.user.region_code, '329981101');
    expectError(await api(srv, 'GET', '/api/v1/regions/329981', { session: old }), 403, 'out_of_scope');
  } else {
    assert.equal(r.status, 401);
  }
  const s = await login(srv, 'qh.staff-1', 'Changed#2024b');
  r = await api(srv, 'GET', '/api/v1/regions/329981', { session: s });
  expectError(r, 403, 'out_of_scope');
});

// Writes the database directly, as an operator could: for times the API never sets (a token's
// expiry in the past). SQLite through the sqlite3 command, PostgreSQL through psql.
function sql(text) {
  const u = srv.db.url;
  if (u.startsWith('sqlite:')) return execFileSync('sqlite3', ['-cmd', '.timeout 5000', u.slice(7), text], { encoding: 'utf8' });
  return execFileSync('psql', [u, '-X', '-q', '-A', '-t', '-c', text], { encoding: 'utf8' });
}
const serviceAccount = async (username, region_code = '329981') => {
  const r = await createAccount({ username, display_name: '政务服务平台对接', role: 'service', region_code });
  expectStatus(r, 201);
  return r.json.account;
};
const issue = (body) => api(srv, 'POST', '/api/v1/tokens', { session: sec, body });

test('service accounts: no password, never log in; person accounts get no tokens', async () => {
  let r = await createAccount({ username: 'svc.pw', display_name: '带密码', role: 'service', region_code: '329981', password: 'Start#2024a' });
  expectError(r, 400, 'unknown_field');
  assert.equal(r.json.error.field, 'password');
  r = await createAccount({ username: 'nopw', display_name: '无密码', role: 'county_staff', region_code: '329981' });
  expectError(r, 400, 'missing_field');
  assert.equal(r.json.error.field, 'password');
  const svc = await serviceAccount('svc.login');
  assert.equal(svc.role, 'service');
  assert.equal(svc.role_name, '集成服务账号');
  r = await api(srv, 'POST', '/api/v1/session', { body: { username: 'svc.login', password: '!service' } });
  expectError(r, 401, 'bad_credentials');
  expectError(await api(srv, 'POST', `/api/v1/accounts/${svc.id}/password`, { session: sec, body: { password: 'Reset#2024x' } }), 400, 'bad_role');
  expectError(await api(srv, 'PATCH', `/api/v1/accounts/${svc.id}`, { session: sec, body: { role: 'county_staff' } }), 400, 'bad_role');
  expectError(await api(srv, 'PATCH', `/api/v1/accounts/${await accountId(srv, sec, 'unit')}`, { session: sec, body: { role: 'service' } }), 400, 'bad_role');
  // the security administrator cannot act as a person through a token: not the auditor's, not a staff member's, not its own
  for (const u of ['auditor', 'city', 'county', 'secadmin', 'deputy']) {
    r = await issue({ account_id: await accountId(srv, sec, u), name: '冒用', scopes: ['read'] });
    assert.ok(r.status === 403 || r.status === 400, `${u}: ${r.status} ${r.text}`);
    assert.ok(['not_service_account', 'bad_account'].includes(r.json.error.code), r.text);
  }
  const t = expectStatus(await api(srv, 'GET', '/api/v1/tokens', { session: sec }), 200);
  assert.ok(!t.items.some((x) => x.name === '冒用'));
});

test('tokens: the secret is shown once, Bearer works without CSRF, revoke ends it', async () => {
  const svc = await serviceAccount('svc.main');
  let r = await issue({ account_id: svc.id, name: '集成测试', scopes: ['read', 'opinion_intake'] });
  expectStatus(r, 201);
  const { token, secret } = r.json;
  assert.match(secret, /^rnd_[0-9a-zA-Z]{16,}$/);
  assert.equal(token.account_id, svc.id);
  assert.equal(token.name, '集成测试');
  assert.equal(token.revoked, false);
  assert.deepEqual(token.scopes, ['opinion_intake', 'read']);
  assert.ok(!JSON.stringify(token).includes(secret.slice(4)), 'token object leaks the secret');
  r = await api(srv, 'GET', '/api/v1/tokens', { session: sec });
  expectStatus(r, 200);
  assert.ok(!r.text.includes(secret.slice(4)), 'token list leaks the secret');
  const listed = r.json.items.find((t) => t.id === token.id);
  assert.ok(listed);
  assert.equal(listed.username, 'svc.main');
  assert.equal(listed.revoked, false);
  assert.deepEqual(listed.scopes, ['opinion_intake', 'read']);
  assert.ok(secret.startsWith(listed.prefix), `prefix ${listed.prefix}`);

  r = await api(srv, 'GET', '/api/v1/session', { token: secret });
  expectStatus(r, 200);
  assert.equal(r.json.user.username, 'svc.main');
  assert.equal(r.json.user.role, 'service');
  expectStatus(await api(srv, 'GET', '/api/v1/handlers?per_page=1', { token: secret }), 200);
  // a token does not make the account a secadmin or an auditor
  assert.equal((await api(srv, 'GET', '/api/v1/accounts', { token: secret })).status, 403);
  assert.equal((await api(srv, 'GET', '/api/v1/audit', { token: secret })).status, 403);

  r = await api(srv, 'DELETE', `/api/v1/tokens/${token.id}`, { session: sec });
  expectStatus(r, 204);
  expectError(await api(srv, 'GET', '/api/v1/session', { token: secret }), 401, 'bad_token');
  assert.equal((await api(srv, 'GET', '/api/v1/handlers', { token: secret })).status, 401);
  r = await api(srv, 'GET', '/api/v1/tokens', { session: sec });
  assert.equal(r.json.items.find((t) => t.id === token.id).revoked, true);
});

test('token scopes: read allows GETs in the region only, masked; opinion_intake allows registering only', async () => {
  const st6 = expectStatus(await api(srv, 'GET', '/api/v1/stations?region=329981101&kind=station', { session: county }), 200).items[0];
  const scopes = expectStatus(await api(srv, 'GET', '/api/v1/tokens/scopes', { session: sec }), 200).items;
  assert.deepEqual(scopes.map((s) => s.name), ['opinion_intake', 'read']);
  assert.ok(scopes.every((s) => /[\u4e00-\u9fff]/.test(s.label)));
  const svc = await serviceAccount('svc.scopes');
  const mk = async (sc) => expectStatus(await issue({ account_id: svc.id, name: sc.join('+'), scopes: sc }), 201).secret;
  const read = await mk(['read']);
  const intake = await mk(['opinion_intake']);
  expectError(await issue({ account_id: svc.id, name: 'x', scopes: [] }), 400, 'missing_field');
  expectError(await issue({ account_id: svc.id, name: 'x', scopes: ['admin'] }), 400, 'bad_scope');
  expectError(await issue({ account_id: svc.id, name: 'x' }), 400, 'missing_field');
  const body = { station_id: st6.id, channel: 'letter', body: '令牌登记：村口路灯不亮，晚上行走不便。' };

  // read: GETs within the service account's region
  expectStatus(await api(srv, 'GET', '/api/v1/regions/329981', { token: read }), 200);
  expectStatus(await api(srv, 'GET', '/api/v1/opinions?per_page=1', { token: read }), 200);
  expectError(await api(srv, 'GET', '/api/v1/regions/329902', { token: read }), 403, 'out_of_scope');
  expectError(await api(srv, 'POST', '/api/v1/opinions', { token: read, body }), 403, 'token_scope');
  expectError(await api(srv, 'POST', '/api/v1/handlers', { token: read, body: { region_code: '329981', name: '令牌单位' } }), 403, 'token_scope');
  expectError(await api(srv, 'POST', '/api/v1/session/password', { token: read, body: { old_password: 'a', new_password: 'b' } }), 403, 'token_scope');
  // personal data stays masked: the registry's staff see a deputy's phone, the token does not
  const d = expectStatus(await api(srv, 'GET', '/api/v1/deputies?region=329981&per_page=50', { session: county }), 200).items.find((x) => x.phone);
  const full = expectStatus(await api(srv, 'GET', `/api/v1/deputies/${d.id}`, { session: county }), 200);
  assert.match(JSON.stringify(full), /1\d{10}/);
  const masked = expectStatus(await api(srv, 'GET', `/api/v1/deputies/${d.id}`, { token: read }), 200);
  assert.doesNotMatch(JSON.stringify(masked), /1\d{10}/);

  // opinion_intake: POST /opinions and nothing else
  let r = await api(srv, 'POST', '/api/v1/opinions', { token: intake, body });
  expectStatus(r, 201);
  assert.equal(r.json.opinion.station_id, st6.id);
  expectError(await api(srv, 'GET', '/api/v1/opinions?per_page=1', { token: intake }), 403, 'token_scope');
  expectError(await api(srv, 'GET', '/api/v1/session', { token: intake }), 403, 'token_scope');
  expectError(await api(srv, 'POST', `/api/v1/opinions/${r.json.opinion.id}/actions`, { token: intake, body: { action: 'close' } }), 403, 'token_scope');
  // registering outside the region is refused by the region, not only the scope
  const far = Number(sql("SELECT s.id FROM stations s JOIN regions r ON r.code = s.region_code WHERE r.path LIKE '%/329902/%' ORDER BY s.id LIMIT 1").trim());
  assert.ok(far > 0);
  expectError(await api(srv, 'POST', '/api/v1/opinions', { token: intake, body: { ...body, station_id: far } }), 403, 'out_of_scope');
  // the register is the service account's
  const o = expectStatus(await api(srv, 'GET', `/api/v1/opinions/${r.json.opinion.id}`, { session: county }), 200);
  assert.equal(o.opinion.channel, 'letter');
});

test('tokens: expiry from the setting, bounds, the expiry instant, locked accounts\' tokens refused', async () => {
  const svc = await serviceAccount('svc.exp');
  const days = (await api(srv, 'GET', '/api/v1/settings?region=329981', { session: sec })).json.items
    .find((i) => i.key === 'auth.token_days').value;
  assert.equal(days, 90);
  let r = await issue({ account_id: svc.id, name: '默认', scopes: ['read'] });
  expectStatus(r, 201);
  let now = Date.now() / 1000;
  assert.ok(Math.abs(r.json.token.expires_at - (now + days * 86400)) < 120, `expires_at ${r.json.token.expires_at}`);
  // the setting is the security administrator's, and read at issue
  expectError(await api(srv, 'PUT', '/api/v1/settings?region=329981', { session: county, body: { 'auth.token_days': 7 } }), 403, 'forbidden');
  expectStatus(await api(srv, 'PUT', '/api/v1/settings?region=329981', { session: sec, body: { 'auth.token_days': 7 } }), 200);
  r = await issue({ account_id: svc.id, name: '七天', scopes: ['read'] });
  now = Date.now() / 1000;
  assert.ok(Math.abs(expectStatus(r, 201).token.expires_at - (now + 7 * 86400)) < 120, r.text);
  expectStatus(await api(srv, 'PUT', '/api/v1/settings?region=329981', { session: sec, body: { 'auth.token_days': 90 } }), 200);
  // expires_days: 1..LIMIT_TOKEN_DAYS_MAX (3650)
  for (const d of [0, 3651, -1]) assert.equal((await issue({ account_id: svc.id, name: 'x', scopes: ['read'], expires_days: d })).status, 400, `${d}`);
  r = await issue({ account_id: svc.id, name: '十年', scopes: ['read'], expires_days: 3650 });
  assert.ok(Math.abs(expectStatus(r, 201).token.expires_at - (Date.now() / 1000 + 3650 * 86400)) < 120);
  expectError(await issue({ account_id: 999999, name: 'x', scopes: ['read'] }), 400, 'bad_account');

  r = await issue({ account_id: svc.id, name: '一天', scopes: ['read'], expires_days: 1 });
  const secret = expectStatus(r, 201).secret;
  const id = r.json.token.id;
  expectStatus(await api(srv, 'GET', '/api/v1/regions', { token: secret }), 200);
  // past its expiry it is refused; a minute before, it works
  sql(`UPDATE api_tokens SET expires_at = ${Math.floor(Date.now() / 1000) - 1} WHERE id = ${id}`);
  expectError(await api(srv, 'GET', '/api/v1/regions', { token: secret }), 401, 'bad_token');
  sql(`UPDATE api_tokens SET expires_at = ${Math.floor(Date.now() / 1000) + 60} WHERE id = ${id}`);
  expectStatus(await api(srv, 'GET', '/api/v1/regions', { token: secret }), 200);

  // locked by the administrator: refused until unlocked
  expectStatus(await api(srv, 'POST', `/api/v1/accounts/${svc.id}/lock`, { session: sec }), 200);
  expectError(await api(srv, 'GET', '/api/v1/regions', { token: secret }), 401, 'account_locked');
  expectStatus(await api(srv, 'POST', `/api/v1/accounts/${svc.id}/unlock`, { session: sec }), 200);
  expectStatus(await api(srv, 'GET', '/api/v1/regions', { token: secret }), 200);
  // locked by failed logins on its name: refused too
  for (let i = 0; i < 5; i++) await api(srv, 'POST', '/api/v1/session', { body: { username: 'svc.exp', password: 'Guess#2024' + i } });
  expectError(await api(srv, 'GET', '/api/v1/regions', { token: secret }), 401, 'account_locked');
  expectStatus(await api(srv, 'POST', `/api/v1/accounts/${svc.id}/unlock`, { session: sec }), 200);
  // an account that must change its password (none can, for a service account, but the row may say so)
  sql(`UPDATE accounts SET must_change_password = 1 WHERE id = ${svc.id}`);
  expectError(await api(srv, 'GET', '/api/v1/regions', { token: secret }), 401, 'password_change_required');
  sql(`UPDATE accounts SET must_change_password = 0 WHERE id = ${svc.id}`);
  expectStatus(await api(srv, 'GET', '/api/v1/regions', { token: secret }), 200);
  expectError(await api(srv, 'DELETE', '/api/v1/tokens/999999', { session: sec }), 404, 'not_found');
  // a forged secret of the right shape
  expectError(await api(srv, 'GET', '/api/v1/regions', { token: 'rnd_' + '0'.repeat(secret.length - 4) }), 401, 'bad_token');
});

test('administrator accounts are made and changed only on the command line: the API refuses with 403', async () => {
  const before = await total();
  for (const role of ['sysadmin', 'secadmin', 'auditor']) {
    const r = await createAccount(newAccount({ username: 'new' + role, role }));
    expectError(r, 403, 'admin_cli_only');
    assert.match(r.json.error.message, /命令行/);
    assert.equal(r.json.error.field, 'role');
  }
  assert.equal(await total(), before);
  const unitId = await accountId(srv, sec, 'unit');
  for (const role of ['sysadmin', 'secadmin', 'auditor'])
    expectError(await api(srv, 'PATCH', `/api/v1/accounts/${unitId}`, { session: sec, body: { role } }), 403, 'admin_cli_only');
  for (const u of ['admin', 'auditor', 'secadmin']) {
    const id = await accountId(srv, sec, u);
    expectError(await api(srv, 'PATCH', `/api/v1/accounts/${id}`, { session: sec, body: { display_name: '改名' } }), 403, 'admin_cli_only');
    expectError(await api(srv, 'POST', `/api/v1/accounts/${id}/password`, { session: sec, body: { password: 'Hijack#2024x' } }), 403, 'admin_cli_only');
    expectError(await api(srv, 'POST', `/api/v1/accounts/${id}/unlock`, { session: sec }), 403, 'admin_cli_only');
    if (u !== 'secadmin') expectError(await api(srv, 'POST', `/api/v1/accounts/${id}/lock`, { session: sec }), 403, 'admin_cli_only');
  }
  const unit = expectStatus(await api(srv, 'GET', `/api/v1/accounts/${unitId}`, { session: sec }), 200).account;
  assert.equal(unit.role, 'unit_staff');
  // nothing changed: the administrators log in with their passwords, unlocked, named as before
  for (const u of ['admin', 'auditor']) {
    const s = await login(srv, u);
    assert.equal(s.user.must_change_password, false);
    assert.notEqual(s.user.display_name, '改名');
  }
});

test('a county\'s security administrator manages ordinary accounts of its county only', async () => {
  const r0 = spawnSync(BIN, ['user', 'add', '--db', srv.db.url, '--username', 'qh.sec', '--role', 'secadmin', '--region', '329981',
    '--name', '清河市安全管理员'], { input: 'QhSec#2024a\n', encoding: 'utf8' });
  assert.equal(r0.status, 0, r0.stderr);
  let qs = await login(srv, 'qh.sec', 'QhSec#2024a');
  assert.equal(qs.user.must_change_password, true);
  expectStatus(await api(srv, 'POST', '/api/v1/session/password', { session: qs, body: { old_password: 'QhSec#2024a', new_password: 'QhSec#2025b' } }), 204);
  qs = await login(srv, 'qh.sec', 'QhSec#2025b');
  const cityId = await accountId(srv, sec, 'city');
  // outside the county: invisible, unchangeable
  expectError(await api(srv, 'GET', `/api/v1/accounts/${cityId}`, { session: qs }), 404, 'not_found');
  expectError(await api(srv, 'POST', `/api/v1/accounts/${cityId}/lock`, { session: qs }), 404, 'not_found');
  expectError(await api(srv, 'POST', `/api/v1/accounts/${cityId}/password`, { session: qs, body: { password: 'Hijack#2024x' } }), 404, 'not_found');
  const list = expectStatus(await api(srv, 'GET', '/api/v1/accounts?per_page=100', { session: qs }), 200);
  assert.ok(list.items.every((a) => a.region_code.startsWith('329981')), list.text);
  expectError(await api(srv, 'POST', '/api/v1/accounts', { session: qs, body: newAccount({ username: 'qh.far', region_code: '329902' }) }), 403, 'out_of_scope');
  expectError(await api(srv, 'POST', '/api/v1/accounts', { session: qs, body: newAccount({ username: 'qh.boss', role: 'sysadmin' }) }), 403, 'admin_cli_only');
  expectError(await api(srv, 'PATCH', `/api/v1/accounts/${await accountId(srv, sec, 'unit')}`, { session: qs, body: { region_code: '329900' } }), 403, 'out_of_scope');
  // a service account of the city is not the county's to issue tokens for
  const citySvc = await serviceAccount('svc.city', '329900');
  expectError(await api(srv, 'POST', '/api/v1/tokens', { session: qs, body: { account_id: citySvc.id, name: 'x', scopes: ['read'] } }), 400, 'bad_account');
  // inside: an ordinary account of the county
  const r = await api(srv, 'POST', '/api/v1/accounts', { session: qs, body: newAccount({ username: 'qh.clerk', region_code: '329981101', role: 'unit_staff' }) });
  expectStatus(r, 201);
  expectStatus(await api(srv, 'POST', `/api/v1/accounts/${r.json.account.id}/lock`, { session: qs }), 200);
});

test('unknown account ids are 404', async () => {
  expectError(await api(srv, 'GET', '/api/v1/accounts/999999', { session: sec }), 404, 'not_found');
  expectError(await api(srv, 'POST', '/api/v1/accounts/999999/lock', { session: sec }), 404, 'not_found');
  expectError(await api(srv, 'PATCH', '/api/v1/accounts/999999', { session: sec, body: { display_name: 'x' } }), 404, 'not_found');
});
