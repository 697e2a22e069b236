// HTTP transport: body and URL limits, request smuggling, Host, timeouts, keep-alive, static
// files, security headers, and a clean SIGTERM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import net from 'node:net';
import { startServer, api, apiFrom, login, raw, rawConn, renda, statuses, expectError, expectStatus, PASSWORD } from './lib.mjs';

const MiB = 1 << 20;
let srv, admin;
before(async () => {
  srv = await startServer();
  admin = await login(srv, 'admin');
});
after(async () => { if (srv) await srv.stop(); });

const webIndex = resolve(dirname(resolve(process.env.RENDA_BIN || 'build/renda')), '../web/dist/index.html');
const healthy = async () => expectStatus(await api(srv, 'GET', '/api/v1/health'), 200);
const stored = async (name) => (await api(srv, 'GET', '/api/v1/handlers?q=' + encodeURIComponent(name), { session: admin })).json.total;
const authHeaders = () => `Cookie: ${admin.cookie}\r\nX-CSRF-Token: ${admin.csrf}\r\nContent-Type: application/json\r\n`;

test('a body over 1 MiB is 413 (declared length)', async () => {
  const out = await raw(srv, `POST /api/v1/handlers HTTP/1.1\r\nHost: x\r\n${authHeaders()}Content-Length: ${MiB + 1}\r\n\r\n{"region_code":"329981",`, { waitMs: 1000 });
  assert.deepEqual(statuses(out).slice(0, 1), [413], out.slice(0, 200));
  assert.match(out, /"code":"payload_too_large"/);
  await healthy();
});

test('a body over 1 MiB sent in full with fetch is refused (413 or reset)', async () => {
  const name = '大请求单位';
  const body = JSON.stringify({ region_code: '329981', name, contact_person: 'x'.repeat(MiB) });
  let status;
  try {
    const r = await fetch(srv.url + '/api/v1/handlers', { method: 'POST', body,
      headers: { 'Content-Type': 'application/json', Cookie: admin.cookie, 'X-CSRF-Token': admin.csrf } });
    status = r.status;
    await r.text();
  } catch (e) {
    status = 'connection closed: ' + (e.cause ? e.cause.code || e.cause.message : e.message);
  }
  // The server answers 413 from the declared length and closes without reading the body, so
  // the client may see the reset (EPIPE/ECONNRESET) before the answer; either way, nothing is stored.
  assert.ok(status === 413 || /EPIPE|ECONNRESET|other side closed/.test(String(status)), String(status));
  assert.equal(await stored(name), 0);
  await healthy();
});

test('a chunked body over 1 MiB is 413', async () => {
  const chunk = 'x'.repeat(64 * 1024);
  let payload = `POST /api/v1/handlers HTTP/1.1\r\nHost: x\r\n${authHeaders()}Transfer-Encoding: chunked\r\n\r\n`;
  for (let i = 0; i < 17; i++) payload += `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
  payload += '0\r\n\r\n';
  const r = await rawConn(srv, payload, { waitMs: 3000 });
  assert.deepEqual(statuses(r.data).slice(0, 1), [413],
    `chunked 1.06 MiB body: got ${r.data ? r.data.split('\r\n')[0] : 'no answer'}, connection ${r.closed ? 'closed' : 'open'} after ${r.ms} ms`);
  await healthy();
});

test('a body of exactly 1 MiB is read (not 413)', async () => {
  const pad = MiB - Buffer.byteLength(JSON.stringify({ region_code: '329981', name: '整兆单位', contact_person: '' }));
  const body = JSON.stringify({ region_code: '329981', name: '整兆单位', contact_person: 'x'.repeat(pad) });
  assert.equal(Buffer.byteLength(body), MiB);
  const r = await api(srv, 'POST', '/api/v1/handlers', { session: admin, body });
  expectError(r, 400, 'too_long');
});

test('a chunked body within limits works', async () => {
  const body = JSON.stringify({ region_code: '329981', name: '分块单位' });
  const half = Math.floor(body.length / 2);
  const b1 = Buffer.from(body.slice(0, half)), b2 = Buffer.from(body.slice(half));
  const bytes = Buffer.concat([
    Buffer.from(`POST /api/v1/handlers HTTP/1.1\r\nHost: x\r\n${authHeaders()}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n`),
    Buffer.from(`${b1.length.toString(16)}\r\n`), b1, Buffer.from(`\r\n${b2.length.toString(16)}\r\n`), b2, Buffer.from('\r\n0\r\n\r\n')]);
  const out = await raw(srv, bytes, { waitMs: 1500 });
  assert.deepEqual(statuses(out), [201], out.slice(0, 300));
  assert.equal(await stored('分块单位'), 1);
});

test('Content-Length together with Transfer-Encoding is 400 and nothing is stored', async () => {
  const body = '{"region_code":"329981","name":"走私单位"}';
  const out = await raw(srv, `POST /api/v1/handlers HTTP/1.1\r\nHost: x\r\n${authHeaders()}Content-Length: ${Buffer.byteLength(body)}\r\n`
    + `Transfer-Encoding: chunked\r\n\r\n${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`, { waitMs: 1000 });
  assert.equal(statuses(out)[0], 400, out.slice(0, 200));
  assert.ok(!statuses(out).some((s) => s === 201), out);
  assert.equal(await stored('走私单位'), 0);
});

test('two Content-Length headers are 400', async () => {
  const body = '{"region_code":"329981","name":"双长度单位"}';
  const n = Buffer.byteLength(body);
  for (const [a, b] of [[n, n], [n, 5]]) {
    const out = await raw(srv, `POST /api/v1/handlers HTTP/1.1\r\nHost: x\r\n${authHeaders()}Content-Length: ${a}\r\nContent-Length: ${b}\r\n\r\n${body}`, { waitMs: 1000 });
    assert.equal(statuses(out)[0], 400, out.slice(0, 200));
    assert.ok(!statuses(out).some((s) => s === 201), out);
  }
  assert.equal(await stored('双长度单位'), 0);
});

test('HTTP/1.1 without Host is 400', async () => {
  const out = await raw(srv, 'GET /api/v1/health HTTP/1.1\r\n\r\n', { waitMs: 1000 });
  assert.equal(statuses(out)[0], 400, out.slice(0, 200));
});

test('garbage and over-long requests are refused and the server stays up', async () => {
  let out = await raw(srv, 'HELLO WORLD\r\n\r\n', { waitMs: 800 });
  assert.ok(!statuses(out).includes(200), out);
  out = await raw(srv, `GET /api/v1/${'a'.repeat(5000)} HTTP/1.1\r\nHost: x\r\n\r\n`, { waitMs: 800 });
  assert.equal(statuses(out)[0], 414, out.slice(0, 200));
  out = await raw(srv, `GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(40 * 1024)}\r\n\r\n`, { waitMs: 800 });
  assert.ok(!statuses(out).includes(200), out.slice(0, 200));
  await healthy();
});

test('a URL over 4096 bytes is 414 also when the length is in the query string', async () => {
  const out = await raw(srv, `GET /api/v1/health?x=${'a'.repeat(5000)} HTTP/1.1\r\nHost: x\r\n\r\n`, { waitMs: 800 });
  assert.equal(statuses(out)[0], 414, `GET /api/v1/health?x=<5000 bytes>: ${out.split('\r\n')[0]}`);
});

test('keep-alive: several requests, including a POST with a body, on one connection', async () => {
  const body = '{"region_code":"329981","name":"长连接单位"}';
  const req1 = 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n';
  const bodyBytes = Buffer.from(body);
  const req2 = Buffer.concat([Buffer.from(`POST /api/v1/handlers HTTP/1.1\r\nHost: x\r\n${authHeaders()}Content-Length: ${bodyBytes.length}\r\n\r\n`), bodyBytes]);
  const req3 = `GET /api/v1/session HTTP/1.1\r\nHost: x\r\nCookie: ${admin.cookie}\r\n\r\n`;
  const out = await raw(srv, Buffer.concat([Buffer.from(req1), req2, Buffer.from(req3)]), { waitMs: 1500 });
  assert.deepEqual(statuses(out), [200, 201, 200]);
  assert.equal(await stored('长连接单位'), 1);
});

test('HTTP/1.0 and Connection: close end the connection after the answer', async () => {
  let r = await rawConn(srv, 'GET /api/v1/health HTTP/1.0\r\n\r\n', { waitMs: 3000 });
  assert.deepEqual(statuses(r.data), [200]);
  assert.equal(r.closed, true);
  r = await rawConn(srv, 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { waitMs: 3000 });
  assert.deepEqual(statuses(r.data), [200]);
  assert.equal(r.closed, true);
});

test('HEAD answers without a body', async () => {
  const r = await rawConn(srv, 'HEAD /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { waitMs: 3000 });
  assert.deepEqual(statuses(r.data), [200]);
  assert.ok(!r.data.includes('"status"'), r.data);
});

test('security headers on API answers', async () => {
  for (const r of [await api(srv, 'GET', '/api/v1/health'), await api(srv, 'GET', '/api/v1/session', { session: admin }),
    await api(srv, 'GET', '/api/v1/nope'), await api(srv, 'GET', '/api/v1/regions')]) {
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(r.headers.get('x-frame-options'), 'no X-Frame-Options');
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.match(r.headers.get('cache-control') || '', /no-store/);
  }
});

test('static files: the app page, unknown assets 404, no path traversal', async () => {
  const hasWeb = existsSync(webIndex);
  let r = await api(srv, 'GET', '/');
  if (hasWeb) {
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/html/);
    assert.match(r.text, /<html|<!doctype/i);
    assert.ok(r.headers.get('content-security-policy'), 'no CSP on the page');
    // client-side routes get the app page
    r = await api(srv, 'GET', '/handlers/12');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/html/);
  } else {
    expectError(r, 404, 'not_found');
  }
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  r = await api(srv, 'GET', '/assets/x.js');
  expectError(r, 404, 'not_found');
  assert.match(r.headers.get('content-type'), /^application\/json/);
  r = await api(srv, 'GET', '/favicon-nope.ico');
  expectError(r, 404, 'not_found');
  for (const p of ['/../../../../etc/passwd', '/assets/..%2f..%2f..%2f..%2fetc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/assets/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/..\\..\\etc\\passwd']) {
    const out = await raw(srv, `GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, { waitMs: 800 });
    assert.doesNotMatch(out, /root:.*:0:0:/, p);
  }
  r = await api(srv, 'POST', '/', { body: {} });
  assert.equal(r.status, 405);
});

test('half-sent requests and idle connections are closed after --timeout', async () => {
  const slow = await startServer({ extraArgs: ['--timeout', '2'] });
  try {
    const t = await rawConn(slow, 'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"username":', { waitMs: 8000 });
    assert.equal(t.closed, true, 'half-sent request not closed');
    assert.ok(t.ms >= 1500 && t.ms < 6000, `closed after ${t.ms} ms`);
    assert.ok(!statuses(t.data).includes(200), t.data);
    // headers never finished
    const h = await rawConn(slow, 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n', { waitMs: 8000 });
    assert.equal(h.closed, true, 'half-sent headers not closed');
    assert.ok(h.ms >= 1500 && h.ms < 6000, `closed after ${h.ms} ms`);
    // a connection that never sends anything
    const i = await rawConn(slow, '', { waitMs: 8000 });
    assert.equal(i.closed, true, 'idle connection not closed');
    assert.ok(i.ms < 6000, `closed after ${i.ms} ms`);
    expectStatus(await api(slow, 'GET', '/api/v1/health'), 200);
  } finally {
    const { code, sig } = await slow.stop();
    assert.equal(sig, null);
    assert.equal(code, 0);
  }
});

// ---- slow and odd clients (each bounded in time) ----

// A connection from a chosen loopback address; resolves once connected, with closed() telling
// whether the server has ended it.
function openFrom(s, localAddress, first = '') {
  const { hostname, port } = new URL(s.url);
  return new Promise((ok, fail) => {
    const sock = net.connect({ port: Number(port), host: hostname, localAddress });
    let closed = false, data = '';
    sock.on('data', (d) => { data += d; });
    sock.on('close', () => { closed = true; });
    sock.on('error', () => { closed = true; });
    sock.on('connect', () => { if (first) sock.write(first); ok({ sock, closed: () => closed, data: () => data }); });
    setTimeout(() => fail(new Error('no connection')), 3000);
  });
}
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

test('a request whose headers trickle in (one byte every 1.5 s) is cut after 10 s in all', async () => {
  const c = await openFrom(srv, '127.0.0.40');
  const req = 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(100);
  const t0 = Date.now();
  let i = 0;
  while (!c.closed() && Date.now() - t0 < 16000) {
    c.sock.write(req[i++]);
    await sleep(1500);
  }
  const ms = Date.now() - t0;
  c.sock.destroy();
  assert.ok(ms >= 9000 && ms < 14000, `trickling connection ${c.closed() ? 'cut' : 'still open'} after ${ms} ms`);
  assert.ok(!statuses(c.data()).includes(200), c.data());
  await healthy();
});

test('past 128 connections of one address waiting for headers, the oldest is cut; others are not', async () => {
  const partial = 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n';
  const conns = [];
  try {
    conns.push(await openFrom(srv, '127.0.0.41', partial));
    await sleep(100); // surely the oldest
    for (let i = 1; i < 128; i++) conns.push(await openFrom(srv, '127.0.0.41', partial));
    const other = await openFrom(srv, '127.0.0.42', partial);
    conns.push(other);
    await sleep(500);
    assert.equal(conns.filter((c) => c.closed()).length, 0, 'cut at or under the cap');
    conns.push(await openFrom(srv, '127.0.0.41', partial)); // the 129th
    const t0 = Date.now();
    while (!conns[0].closed() && Date.now() - t0 < 3000) await sleep(50);
    assert.equal(conns[0].closed(), true, 'the oldest waiting connection was not cut');
    assert.equal(conns.filter((c) => c.closed()).length, 1, 'more than the oldest was cut');
    assert.equal(other.closed(), false, 'another address lost its connection');
    // the address can still be served
    const r = await apiFrom(srv, '127.0.0.41', 'GET', '/api/v1/health');
    expectStatus(r, 200);
  } finally {
    for (const c of conns) c.sock.destroy();
  }
});

test('a query string of 460 parameters, and one of 2,040 one-letter parameters, under the URL limit is answered', async () => {
  for (const n of [460, 2040]) {
    const qs = n === 460 ? Array.from({ length: n }, (_, i) => `p${i}=1`).join('&') : Array(n).fill('a').join('&');
    assert.ok(qs.length + '/api/v1/health?'.length <= 4096, String(qs.length));
    const r = await rawConn(srv, `GET /api/v1/health?${qs} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, { waitMs: 3000 });
    assert.deepEqual(statuses(r.data), [200], `${n} parameters: ${r.data ? r.data.split('\r\n')[0] : 'no answer'} after ${r.ms} ms`);
  }
});

test('a header block over 32 KB is 431 at once', async () => {
  const r = await rawConn(srv, `GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(33 * 1024)}\r\n\r\n`, { waitMs: 3000 });
  assert.deepEqual(statuses(r.data), [431], r.data.slice(0, 200));
  assert.match(r.data, /"code":"headers_too_large"/);
});

test('Transfer-Encoding other than one "chunked" is 400 at once, and nothing is stored', async () => {
  const body = '{"region_code":"329981","name":"编码单位"}';
  for (const te of ['gzip', 'chunked, chunked', 'gzip, chunked', 'identity']) {
    const r = await rawConn(srv, `POST /api/v1/handlers HTTP/1.1\r\nHost: x\r\n${authHeaders()}Transfer-Encoding: ${te}\r\n\r\n`
      + `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`, { waitMs: 3000 });
    assert.equal(statuses(r.data)[0], 400, `${te}: ${r.data ? r.data.split('\r\n')[0] : 'no answer'} after ${r.ms} ms`);
    assert.ok(r.ms < 1500, `${te}: answered after ${r.ms} ms`);
    assert.match(r.data, /Transfer-Encoding/);
  }
  assert.equal(await stored('编码单位'), 0);
});

// ---- behind a reverse proxy ----

test('--trusted-proxy: X-Forwarded-For/-Proto believed only from the proxy; Secure cookie and HSTS only over https', async () => {
  const own = await startServer({ extraArgs: ['--trusted-proxy', '127.0.0.50', '--trusted-proxy', '10.9.0.0/16'] });
  try {
    const st = (await api(own, 'GET', '/api/v1/stations?region=329981101&kind=station', { session: await login(own, 'county') })).json.items[0];
    const body = { station_code: st.public_code, body: '松岭镇的路灯坏了好几盏，晚上出行很不方便。' };
    const post = (from, xff, extra = {}) => apiFrom(own, from, 'POST', '/api/v1/public/opinions',
      { body, headers: { ...(xff ? { 'X-Forwarded-For': xff } : {}), ...extra } });
    // an untrusted peer: its X-Forwarded-For is ignored, the limit (5) counts the peer
    for (let i = 0; i < 5; i++) expectStatus(await post('127.0.0.51', `198.51.100.${i + 1}`), 201);
    expectError(await post('127.0.0.51', '198.51.100.99'), 429, 'rate_limited');
    // the trusted proxy: each forwarded client counts apart; the proxy's own address does not
    for (let i = 0; i < 5; i++) expectStatus(await post('127.0.0.50', '203.0.113.1'), 201);
    expectError(await post('127.0.0.50', '203.0.113.1'), 429, 'rate_limited');
    // a client cannot choose its address by sending its own header: the right-most untrusted counts
    expectError(await post('127.0.0.50', '192.0.2.77, 203.0.113.1'), 429, 'rate_limited');
    expectError(await post('127.0.0.50', '203.0.113.1, 10.9.1.2'), 429, 'rate_limited');
    expectStatus(await post('127.0.0.50', '203.0.113.2'), 201);
    expectStatus(await post('127.0.0.50', '203.0.113.1, 203.0.113.3'), 201);

    // the audit records the forwarded client
    const auditor = await login(own, 'auditor');
    expectError(await apiFrom(own, '127.0.0.50', 'POST', '/api/v1/session',
      { body: { username: 'proxyghost', password: 'Wrong#2024z' }, headers: { 'X-Forwarded-For': '203.0.113.9' } }), 401, 'bad_credentials');
    expectError(await apiFrom(own, '127.0.0.51', 'POST', '/api/v1/session',
      { body: { username: 'proxyghost', password: 'Wrong#2024z' }, headers: { 'X-Forwarded-For': '203.0.113.10' } }), 401, 'bad_credentials');
    const a = await api(own, 'GET', '/api/v1/audit?actor=proxyghost&per_page=100', { session: auditor });
    expectStatus(a, 200);
    assert.deepEqual(a.json.items.map((e) => e.client_addr).sort(), ['127.0.0.51', '203.0.113.9']);

    // Secure and HSTS only when the client's connection is https, as the trusted proxy says
    const loginVia = (from, proto) => apiFrom(own, from, 'POST', '/api/v1/session',
      { body: { username: 'county', password: PASSWORD }, headers: proto ? { 'X-Forwarded-Proto': proto } : {} });
    let r = await loginVia('127.0.0.50', 'https');
    expectStatus(r, 200);
    assert.match(r.headers.get('set-cookie'), /; Secure/);
    assert.match(r.headers.get('strict-transport-security') || '', /max-age=\d{7,}/);
    r = await apiFrom(own, '127.0.0.50', 'GET', '/api/v1/health', { headers: { 'X-Forwarded-Proto': 'https' } });
    assert.ok(r.headers.get('strict-transport-security'), 'no HSTS on a plain answer over https');
    for (const [from, proto] of [['127.0.0.50', 'http'], ['127.0.0.50', null], ['127.0.0.51', 'https']]) {
      r = await loginVia(from, proto);
      expectStatus(r, 200);
      assert.doesNotMatch(r.headers.get('set-cookie'), /Secure/i, `${from} ${proto}`);
      assert.equal(r.headers.get('strict-transport-security'), null, `${from} ${proto}`);
    }
  } finally {
    await own.stop();
  }
});

test('--trusted-proxy refuses what is not an address or a network', async () => {
  for (const bad of ['proxy.example', '10.0.0.0/33', '10.0.0.1,', '::1/129']) {
    assert.throws(() => renda(['serve', '--db', 'sqlite:/nonexistent/x.db', '--trusted-proxy', bad, '--listen', '127.0.0.1:0']),
      (e) => /受信任的代理/.test(String(e.stderr)), bad);
  }
});

test('SIGTERM: the server stops promptly with exit code 0, even with an idle keep-alive connection', async () => {
  const s = srv;
  const open = rawConn(s, 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n', { waitMs: 15000 });
  await new Promise((ok) => setTimeout(ok, 300));
  const t0 = Date.now();
  srv = null;
  const { code, sig } = await s.stop();
  assert.equal(sig, null, 'killed by a signal instead of exiting');
  assert.equal(code, 0);
  assert.ok(Date.now() - t0 < 5000, `stop took ${Date.now() - t0} ms`);
  const r = await open;
  assert.deepEqual(statuses(r.data), [200]);
  assert.equal(r.closed, true);
});
