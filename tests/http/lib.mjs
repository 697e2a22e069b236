// Test harness for the HTTP suite: starts the real build/renda on a free loopback port with a
// fresh demo database (SQLite by default, PostgreSQL when RENDA_PG_ADMIN names a test cluster),
// and drives it with fetch or raw sockets.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';
import { randomBytes } from 'node:crypto';

export const PASSWORD = 'Renda@2024';
const BIN = resolve(process.env.RENDA_BIN || 'build/renda');

// A fresh database URL: a new SQLite file, or a new PostgreSQL database in the test cluster.
export function freshDb() {
  const admin = process.env.RENDA_PG_ADMIN;
  if (admin) {
    const name = 'rt_' + randomBytes(6).toString('hex');
    execFileSync('psql', [admin, '-q', '-c', `CREATE DATABASE ${name}`]);
    return { url: admin.replace('/postgres?', `/${name}?`), cleanup() {} };
  }
  const dir = mkdtempSync(join(tmpdir(), 'renda-http-'));
  return { url: 'sqlite:' + join(dir, 'test.db'), cleanup() { rmSync(dir, { recursive: true, force: true }); } };
}

export function renda(args, input) {
  try {
    return execFileSync(BIN, args, { input, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
  } catch (e) {
    sanitizerCheck(String(e.stderr || ''));
    throw e;
  }
}

// A binary built with `make asan` reports memory errors, leaks (at exit) and undefined
// behaviour on its stderr: any such report fails the test file that ran the server.
const SANITIZER_REPORT = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error: |SUMMARY: (Address|Leak|UndefinedBehavior)Sanitizer/;
export function sanitizerCheck(stderr) {
  const m = SANITIZER_REPORT.exec(stderr);
  if (m) throw new Error('sanitizer report on the server\'s stderr:\n' + stderr.slice(Math.max(0, m.index - 200), m.index + 6000));
}

// Starts a server on a demo database; returns { url, db, proc, stop() }.
export async function startServer({ size = 'small', demo = true, extraArgs = [], dbUrl } = {}) {
  const db = dbUrl ? { url: dbUrl, cleanup() {} } : freshDb();
  if (demo) renda(['demo', '--db', db.url, '--size', size, '--seed', '1']);
  const proc = spawn(BIN, ['serve', '--db', db.url, '--listen', '127.0.0.1:0', '--quiet', ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error('server did not start: ' + stderr)), 15000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[0-9.:]+)/);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); fail(new Error(`server exited ${code}: ${stderr}`)); });
  });
  const exited = new Promise((ok) => proc.on('exit', (code, sig) => ok({ code, sig })));
  return {
    url, db, proc, exited,
    stderr: () => stderr,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const r = await exited;
      db.cleanup();
      sanitizerCheck(stderr);
      return r;
    },
  };
}

// One API call. opts: { body (object or raw string), session ({cookie, csrf}), headers, token }.
export async function api(srv, method, path, opts = {}) {
  const headers = { ...(opts.headers || {}) };
  let body;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' || opts.body instanceof Uint8Array ? opts.body : JSON.stringify(opts.body);
    if (!('Content-Type' in headers)) headers['Content-Type'] = 'application/json';
  }
  if (opts.session) {
    headers.Cookie = opts.session.cookie;
    if (method !== 'GET' && opts.csrf !== false) headers['X-CSRF-Token'] = opts.session.csrf;
  }
  if (opts.token) headers.Authorization = 'Bearer ' + opts.token;
  const res = await fetch(srv.url + path, { method, headers, body });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  return { status: res.status, json, text, headers: res.headers };
}

// Logs in; returns { cookie, csrf, user }.
export async function login(srv, username, password = PASSWORD) {
  const r = await api(srv, 'POST', '/api/v1/session', { body: { username, password } });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  return { cookie, csrf: r.json.csrf_token, user: r.json.user };
}

// Sends raw bytes on one connection; resolves with everything the server sent until it closed
// or `waitMs` passed without data.
export function raw(srv, payload, { waitMs = 1500 } = {}) {
  const { hostname, port } = new URL(srv.url);
  return new Promise((ok, fail) => {
    const sock = net.connect(Number(port), hostname);
    let data = '';
    let timer;
    const finish = () => { clearTimeout(timer); sock.destroy(); ok(data); };
    const arm = () => { clearTimeout(timer); timer = setTimeout(finish, waitMs); };
    sock.on('connect', () => { sock.write(payload); arm(); });
    sock.on('data', (d) => { data += d; arm(); });
    sock.on('end', finish);
    sock.on('error', (e) => (data ? finish() : fail(e)));
  });
}

// Checks an error answer: the status and `error.code`; throws with the whole answer otherwise.
export function expectError(r, status, code) {
  if (r.status !== status || !r.json || !r.json.error || r.json.error.code !== code)
    throw new Error(`expected ${status} ${code}, got ${r.status} ${r.text}`);
  if (typeof r.json.error.message !== 'string' || !r.json.error.message)
    throw new Error(`error without a message: ${r.text}`);
}

// Checks a success status; throws with the whole answer otherwise.
export function expectStatus(r, status) {
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status} ${r.text}`);
  return r.json;
}

// The id of an account by username, looked up with a secadmin session.
export async function accountId(srv, sec, username) {
  const r = await api(srv, 'GET', '/api/v1/accounts?per_page=100&q=' + encodeURIComponent(username), { session: sec });
  expectStatus(r, 200);
  const a = r.json.items.find((x) => x.username === username);
  if (!a) throw new Error(`account ${username} not found: ${r.text}`);
  return a.id;
}

// Sends raw bytes on one connection and waits up to waitMs in all; resolves with
// { data, closed (the server ended the connection), ms (until it closed or the wait ended) }.
export function rawConn(srv, payload, { waitMs = 1500 } = {}) {
  const { hostname, port } = new URL(srv.url);
  return new Promise((ok, fail) => {
    const sock = net.connect(Number(port), hostname);
    const t0 = Date.now();
    let data = '';
    let done = false;
    const finish = (closed) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      ok({ data, closed, ms: Date.now() - t0 });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    sock.on('connect', () => { if (payload) sock.write(payload); });
    sock.on('data', (d) => { data += d; });
    sock.on('end', () => finish(true));
    sock.on('close', () => finish(true));
    sock.on('error', (e) => (data || e.code === 'ECONNRESET' || e.code === 'EPIPE' ? finish(true) : fail(e)));
  });
}

// The status codes of the HTTP responses in a raw answer, in order.
export function statuses(out) {
  return [...out.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
}

import http from 'node:http'; // (import declarations are hoisted)

// One API call like api(), sent from a chosen loopback source address (127.0.0.2 …), so that
// per-address limits (the public opinion form) can be tested and kept apart.
export function apiFrom(srv, localAddress, method, path, opts = {}) {
  const headers = { ...(opts.headers || {}) };
  let body;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' || opts.body instanceof Uint8Array ? opts.body : JSON.stringify(opts.body);
    if (!('Content-Type' in headers)) headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = Buffer.byteLength(body);
  }
  if (opts.session) {
    headers.Cookie = opts.session.cookie;
    if (method !== 'GET' && opts.csrf !== false) headers['X-CSRF-Token'] = opts.session.csrf;
  }
  const u = new URL(srv.url + path);
  return new Promise((ok, fail) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers, localAddress },
      (res) => {
        const chunks = [];
        res.on('data', (d) => chunks.push(d));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let json = null;
          try { json = text ? JSON.parse(text) : null; } catch { json = null; }
          const h = new Headers();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) h.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
          ok({ status: res.statusCode, json, text, headers: h });
        });
      });
    req.on('error', fail);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// Adds n working days to a date (YYYY-MM-DD) on the server's holiday calendar, the way
// deadlines are counted: weekends and holidays are skipped, adjusted workdays (调休) count.
// Returns a function (ymd, n) → ymd; loads the calendar of `year` and the next.
export async function workdayAdder(srv, session, year) {
  const items = [];
  for (const y of [year, year + 1]) {
    const r = await api(srv, 'GET', `/api/v1/holidays?year=${y}`, { session });
    expectStatus(r, 200);
    items.push(...r.json.items);
  }
  const off = new Set(items.filter((i) => i.kind === 'holiday').map((i) => i.day));
  const on = new Set(items.filter((i) => i.kind === 'workday').map((i) => i.day));
  return (ymd, n) => {
    const d = new Date(ymd + 'T00:00:00Z');
    while (n > 0) {
      d.setUTCDate(d.getUTCDate() + 1);
      const day = d.toISOString().slice(0, 10);
      const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
      if (off.has(day) || (weekend && !on.has(day))) continue;
      n--;
    }
    return d.toISOString().slice(0, 10);
  };
}
