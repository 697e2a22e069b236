// Sessions: login, cookie flags, bad credentials, lockout and unlock (unknown names alike),
// administrator lock, CSRF, logout, changing one's own password; the password policy's
// settings: periodic change (auth.password_max_days) and the session limit (auth.max_sessions).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, api, login, expectError, expectStatus, accountId, PASSWORD } from './lib.mjs';

let srv, admin, sec;
before(async () => {
  srv = await startServer();
  admin = await login(srv, 'admin');
  sec = await login(srv, 'secadmin');
});
after(async () => { await srv.stop(); });

const USER_KEYS = ['id', 'username', 'display_name', 'role', 'role_name', 'region_code', 'region_name',
  'handler_id', 'deputy_id', 'station_id', 'must_change_password'].sort();

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

// Writes the database directly, as the clock would after days: SQLite through the sqlite3
// command, PostgreSQL through psql.
function sql(text) {
  const u = srv.db.url;
  if (u.startsWith('sqlite:')) return execFileSync('sqlite3', ['-cmd', '.timeout 5000', u.slice(7), text], { encoding: 'utf8' });
  return execFileSync('psql', [u, '-X', '-q', '-A', '-t', '-c', text], { encoding: 'utf8' });
}
const FRESH = 'Fresh#2024b';
// A new township account whose initial password was changed; returns the session that changed it.
async function fresh(username) {
  expectStatus(await api(srv, 'POST', '/api/v1/accounts', { session: sec, body: { username, display_name: '会话测试',
    role: 'unit_staff', region_code: '329981101', password: 'Start#2024a' } }), 201);
  const s = await login(srv, username, 'Start#2024a');
  expectStatus(await api(srv, 'POST', '/api/v1/session/password', { session: s,
    body: { old_password: 'Start#2024a', new_password: FRESH } }), 204);
  return s;
}
const setting = async (key) => expectStatus(await api(srv, 'GET', '/api/v1/settings?region=329981101', { session: sec }), 200)
  .items.find((i) => i.key === key).value;
const putSetting = async (body) => expectStatus(await api(srv, 'PUT', '/api/v1/settings?region=329981101', { session: sec, body }), 200);
const alive = async (s) => (await api(srv, 'GET', '/api/v1/session', { session: s })).status === 200;

test('a password as old as auth.password_max_days must be changed at login; one day younger need not', async () => {
  const days = await setting('auth.password_max_days');
  assert.equal(days, 90);
  await fresh('pw.age');
  const id = await accountId(srv, sec, 'pw.age');
  const age = (d) => sql(`UPDATE accounts SET password_changed_at = ${Math.floor(Date.now() / 1000) - d * 86400} WHERE id = ${id}`);
  const check = async (d, forced) => {
    age(d);
    const s = await login(srv, 'pw.age', FRESH);
    assert.equal(s.user.must_change_password, forced, `age ${d} days of ${await setting('auth.password_max_days')}`);
    const r = await api(srv, 'GET', '/api/v1/regions', { session: s });
    if (forced) expectError(r, 403, 'password_change_required'); else expectStatus(r, 200);
    return s;
  };
  await check(days - 1, false);
  let s = await check(days, true);
  // forced like an initial password: it stays so at the next login, until changed
  assert.equal((await login(srv, 'pw.age', FRESH)).user.must_change_password, true);
  expectStatus(await api(srv, 'POST', '/api/v1/session/password', { session: s, body: { old_password: FRESH, new_password: 'Aged#2025c' } }), 204);
  expectStatus(await api(srv, 'GET', '/api/v1/regions', { session: s }), 200);
  s = await login(srv, 'pw.age', 'Aged#2025c');
  assert.equal(s.user.must_change_password, false);
  // the setting's value is what counts: 30 days for this township
  await putSetting({ 'auth.password_max_days': 30 });
  try {
    sql(`UPDATE accounts SET must_change_password = 0 WHERE id = ${id}`);
    const check30 = async (d, forced) => {
      age(d);
      assert.equal((await login(srv, 'pw.age', 'Aged#2025c')).user.must_change_password, forced, `age ${d} of 30`);
    };
    await check30(29, false);
    await check30(30, true);
  } finally { await putSetting({ 'auth.password_max_days': 90 }); }
});

test('changing one\'s password ends the account\'s other sessions and keeps the current one', async () => {
  const here = await fresh('pw.other');
  const there = await login(srv, 'pw.other', FRESH);
  const third = await login(srv, 'pw.other', FRESH);
  assert.ok(await alive(there));
  expectStatus(await api(srv, 'POST', '/api/v1/session/password', { session: here, body: { old_password: FRESH, new_password: 'Other#2025d' } }), 204);
  assert.ok(await alive(here));
  expectStatus(await api(srv, 'GET', '/api/v1/regions', { session: here }), 200);
  expectError(await api(srv, 'GET', '/api/v1/session', { session: there }), 401, 'unauthenticated');
  expectError(await api(srv, 'GET', '/api/v1/regions', { session: third }), 401, 'unauthenticated');
  // another account's sessions are untouched
  assert.ok(await alive(admin));
});

test('auth.max_sessions: that many sessions live together; one more login ends the oldest', async () => {
  const n = await setting('auth.max_sessions');
  assert.equal(n, 3);
  const sessions = [await fresh('pw.many')];
  for (let i = 1; i < n; i++) sessions.push(await login(srv, 'pw.many', FRESH));
  for (const s of sessions) assert.ok(await alive(s), 'all n sessions live');
  sessions.push(await login(srv, 'pw.many', FRESH));
  assert.equal(await alive(sessions[0]), false, 'the oldest ended');
  for (const s of sessions.slice(1)) assert.ok(await alive(s), 'the newer ones live');
  // the setting's value is read at each login
  await putSetting({ 'auth.max_sessions': 1 });
  try {
    const last = await login(srv, 'pw.many', FRESH);
    assert.ok(await alive(last));
    for (const s of sessions) assert.equal(await alive(s), false);
  } finally { await putSetting({ 'auth.max_sessions': 3 }); }
});

test('an unknown name fails and locks exactly like a known one: same answers, the sixth is 423', async () => {
  await fresh('lk.known');
  const answers = async (username) => {
    const out = [];
    for (let i = 1; i <= 6; i++) {
      const t0 = performance.now();
      // the sixth try carries the right password of the known account
      const r = await api(srv, 'POST', '/api/v1/session', { body: { username, password: i === 6 ? FRESH : 'Wrong@' + i + 'xyz' } });
      out.push({ status: r.status, code: r.json.error.code, message: r.json.error.message, ms: performance.now() - t0,
        cookie: r.headers.get('set-cookie') });
    }
    return out;
  };
  const known = await answers('lk.known');
  const ghost = await answers('lk.ghost');
  const strip = (a) => a.map(({ ms, ...x }) => x);
  assert.deepEqual(strip(ghost), strip(known));
  assert.deepEqual(known.map((x) => x.status), [401, 401, 401, 401, 423, 423]);
  assert.equal(known[5].code, 'account_locked');
  assert.ok(known.every((x) => x.cookie === null));
  // as slow: a password hash is verified for the unknown name too (the first four tries)
  const median = (a) => a.map((x) => x.ms).slice(0, 4).sort((x, y) => x - y)[2];
  assert.ok(median(ghost) > median(known) / 4, `unknown ${median(ghost)} ms, known ${median(known)} ms`);
});

test('a service account cannot log in, even with what its hash holds', async () => {
  expectStatus(await api(srv, 'POST', '/api/v1/accounts', { session: sec, body: { username: 'svc.nologin', display_name: '对接',
    role: 'service', region_code: '329981' } }), 201);
  for (const pw of ['!service', PASSWORD, ''])
    assert.ok([400, 401].includes((await api(srv, 'POST', '/api/v1/session', { body: { username: 'svc.nologin', password: pw } })).status));
  expectError(await api(srv, 'POST', '/api/v1/session', { body: { username: 'svc.nologin', password: '!service' } }), 401, 'bad_credentials');
});
