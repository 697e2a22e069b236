import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, raw } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

test('health answers ok as JSON', async () => {
  const r = await api(srv, 'GET', '/api/v1/health');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { status: 'ok' });
  assert.match(r.headers.get('content-type'), /^application\/json/);
});

test('unknown API path is a JSON 404 with a Chinese message', async () => {
  const r = await api(srv, 'GET', '/api/v1/nope');
  assert.equal(r.status, 404);
  assert.equal(r.json.error.code, 'not_found');
  assert.match(r.json.error.message, /[\u4e00-\u9fff]/);
});

test('login, whoami, logout', async () => {
  const s = await login(srv, 'admin');
  assert.equal(s.user.role, 'sysadmin');
  let r = await api(srv, 'GET', '/api/v1/session', { session: s });
  assert.equal(r.status, 200);
  assert.equal(r.json.user.username, 'admin');
  r = await api(srv, 'DELETE', '/api/v1/session', { session: s });
  assert.equal(r.status, 204);
  r = await api(srv, 'GET', '/api/v1/session', { session: s });
  assert.equal(r.status, 401);
});

test('keep-alive: two requests on one connection', async () => {
  const req = 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n';
  const out = await raw(srv, req + req, { waitMs: 500 });
  assert.equal(out.match(/HTTP\/1.1 200/g).length, 2);
});
