// The outbox: a reply to a citizen who left a phone is queued and delivered to the notification
// gateway (a webhook) by the background jobs; a gateway that fails is retried with backoff, and
// nothing is lost.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, api, login, expectStatus } from './lib.mjs';

let srv, hook, received = [], failures = 1;
before(async () => {
  hook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      received.push({ body, at: Date.now(), failed: failures > 0 });
      if (failures-- > 0) { res.writeHead(500); res.end('down'); return; }
      res.writeHead(200); res.end('ok');
    });
  });
  await new Promise((ok) => hook.listen(0, '127.0.0.1', ok));
  srv = await startServer({ extraArgs: ['--notify-webhook', `http://127.0.0.1:${hook.address().port}/sms`,
    '--jobs-interval', '1', '--retry-base', '1'] });
});
after(async () => { await srv.stop(); hook.close(); });

test('a reply reaches the citizen through the gateway, after a failed first attempt', async () => {
  const county = await login(srv, 'county');
  const handler = await login(srv, 'handler');
  const st = (await api(srv, 'GET', '/api/v1/stations?region=329981101&kind=station', { session: county })).json.items[0];
  let r = await api(srv, 'POST', '/api/v1/public/opinions', { body: {
    station_code: st.public_code, body: '网关测试：村口的桥栏杆松动了，孩子上学路过很危险。', phone: '13955550123', consent: true } });
  expectStatus(r, 201);
  const code = r.json.tracking_code;
  r = await api(srv, 'GET', '/api/v1/opinions?q=' + encodeURIComponent('栏杆'), { session: county });
  const id = r.json.items.find((o) => o.tracking_code === code).id;
  const step = async (s, body) => expectStatus(await api(srv, 'POST', `/api/v1/opinions/${id}/actions`, { session: s, body }), 200);
  await step(county, { action: 'assign', handler_id: handler.user.handler_id });
  await step(handler, { action: 'accept' });
  assert.equal(received.length, 0, 'nothing is sent before the reply');
  await step(handler, { action: 'reply', reply: '已加固桥梁栏杆。' });
  const deadline = Date.now() + 15000;
  while (received.filter((x) => !x.failed).length === 0 && Date.now() < deadline)
    await new Promise((ok) => setTimeout(ok, 200));
  assert.ok(received.length >= 2, `the gateway was tried ${received.length} times`);
  assert.equal(received[0].failed, true);
  const sent = JSON.parse(received.find((x) => !x.failed).body);
  assert.equal(sent.kind, 'sms');
  assert.equal(sent.to, '13955550123');
  assert.equal(sent.tracking_code, code);
  assert.match(sent.text, new RegExp(code));
  assert.ok(!('phone_sealed' in sent));
  // delivered once: no further posts for it
  const n = received.length;
  await new Promise((ok) => setTimeout(ok, 2500));
  assert.equal(received.length, n);
});
