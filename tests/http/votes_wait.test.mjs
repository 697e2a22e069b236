// A ballot waits for its group commit without holding an HTTP thread: on a server with two
// threads, 200 members vote at once over 100 connections, while another process holds
// the database's write lock (SQLite) or the vote's row (PostgreSQL), so that no group can commit.
// The server must still answer a health check meanwhile (with a thread held per waiting ballot,
// both threads would be stuck), then answer every ballot once, 200, and count 200; a repeat ballot
// is 409 and every cast has its audit record. A SIGTERM while ballots wait ends the server only
// after each was committed and answered. On SQLite and on PostgreSQL (RENDA_PG_ADMIN).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startServer, api, login, expectError, expectStatus } from './lib.mjs';

const N = 200;
let srv, unit;
before(async () => {
  srv = await startServer({ extraArgs: ['--threads', '2'] });
  unit = await login(srv, 'unit');
});
after(async () => { hall.destroy(); await srv.stop(); });

const isPg = () => !srv.db.url.startsWith('sqlite:');
function sql(q) {
  if (!isPg())
    return execFileSync('sqlite3', [srv.db.url.slice('sqlite:'.length), q], { encoding: 'utf8' }).trim();
  return execFileSync('psql', [srv.db.url, '-X', '-q', '-A', '-t', '-c', q], { encoding: 'utf8' }).trim();
}
const post = (s, path, body) => api(srv, 'POST', path, { session: s, body });

// N more deputies of 松岭镇's 18th congress, each with an account and a session (the sessions
// written as the server keeps them: a BLAKE2b-256 of the token), as the vote benchmark does.
function members() {
  const now = Math.floor(Date.now() / 1000);
  const tokens = Array.from({ length: N }, () => [randomBytes(32).toString('hex'), randomBytes(16).toString('hex')]);
  const hashes = execFileSync('python3', ['-c',
    'import sys, hashlib\nfor l in sys.stdin: print(hashlib.blake2b(l.strip().encode(), digest_size=32).hexdigest())'],
  { input: tokens.map((t) => t[0]).join('\n') + '\n', encoding: 'utf8' }).trim().split('\n');
  const stmts = [`WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ${N})
INSERT INTO deputies (name, gender, ethnicity, birth_date, party, education, occupation, employer, post,
  region_code, region_path, active_levels, created_at, updated_at)
SELECT '表决代表' || i, d.gender, d.ethnicity, d.birth_date, d.party, d.education, d.occupation, d.employer, d.post,
  d.region_code, d.region_path, d.active_levels, ${now}, ${now}
FROM k, (SELECT * FROM deputies WHERE region_code = '329981101' ORDER BY id LIMIT 1) d`,
  `INSERT INTO mandates (deputy_id, level, term, region_code, status, started_on, created_at, updated_at)
SELECT id, 'township', 18, '329981101', 'active', '2021-11-20', ${now}, ${now} FROM deputies WHERE name LIKE '表决代表%'`,
  `INSERT INTO accounts (username, display_name, role, region_code, password_hash, must_change_password,
  password_changed_at, created_at, updated_at, deputy_id)
SELECT 'v' || d.id, d.name, 'deputy', '329981101', a.password_hash, 0, ${now}, ${now}, ${now}, d.id
FROM deputies d, accounts a WHERE a.username = 'deputy' AND d.name LIKE '表决代表%'`];
  tokens.forEach(([, csrf], i) => stmts.push(`INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, last_seen)
SELECT '${hashes[i]}', a.id, '${csrf}', ${now}, ${now} FROM accounts a JOIN deputies d ON d.id = a.deputy_id WHERE d.name = '表决代表${i + 1}'`));
  sql('BEGIN;\n' + stmts.join(';\n') + ';\nCOMMIT;');
  return tokens.map(([tok, csrf]) => ({ cookie: 'renda_session=' + tok, csrf }));
}

// The ballots go over 100 keep-alive connections (more at once than the 128 connections of one
// address that the server lets wait for their headers); anything else on a connection of its own.
const hall = new http.Agent({ keepAlive: true, maxSockets: 100 });
function alone(method, path, body, s, { timeoutMs = 30000, agent = false, sent = () => {} } = {}) {
  const data = body === undefined ? '' : JSON.stringify(body);
  const headers = { 'Content-Length': Buffer.byteLength(data) };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (s) Object.assign(headers, { Cookie: s.cookie, 'X-CSRF-Token': s.csrf });
  const u = new URL(srv.url + path);
  return new Promise((ok, fail) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method, headers, agent }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => ok({ status: res.statusCode, json: text ? JSON.parse(text) : null, text }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path}: no answer in ${timeoutMs} ms`)));
    req.on('error', fail);
    req.on('finish', sent);
    req.end(data);
  });
}

// Another process holds what a ballot's group needs until release() is called.
async function hold(vid) {
  const p = isPg()
    ? spawn('psql', [srv.db.url, '-X', '-q', '-A', '-t'], { stdio: ['pipe', 'pipe', 'inherit'] })
    : spawn('sqlite3', [srv.db.url.slice('sqlite:'.length)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const locked = new Promise((ok) => p.stdout.on('data', (d) => { out += d; if (out.includes('locked')) ok(); }));
  p.stdin.write(isPg() ? `BEGIN;\nSELECT id FROM votes WHERE id = ${vid} FOR UPDATE;\nSELECT 'locked';\n`
    : "BEGIN IMMEDIATE;\nSELECT 'locked';\n");
  await locked;
  const exited = new Promise((ok) => p.on('exit', ok));
  return async () => { p.stdin.end('ROLLBACK;\n'); await exited; };
}

let mid, voters;
async function openVote(title) {
  const r = await post(unit, `/api/v1/meetings/${mid}/votes`, { title });
  expectStatus(r, 201);
  expectStatus(await post(unit, `/api/v1/votes/${r.json.vote.id}/actions`, { action: 'open' }), 200);
  return r.json.vote.id;
}

test('200 ballots wait for their group without holding the two threads; each answered once, all counted', async () => {
  voters = members();
  let r = await post(unit, '/api/v1/meetings', { kind: 'session', title: '第十八届人民代表大会第七次会议', region_code: '329981101',
    term: 18, starts_on: '2026-06-10' });
  expectStatus(r, 201);
  mid = r.json.meeting.id;
  expectStatus(await post(unit, `/api/v1/meetings/${mid}/actions`, { action: 'open_signin' }), 200);
  r = await api(srv, 'GET', `/api/v1/meetings/${mid}/attendance`, { session: unit });
  const byName = new Map(r.json.items.map((m) => [m.name, m.deputy_id]));
  for (let i = 0; i < N; i += 20)
    await Promise.all(Array.from({ length: 20 }, (_, k) => post(unit, `/api/v1/meetings/${mid}/attendance`,
      { action: 'sign_in', deputy_id: byName.get('表决代表' + (i + k + 1)) }).then((x) => expectStatus(x, 200))));
  expectStatus(await post(unit, `/api/v1/meetings/${mid}/actions`, { action: 'open' }), 200);
  const vid = await openVote('关于并发表决的决议');

  const release = await hold(vid);
  let nsent = 0;
  const ballots = voters.map((s, i) => alone('POST', `/api/v1/votes/${vid}/ballots`, { choice: i % 10 === 0 ? 'against' : 'for' },
    s, { agent: hall, sent: () => nsent++ }));
  // the first 100 ballots are written (the rest follow on the same connections as answers come);
  // the server gets a moment to take them in, then the health check comes after them
  for (let t = 0; nsent < 100 && t < 100; t++) await new Promise((ok) => setTimeout(ok, 20));
  assert.equal(nsent, 100);
  await new Promise((ok) => setTimeout(ok, 300));
  let health;
  try {
    health = await alone('GET', '/api/v1/health', undefined, null, { timeoutMs: 3000 });
  } finally {
    await release();
  }
  expectStatus(health, 200);
  const answers = await Promise.all(ballots);
  const statuses = {};
  for (const a of answers) statuses[a.status] = (statuses[a.status] || 0) + 1;
  assert.deepEqual(statuses, { 200: N }, JSON.stringify(answers.find((a) => a.status !== 200)));
  for (const a of answers) assert.deepEqual(a.json, { ok: true, vote_id: vid });

  r = await alone('POST', `/api/v1/votes/${vid}/ballots`, { choice: 'for' }, voters[7]);
  expectError(r, 409, 'already_voted');
  assert.equal(Number(sql(`SELECT COUNT(*) FROM audit WHERE action = 'vote.cast' AND object_id = '${vid}'`)), N);
  r = await post(unit, `/api/v1/votes/${vid}/actions`, { action: 'close' });
  expectStatus(r, 200);
  assert.equal(r.json.vote.for, N - N / 10);
  assert.equal(r.json.vote.against, N / 10);
  assert.equal(r.json.vote.abstain, 0);
  assert.equal(Number(sql(`SELECT COUNT(*) FROM vote_casts WHERE vote_id = ${vid}`)), N);
  assert.equal(Number(sql(`SELECT SUM(n) FROM vote_counts WHERE vote_id = ${vid}`)), N);
  // after the close a ballot is refused, as before
  r = await alone('POST', `/api/v1/votes/${vid}/ballots`, { choice: 'for' }, voters[0]);
  expectError(r, 409, 'bad_state');
});

test('SIGTERM while ballots wait for their group: each is committed and answered before the server ends', async () => {
  const vid = await openVote('关于停机时表决的决议');
  const n = 100; // one ballot per connection: all of them in flight when the signal comes
  const release = await hold(vid);
  let nsent = 0;
  const ballots = voters.slice(0, n).map((s) => alone('POST', `/api/v1/votes/${vid}/ballots`, { choice: 'abstain' },
    s, { agent: hall, sent: () => nsent++ }));
  for (let t = 0; nsent < n && t < 100; t++) await new Promise((ok) => setTimeout(ok, 20));
  await new Promise((ok) => setTimeout(ok, 300));
  srv.proc.kill('SIGTERM');
  await new Promise((ok) => setTimeout(ok, 300));
  await release();
  const answers = await Promise.all(ballots);
  assert.deepEqual(answers.map((a) => a.status), Array(n).fill(200));
  assert.deepEqual(await srv.exited, { code: 0, sig: null });
  assert.equal(Number(sql(`SELECT COUNT(*) FROM vote_casts WHERE vote_id = ${vid}`)), n);
  assert.equal(Number(sql(`SELECT SUM(n) FROM vote_counts WHERE vote_id = ${vid} AND choice = 'abstain'`)), n);
  assert.equal(Number(sql(`SELECT COUNT(*) FROM audit WHERE action = 'vote.cast' AND object_id = '${vid}'`)), n);
});
