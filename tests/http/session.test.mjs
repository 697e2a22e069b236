// Sessions: login, cookie flags, bad credentials, lockout and unlock, administrator lock,
// CSRF, logout, changing one's own password.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, expectError, expectStatus, accountId, PASSWORD } from './lib.mjs';

let srv, admin, sec;
before(async () => {
  srv = await startServer();
  admin = await login(srv, 'admin');
  sec = await login(srv, 'secadmin');
});
after(async () => { await srv.stop(); });

const USER_KEYS = ['id', 'username', 'display_name', 'role', 'role_name', 'region_code', 'region_name',
  'handler_id', 'deputy_id', 'must_change_password'].sort();

test('login returns the user, a CSRF token and an HttpOnly SameSite=Strict cookie', async () => {
  const r = await api(srv, 'POST', '/api/v1/session', { body: { username: 'county', password: PASSWORD } });
  expectStatus(r, 200);
  assert.deepEqual(Object.keys(r.json.user).sort(), USER_KEYS);
  assert.equal(r.json.user.username, 'county');
  assert.equal(r.json.user.role, 'county_staff');
  assert.equal(r.json.user.region_code, '329981');
  assert.equal(r.json.user.region_name, '清河市');
  assert.equal(r.json.user.must_change_password, false);
  assert.equal(typeof r.json.csrf_token, 'string');
  assert.ok(r.json.csrf_token.length >= 16, 'csrf token too short');
  const cookie = r.headers.get('set-cookie');
  assert.match(cookie, /^renda_session=[^;\s]{16,};/);
  assert.match(cookie, /;\s*HttpOnly/i);
  assert.match(cookie, /;\s*SameSite=Strict/i);
  assert.doesNotMatch(r.text, /argon2|password_hash/i);
  // the cookie is a working session, and GET /session repeats the same csrf token
  const s = { cookie: cookie.split(';')[0], csrf: r.json.csrf_token };
  const w = await api(srv, 'GET', '/api/v1/session', { session: s });
  expectStatus(w, 200);
  assert.equal(w.json.user.username, 'county');
  assert.equal(w.json.csrf_token, r.json.csrf_token);
});

test('two logins get different sessions and CSRF tokens', async () => {
  const a = await login(srv, 'city');
  const b = await login(srv, 'city');
  assert.notEqual(a.cookie, b.cookie);
  assert.notEqual(a.csrf, b.csrf);
});

test('wrong password and unknown user both answer 401 bad_credentials with the same message', async () => {
  const wrong = await api(srv, 'POST', '/api/v1/session', { body: { username: 'city', password: 'Wrong@2024x' } });
  expectError(wrong, 401, 'bad_credentials');
  assert.equal(wrong.headers.get('set-cookie'), null);
  const unknown = await api(srv, 'POST', '/api/v1/session', { body: { username: 'nosuchuser', password: PASSWORD } });
  expectError(unknown, 401, 'bad_credentials');
  assert.equal(unknown.json.error.message, wrong.json.error.message);
  assert.equal(unknown.headers.get('set-cookie'), null);
});

test('no cookie or a forged cookie is 401 unauthenticated', async () => {
  expectError(await api(srv, 'GET', '/api/v1/session'), 401, 'unauthenticated');
  expectError(await api(srv, 'GET', '/api/v1/handlers'), 401, 'unauthenticated');
  const forged = { cookie: 'renda_session=' + 'a'.repeat(64), csrf: 'x' };
  const r = await api(srv, 'GET', '/api/v1/session', { session: forged });
  assert.equal(r.status, 401);
  assert.equal(r.json.error.code, 'unauthenticated');
});

test('five wrong passwords lock the account (423), even the right password; secadmin unlocks', async () => {
  for (let i = 1; i <= 4; i++) {
    const r = await api(srv, 'POST', '/api/v1/session', { body: { username: 'deputy', password: 'Wrong@' + i + 'xyz' } });
    expectError(r, 401, 'bad_credentials');
  }
  const fifth = await api(srv, 'POST', '/api/v1/session', { body: { username: 'deputy', password: 'Wrong@5xyz' } });
  assert.ok(fifth.status === 401 || fifth.status === 423, `5th failure: ${fifth.status} ${fifth.text}`);
  const right = await api(srv, 'POST', '/api/v1/session', { body: { username: 'deputy', password: PASSWORD } });
  expectError(right, 423, 'account_locked');
  assert.equal(right.headers.get('set-cookie'), null);

  const id = await accountId(srv, sec, 'deputy');
  let r = await api(srv, 'GET', `/api/v1/accounts/${id}`, { session: sec });
  expectStatus(r, 200);
  assert.equal(r.json.account.locked, true);
  assert.ok(r.json.account.locked_until > Date.now() / 1000 + 14 * 60, 'locked for about 15 minutes');

  r = await api(srv, 'POST', `/api/v1/accounts/${id}/unlock`, { session: sec });
  expectStatus(r, 200);
  assert.equal(r.json.account.locked, false);
  const s = await login(srv, 'deputy');
  assert.equal(s.user.username, 'deputy');
  // the failure counter starts again: one wrong password is 401, not 423
  r = await api(srv, 'POST', '/api/v1/session', { body: { username: 'deputy', password: 'Wrong@6xyz' } });
  expectError(r, 401, 'bad_credentials');
});

test('administrator lock: 423 at login and the user\'s existing sessions end', async () => {
  const st = await login(srv, 'station');
  expectStatus(await api(srv, 'GET', '/api/v1/session', { session: st }), 200);
  const id = await accountId(srv, sec, 'station');
  let r = await api(srv, 'POST', `/api/v1/accounts/${id}/lock`, { session: sec });
  expectStatus(r, 200);
  assert.equal(r.json.account.locked, true);
  r = await api(srv, 'GET', '/api/v1/session', { session: st });
  assert.equal(r.status, 401, `locked user's session still works: ${r.status} ${r.text}`);
  r = await api(srv, 'GET', '/api/v1/regions', { session: st });
  assert.equal(r.status, 401);
  r = await api(srv, 'POST', '/api/v1/session', { body: { username: 'station', password: PASSWORD } });
  expectError(r, 423, 'account_locked');
  // unlocking lets the user in again
  r = await api(srv, 'POST', `/api/v1/accounts/${id}/unlock`, { session: sec });
  expectStatus(r, 200);
  assert.equal(r.json.account.locked, false);
  await login(srv, 'station');
});

test('a cookie POST without or with a wrong X-CSRF-Token is 403 csrf_failed and stores nothing', async () => {
  const body = { region_code: '329981', name: 'CSRF测试单位' };
  let r = await api(srv, 'POST', '/api/v1/handlers', { session: admin, csrf: false, body });
  expectError(r, 403, 'csrf_failed');
  r = await api(srv, 'POST', '/api/v1/handlers', { session: admin, csrf: false, body,
    headers: { 'X-CSRF-Token': admin.csrf.slice(0, -1) + (admin.csrf.endsWith('0') ? '1' : '0') } });
  expectError(r, 403, 'csrf_failed');
  r = await api(srv, 'POST', '/api/v1/handlers', { session: admin, csrf: false, body, headers: { 'X-CSRF-Token': '' } });
  expectError(r, 403, 'csrf_failed');
  // another session's token does not count
  r = await api(srv, 'POST', '/api/v1/handlers', { session: admin, csrf: false, body, headers: { 'X-CSRF-Token': sec.csrf } });
  expectError(r, 403, 'csrf_failed');
  r = await api(srv, 'GET', '/api/v1/handlers?q=' + encodeURIComponent('CSRF测试'), { session: admin });
  expectStatus(r, 200);
  assert.equal(r.json.total, 0);
  // PATCH and DELETE need it too
  const list = await api(srv, 'GET', '/api/v1/handlers?region=329981&per_page=1', { session: admin });
  const h = list.json.items[0];
  r = await api(srv, 'PATCH', `/api/v1/handlers/${h.id}`, { session: admin, csrf: false, body: { name: 'CSRF改名' } });
  expectError(r, 403, 'csrf_failed');
  r = await api(srv, 'DELETE', `/api/v1/handlers/${h.id}`, { session: admin, csrf: false });
  expectError(r, 403, 'csrf_failed');
  r = await api(srv, 'GET', `/api/v1/handlers/${h.id}`, { session: admin });
  expectStatus(r, 200);
  assert.equal(r.json.handler.name, h.name);
});

test('GET needs no CSRF token', async () => {
  const s = { cookie: admin.cookie };
  expectStatus(await api(srv, 'GET', '/api/v1/session', { session: s }), 200);
  expectStatus(await api(srv, 'GET', '/api/v1/regions', { session: s }), 200);
  expectStatus(await api(srv, 'GET', '/api/v1/handlers', { session: s }), 200);
});

test('logout needs the CSRF token, then ends the session', async () => {
  const s = await login(srv, 'city');
  let r = await api(srv, 'DELETE', '/api/v1/session', { session: s, csrf: false });
  expectError(r, 403, 'csrf_failed');
  expectStatus(await api(srv, 'GET', '/api/v1/session', { session: s }), 200);
  r = await api(srv, 'DELETE', '/api/v1/session', { session: s });
  expectStatus(r, 204);
  assert.equal(r.text, '');
  const cleared = r.headers.get('set-cookie');
  assert.ok(cleared && /renda_session=;|Max-Age=0/i.test(cleared), `cookie not cleared: ${cleared}`);
  expectError(await api(srv, 'GET', '/api/v1/session', { session: s }), 401, 'unauthenticated');
  r = await api(srv, 'POST', '/api/v1/handlers', { session: s, body: { region_code: '329981', name: '注销后单位' } });
  assert.equal(r.status, 401);
  r = await api(srv, 'GET', '/api/v1/handlers?q=' + encodeURIComponent('注销后单位'), { session: admin });
  assert.equal(r.json.total, 0);
});

test('change own password: policy, old password checked, then the new one works', async () => {
  const s = await login(srv, 'unit');
  const NEW = 'Qinghe#2025a';
  // wrong old password
  let r = await api(srv, 'POST', '/api/v1/session/password', { session: s,
    body: { old_password: 'Wrong@2024', new_password: NEW } });
  assert.ok(r.status >= 400 && r.status < 500 && r.status !== 404, `wrong old password: ${r.status} ${r.text}`);
  assert.ok(r.json && r.json.error, r.text);
  // weak new passwords
  for (const weak of ['short1A', 'alllowercase', 'lowerUPPER', 'lower1234']) {
    r = await api(srv, 'POST', '/api/v1/session/password', { session: s,
      body: { old_password: PASSWORD, new_password: weak } });
    expectError(r, 400, 'password_weak');
  }
  // CSRF is required
  r = await api(srv, 'POST', '/api/v1/session/password', { session: s, csrf: false,
    body: { old_password: PASSWORD, new_password: NEW } });
  expectError(r, 403, 'csrf_failed');
  // nothing changed so far
  const again = await login(srv, 'unit');
  r = await api(srv, 'POST', '/api/v1/session/password', { session: s,
    body: { old_password: PASSWORD, new_password: NEW } });
  expectStatus(r, 204);
  r = await api(srv, 'POST', '/api/v1/session', { body: { username: 'unit', password: PASSWORD } });
  expectError(r, 401, 'bad_credentials');
  const s2 = await login(srv, 'unit', NEW);
  assert.equal(s2.user.must_change_password, false);
  assert.ok(again.cookie);
});

test('missing login fields are 400, not 401', async () => {
  let r = await api(srv, 'POST', '/api/v1/session', { body: { username: 'admin' } });
  expectError(r, 400, 'missing_field');
  r = await api(srv, 'POST', '/api/v1/session', { body: { username: 'admin', password: PASSWORD, remember: true } });
  expectError(r, 400, 'unknown_field');
});

test('an Authorization header that is not Bearer is 401 bad_token', async () => {
  const r = await api(srv, 'GET', '/api/v1/session', { headers: { Authorization: 'Basic YWRtaW46eA==' } });
  expectError(r, 401, 'bad_token');
  const r2 = await api(srv, 'GET', '/api/v1/session', { token: 'rnd_notarealtoken' });
  expectError(r2, 401, 'bad_token');
});
