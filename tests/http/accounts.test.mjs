// Accounts and API tokens: only the security administrator manages them; validation; the first
// password must be changed; reset; list filters; bearer tokens and revocation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, expectError, expectStatus, accountId, PASSWORD } from './lib.mjs';

let srv, sec, admin, county, auditor;
before(async () => {
  srv = await startServer();
  [sec, admin, county, auditor] = await Promise.all(['secadmin', 'admin', 'county', 'auditor'].map((u) => login(srv, u)));
});
after(async () => { await srv.stop(); });

const ACCOUNT_KEYS = ['id', 'username', 'display_name', 'role', 'role_name', 'region_code', 'region_name',
  'handler_id', 'locked', 'locked_until', 'failed_logins', 'last_login_at', 'created_at'].sort();
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

test('tokens: the secret is shown once, Bearer works without CSRF, revoke ends it', async () => {
  const cityId = await accountId(srv, sec, 'county');
  let r = await api(srv, 'POST', '/api/v1/tokens', { session: sec, body: { account_id: cityId, name: '集成测试' } });
  expectStatus(r, 201);
  const { token, secret } = r.json;
  assert.match(secret, /^rnd_[0-9a-zA-Z]{16,}$/);
  assert.equal(token.account_id, cityId);
  assert.equal(token.name, '集成测试');
  assert.equal(token.revoked, false);
  assert.ok(!JSON.stringify(token).includes(secret.slice(4)), 'token object leaks the secret');
  r = await api(srv, 'GET', '/api/v1/tokens', { session: sec });
  expectStatus(r, 200);
  assert.ok(!r.text.includes(secret.slice(4)), 'token list leaks the secret');
  const listed = r.json.items.find((t) => t.id === token.id);
  assert.ok(listed);
  assert.equal(listed.username, 'county');
  assert.equal(listed.revoked, false);
  assert.ok(secret.startsWith(listed.prefix), `prefix ${listed.prefix}`);

  r = await api(srv, 'GET', '/api/v1/session', { token: secret });
  expectStatus(r, 200);
  assert.equal(r.json.user.username, 'county');
  r = await api(srv, 'GET', '/api/v1/handlers?per_page=1', { token: secret });
  expectStatus(r, 200);
  r = await api(srv, 'POST', '/api/v1/handlers', { token: secret, body: { region_code: '329981', name: '令牌创建单位' } });
  expectStatus(r, 201);
  // scope is the account's
  r = await api(srv, 'POST', '/api/v1/handlers', { token: secret, body: { region_code: '329902', name: '令牌越权单位' } });
  expectError(r, 403, 'out_of_scope');
  // a token does not make the account a secadmin
  r = await api(srv, 'GET', '/api/v1/accounts', { token: secret });
  assert.equal(r.status, 403);

  r = await api(srv, 'DELETE', `/api/v1/tokens/${token.id}`, { session: sec });
  expectStatus(r, 204);
  r = await api(srv, 'GET', '/api/v1/session', { token: secret });
  expectError(r, 401, 'bad_token');
  r = await api(srv, 'POST', '/api/v1/handlers', { token: secret, body: { region_code: '329981', name: '吊销后单位' } });
  assert.equal(r.status, 401);
  r = await api(srv, 'GET', '/api/v1/tokens', { session: sec });
  assert.equal(r.json.items.find((t) => t.id === token.id).revoked, true);
  const h = await api(srv, 'GET', '/api/v1/handlers?q=' + encodeURIComponent('单位') + '&region=329981&per_page=100', { session: admin });
  const names = h.json.items.map((x) => x.name);
  assert.ok(names.includes('令牌创建单位'));
  assert.ok(!names.includes('吊销后单位'));
});

test('tokens: expiry bounds, unknown account, a locked account\'s token stops working', async () => {
  const id = await accountId(srv, sec, 'station');
  let r = await api(srv, 'POST', '/api/v1/tokens', { session: sec, body: { account_id: id, name: 'x', expires_days: 0 } });
  assert.equal(r.status, 400, r.text);
  r = await api(srv, 'POST', '/api/v1/tokens', { session: sec, body: { account_id: id, name: 'x', expires_days: 3651 } });
  assert.equal(r.status, 400, r.text);
  r = await api(srv, 'POST', '/api/v1/tokens', { session: sec, body: { account_id: 999999, name: 'x' } });
  assert.equal(r.status, 400, r.text);
  r = await api(srv, 'POST', '/api/v1/tokens', { session: sec, body: { account_id: id, name: '一天', expires_days: 1 } });
  expectStatus(r, 201);
  const now = Date.now() / 1000;
  assert.ok(Math.abs(r.json.token.expires_at - (now + 86400)) < 120, `expires_at ${r.json.token.expires_at}`);
  const secret = r.json.secret;
  expectStatus(await api(srv, 'GET', '/api/v1/regions', { token: secret }), 200);
  expectStatus(await api(srv, 'POST', `/api/v1/accounts/${id}/lock`, { session: sec }), 200);
  r = await api(srv, 'GET', '/api/v1/regions', { token: secret });
  assert.equal(r.status, 401, `locked account's token: ${r.status}`);
  expectStatus(await api(srv, 'POST', `/api/v1/accounts/${id}/unlock`, { session: sec }), 200);
  expectStatus(await api(srv, 'GET', '/api/v1/regions', { token: secret }), 200);
  expectError(await api(srv, 'DELETE', '/api/v1/tokens/999999', { session: sec }), 404, 'not_found');
  // a forged secret of the right shape
  expectError(await api(srv, 'GET', '/api/v1/regions', { token: 'rnd_' + '0'.repeat(secret.length - 4) }), 401, 'bad_token');
});

test('unknown account ids are 404', async () => {
  expectError(await api(srv, 'GET', '/api/v1/accounts/999999', { session: sec }), 404, 'not_found');
  expectError(await api(srv, 'POST', '/api/v1/accounts/999999/lock', { session: sec }), 404, 'not_found');
  expectError(await api(srv, 'PATCH', '/api/v1/accounts/999999', { session: sec, body: { display_name: 'x' } }), 404, 'not_found');
});
