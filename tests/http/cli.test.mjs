// The command line: help, argument errors (one line, exit 2), user add from standard input,
// migrate, and the SQLite online backup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freshDb, startServer, login, api, expectError, expectStatus } from './lib.mjs';

const BIN = resolve(process.env.RENDA_BIN || 'build/renda');
const run = (args, input) => spawnSync(BIN, args, { input, encoding: 'utf8' });

test('--help explains each command', () => {
  const top = run(['--help']);
  assert.equal(top.status, 0);
  for (const cmd of ['serve', 'migrate', 'demo', 'user add', 'user passwd', 'backup']) assert.match(top.stdout, new RegExp(cmd));
  for (const cmd of ['serve', 'migrate', 'demo', 'backup']) {
    const r = run([cmd, '--help']);
    assert.equal(r.status, 0, cmd);
    assert.match(r.stdout, new RegExp(`renda ${cmd}`));
  }
});

test('a wrong argument is one line on stderr and exit 2', () => {
  for (const args of [['frobnicate'], ['serve', '--bogus', '1'], ['demo', '--db', 'sqlite:/tmp/x.db', '--size', 'huge'],
    ['serve', '--db', 'sqlite:/tmp/x.db', '--listen', 'nohost'], ['migrate'], []]) {
    const r = run(args);
    assert.equal(r.status, 2, args.join(' '));
    if (args.length) assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('user add reads the password from stdin, enforces the policy, and the account can log in', async () => {
  const db = freshDb();
  try {
    assert.equal(run(['demo', '--db', db.url, '--size', 'small']).status, 0);
    const weak = run(['user', 'add', '--db', db.url, '--username', 'clerk', '--role', 'unit_staff', '--region', '329981102'], 'short\n');
    assert.equal(weak.status, 1);
    assert.match(weak.stderr, /密码/);
    const ok = run(['user', 'add', '--db', db.url, '--username', 'clerk', '--role', 'unit_staff', '--region', '329981102', '--name', '王文书'], 'Clerk#2024ok\n');
    assert.equal(ok.status, 0, ok.stderr);
    const dup = run(['user', 'add', '--db', db.url, '--username', 'clerk', '--role', 'unit_staff', '--region', '329981102'], 'Clerk#2024ok\n');
    assert.equal(dup.status, 1);
    assert.match(dup.stderr, /已被使用/);
    const badRole = run(['user', 'add', '--db', db.url, '--username', 'x1', '--role', 'king', '--region', '329981102'], 'Clerk#2024ok\n');
    assert.equal(badRole.status, 1);
  } finally { db.cleanup(); }
});

test('user add: the account must change its password at its first login; the demo\'s need not', async () => {
  const srv = await startServer();
  try {
    const ok = run(['user', 'add', '--db', srv.db.url, '--username', 'clerk2', '--role', 'unit_staff', '--region', '329981102'], 'Clerk#2024ok\n');
    assert.equal(ok.status, 0, ok.stderr);
    const s = await login(srv, 'clerk2', 'Clerk#2024ok');
    assert.equal(s.user.must_change_password, true);
    expectError(await api(srv, 'GET', '/api/v1/regions', { session: s }), 403, 'password_change_required');
    // the demo's accounts are exempt (docs/security.md): they log in ready to work
    assert.equal((await login(srv, 'county')).user.must_change_password, false);
  } finally { await srv.stop(); }
});

test('user passwd, lock, unlock and role: the command line changes administrators; sessions end', async () => {
  const srv = await startServer();
  try {
    const add = run(['user', 'add', '--db', srv.db.url, '--username', 'aud2', '--role', 'auditor', '--region', '329900'], 'Audit#2024ok\n');
    assert.equal(add.status, 0, add.stderr);
    let s = await login(srv, 'aud2', 'Audit#2024ok');
    assert.equal(s.user.role, 'auditor');
    // a new password: the old one stops, the new one must be changed, the sessions are over
    let r = run(['user', 'passwd', '--db', srv.db.url, '--username', 'aud2'], 'weak\n');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /密码/);
    r = run(['user', 'passwd', '--db', srv.db.url, '--username', 'aud2'], 'Audit#2025new\n');
    assert.equal(r.status, 0, r.stderr);
    expectError(await api(srv, 'GET', '/api/v1/session', { session: s }), 401, 'unauthenticated');
    expectError(await api(srv, 'POST', '/api/v1/session', { body: { username: 'aud2', password: 'Audit#2024ok' } }), 401, 'bad_credentials');
    s = await login(srv, 'aud2', 'Audit#2025new');
    assert.equal(s.user.must_change_password, true);
    expectStatus(await api(srv, 'POST', '/api/v1/session/password', { session: s, body: { old_password: 'Audit#2025new', new_password: 'Audit#2025own' } }), 204);
    // lock and unlock
    assert.equal(run(['user', 'lock', '--db', srv.db.url, '--username', 'aud2']).status, 0);
    expectError(await api(srv, 'GET', '/api/v1/session', { session: s }), 401, 'unauthenticated');
    expectError(await api(srv, 'POST', '/api/v1/session', { body: { username: 'aud2', password: 'Audit#2025own' } }), 423, 'account_locked');
    assert.equal(run(['user', 'unlock', '--db', srv.db.url, '--username', 'aud2']).status, 0);
    s = await login(srv, 'aud2', 'Audit#2025own');
    // a role, and a region
    r = run(['user', 'role', '--db', srv.db.url, '--username', 'aud2', '--role', 'secadmin', '--region', '329981']);
    assert.equal(r.status, 0, r.stderr);
    expectError(await api(srv, 'GET', '/api/v1/session', { session: s }), 401, 'unauthenticated');
    s = await login(srv, 'aud2', 'Audit#2025own');
    assert.equal(s.user.role, 'secadmin');
    assert.equal(s.user.region_code, '329981');
    for (const args of [['role', '--username', 'aud2', '--role', 'king'], ['role', '--username', 'aud2', '--role', 'city_staff', '--region', '999999'],
      ['lock', '--username', 'nosuch'], ['role', '--username', 'aud2', '--role', 'service']]) {
      r = run(['user', args[0], '--db', srv.db.url, ...args.slice(1)]);
      assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    assert.equal((await login(srv, 'aud2', 'Audit#2025own')).user.region_code, '329981');
    r = run(['user', 'frob', '--db', srv.db.url]);
    assert.equal(r.status, 2);
    // every change is in the audit trail, by the command line
    const aud = await login(srv, 'auditor');
    const j = expectStatus(await api(srv, 'GET', '/api/v1/audit?actor=(cli)&per_page=100', { session: aud }), 200);
    const actions = j.items.map((e) => e.action);
    for (const a of ['account.create', 'account.password_reset', 'account.lock', 'account.unlock', 'account.update'])
      assert.ok(actions.includes(a), `${a} in ${actions}`);
  } finally { await srv.stop(); }
});

test('demo refuses a database that already has data; migrate is idempotent', () => {
  const db = freshDb();
  try {
    assert.equal(run(['demo', '--db', db.url, '--size', 'small']).status, 0);
    const again = run(['demo', '--db', db.url, '--size', 'small']);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /已有数据/);
    const m = run(['migrate', '--db', db.url]);
    assert.equal(m.status, 0);
    assert.match(m.stdout, /版本/);
  } finally { db.cleanup(); }
});

test('backup copies a SQLite database that then serves', { skip: !!process.env.RENDA_PG_ADMIN }, async () => {
  const db = freshDb();
  const dir = mkdtempSync(join(tmpdir(), 'renda-backup-'));
  try {
    assert.equal(run(['demo', '--db', db.url, '--size', 'small']).status, 0);
    const to = join(dir, 'copy.db');
    const r = run(['backup', '--db', db.url, '--to', to]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(to));
    const srv = await startServer({ demo: false, dbUrl: 'sqlite:' + to });
    try {
      const s = await login(srv, 'admin');
      assert.equal(s.user.region_code, '329900');
    } finally { await srv.stop(); }
  } finally { db.cleanup(); rmSync(dir, { recursive: true, force: true }); }
});

test('serve on a port another server listens on exits 1 with a clear message; the first keeps answering', async () => {
  const first = await startServer();
  try {
    const port = new URL(first.url).port;
    // The same database, as a second copy started by mistake would use; timeout: if it did start,
    // it is stopped with SIGTERM, exits 0 and the test fails.
    const second = spawnSync(BIN, ['serve', '--db', first.db.url, '--listen', `127.0.0.1:${port}`, '--quiet'],
      { encoding: 'utf8', timeout: 15000 });
    assert.equal(second.status, 1, second.stderr);
    assert.doesNotMatch(second.stdout, /listening on/);
    assert.match(second.stderr, new RegExp(`无法在 127\\.0\\.0\\.1:${port} 上监听：端口已被另一个进程占用`));
    assert.match(second.stderr, /address already in use/);
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${first.url}/api/v1/health`);
      assert.equal(r.status, 200);
      await r.arrayBuffer();
    }
    const s = await login(first, 'admin');
    assert.equal(s.user.region_code, '329900');
  } finally { await first.stop(); }
});

test('serve without the segmenter\'s dictionary does not start, and says which file and what to install', () => {
  const r = spawnSync(BIN, ['serve', '--db', 'sqlite:/nonexistent/renda.db', '--listen', '127.0.0.1:0', '--quiet'],
    { encoding: 'utf8', env: { ...process.env, RENDA_WORDS_DICT: '/nonexistent/dict' }, timeout: 10000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /找不到分词词典 \/nonexistent\/dict\/friso\.lex\.ini/);
  assert.match(r.stderr, /friso-dict/);
  assert.match(r.stderr, /RENDA_WORDS_DICT/);
});
