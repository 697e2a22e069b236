// Citizens' opinions, the public side (api.md "Citizens' opinions" · Public, DOMAIN §3 and §17):
// the form without login (station QR code or region), strict input with the field named and
// nothing stored, photos checked by their magic bytes and served to staff, personal data only
// with consent and masked to those who do not manage opinions, tracking by code with the phone's
// last four digits or the secret (every mismatch the same 404), rating only after a reply, and
// the per-address rate limits (in a server of their own).
// Each submission here comes from its own loopback address (apiFrom), so that the limit of five
// per address is met only where it is tested.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, api, apiFrom, login, expectError, expectStatus } from './lib.mjs';

let srv, county, station, deputy;
let demo; // the 代表联络站 of 329981101
let addr = 10;
const fresh = () => `127.0.0.${addr++}`; // a new source address
const submit = (body, from = fresh()) => apiFrom(srv, from, 'POST', '/api/v1/public/opinions', { body });
const track = (code, qs, from = fresh()) => apiFrom(srv, from, 'GET', `/api/v1/public/opinions/${code}?${qs}`);
const rate = (code, body, from = fresh()) => apiFrom(srv, from, 'POST', `/api/v1/public/opinions/${code}/rating`, { body });
const q = (s) => encodeURIComponent(s);
const inbox = async (word, s = county) => {
  const r = await api(srv, 'GET', '/api/v1/opinions?per_page=100&q=' + q(word), { session: s });
  expectStatus(r, 200);
  return r.json;
};

before(async () => {
  srv = await startServer();
  [county, station, deputy] = await Promise.all(['county', 'station', 'deputy'].map((u) => login(srv, u)));
  const r = await api(srv, 'GET', '/api/v1/stations?region=329981101&kind=station', { session: county });
  expectStatus(r, 200);
  demo = r.json.items[0];
});
after(async () => { await srv.stop(); });

// ---- tiny but well-formed images ----
const CRC = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return (buf) => { let c = 0xffffffff; for (const b of buf) c = t[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
})();
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(CRC(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
// a 1×1 grey PNG
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0])),
  chunk('IDAT', Buffer.from([0x78, 0x9c, 0x63, 0x68, 0x00, 0x00, 0x00, 0x82, 0x00, 0x81])),
  chunk('IEND', Buffer.alloc(0))]);
// the start of a JFIF file and its end marker: enough for a magic-byte check
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
  0x00, 0x01, 0x00, 0x00, 0xff, 0xd9]);
const b64 = (b) => Buffer.from(b).toString('base64');

async function photo(id, n, s = county) {
  const res = await fetch(`${srv.url}/api/v1/opinions/${id}/photos/${n}`, { headers: { Cookie: s.cookie } });
  return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

const PUBLIC_KEYS = ['tracking_code', 'state', 'state_name', 'category_name', 'body', 'reply', 'replied_at', 'rating',
  'reason', 'handler_name', 'created_at', 'can_rate', 'events'].sort();
const CODE = /^[0-9A-Z]{12}$/;

test('categories are public', async () => {
  const r = await apiFrom(srv, fresh(), 'GET', '/api/v1/public/categories');
  expectStatus(r, 200);
  assert.ok(r.json.items.length >= 10);
  for (const c of r.json.items) assert.deepEqual(Object.keys(c).sort(), ['id', 'name']);
  assert.ok(r.json.items.some((c) => c.name === '市政设施'));
});

test('submit from a station QR code: 201 with a tracking code and a secret; photos for staff', async () => {
  const cats = (await apiFrom(srv, fresh(), 'GET', '/api/v1/public/categories')).json.items;
  const cat = cats.find((c) => c.name === '市政设施');
  const t0 = Math.floor(Date.now() / 1000) - 2;
  const r = await submit({ station_code: demo.public_code, category_id: cat.id, body: '松岭镇枇杷巷的下水道井盖缺失，夜里有人踩空摔伤，请尽快补上井盖。',
    place: '松岭镇枇杷巷', name: '张三丰', phone: '13912345678', consent: true, photos: [b64(PNG)] });
  expectStatus(r, 201);
  assert.deepEqual(Object.keys(r.json).sort(), ['close_after_days', 'reply_days', 'secret', 'state', 'state_name', 'tracking_code']);
  assert.match(r.json.tracking_code, CODE);
  assert.equal(typeof r.json.secret, 'string');
  assert.ok(r.json.secret.length >= 16, r.json.secret);
  assert.equal(r.json.state, 'received');
  assert.equal(r.json.state_name, '已受理');
  // staff who manage opinions see it whole
  const j = await inbox('枇杷');
  assert.equal(j.total, 1);
  const o = j.items[0];
  assert.equal(o.tracking_code, r.json.tracking_code);
  assert.equal(o.region_code, '329981101');
  assert.equal(o.station_id, demo.id);
  assert.equal(o.station_name, demo.name);
  assert.equal(o.channel, 'qr');
  assert.equal(o.category_id, cat.id);
  assert.equal(o.category_name, '市政设施');
  assert.equal(o.place, '松岭镇枇杷巷');
  assert.equal(o.state, 'received');
  assert.equal(o.citizen_name, '张三丰');
  assert.equal(o.citizen_phone, '13912345678');
  assert.equal(o.photo_count, 1);
  assert.equal(o.handler_id, null);
  assert.equal(o.due, null);
  assert.ok(o.created_at >= t0, `created_at ${o.created_at}`);
  let p = await photo(o.id, 1);
  assert.equal(p.status, 200);
  assert.match(p.type, /^image\/png/);
  assert.deepEqual(p.bytes, PNG);
  assert.equal((await photo(o.id, 2)).status, 404);
  // station staff and deputies read it, masked
  for (const s of [station, deputy]) {
    const m = await api(srv, 'GET', `/api/v1/opinions/${o.id}`, { session: s });
    expectStatus(m, 200);
    assert.equal(m.json.opinion.citizen_name, '张**');
    assert.equal(m.json.opinion.citizen_phone, '139****5678');
    assert.ok(!m.text.includes('13912345678') && !m.text.includes('三丰'), m.text);
  }
  // photos are not public
  assert.equal((await fetch(`${srv.url}/api/v1/opinions/${o.id}/photos/1`)).status, 401);
});

test('submit by region: channel web, no station; a JPEG and a PNG in order', async () => {
  const r = await submit({ region_code: '329981101', body: '松岭镇芭蕉湾的垃圾桶已经满溢三天，没有人清运，气味很大。', photos: [b64(JPEG), b64(PNG)] });
  expectStatus(r, 201);
  assert.match(r.json.tracking_code, CODE);
  const o = (await inbox('芭蕉')).items[0];
  assert.equal(o.tracking_code, r.json.tracking_code);
  assert.equal(o.channel, 'web');
  assert.equal(o.station_id, null);
  assert.equal(o.region_code, '329981101');
  assert.equal(o.citizen_name, null);
  assert.equal(o.citizen_phone, null);
  assert.equal(o.category_id, null);
  assert.equal(o.photo_count, 2);
  const p1 = await photo(o.id, 1);
  assert.equal(p1.status, 200);
  assert.match(p1.type, /^image\/jpeg/);
  assert.deepEqual(p1.bytes, JPEG);
  const p2 = await photo(o.id, 2);
  assert.match(p2.type, /^image\/png/);
  assert.deepEqual(p2.bytes, PNG);
  assert.equal((await photo(o.id, 3)).status, 404);
  assert.equal((await photo(o.id, 0)).status, 404);
});

test('bad input: 400 naming the field, and nothing is stored', async () => {
  const word = '蜻蜓';
  const ok = { station_code: demo.public_code, body: `松岭镇${word}池塘边的护栏断了，孩子们在附近玩耍很危险。` };
  const cases = [
    ['body too short', { ...ok, body: `${word}坏了` }, 'body'],
    ['body blank', { ...ok, body: '          ' }, 'body'],
    ['body too long', { ...ok, body: word + '很'.repeat(4999) }, 'body', 'too_long'],
    ['no body', { station_code: demo.public_code }, 'body', 'missing_field'],
    ['unknown station code', { ...ok, station_code: 'ffffffffffffffff' }, 'station_code'],
    ['unknown region', { body: ok.body, region_code: '329981199' }, 'region_code'],
    ['neither station nor region', { body: ok.body }, null],
    ['phone of 10 digits', { ...ok, phone: '1391234567', consent: true }, 'phone'],
    ['phone of 12 digits', { ...ok, phone: '139123456789', consent: true }, 'phone'],
    ['phone with letters', { ...ok, phone: '1391234567a', consent: true }, 'phone'],
    ['name without consent', { ...ok, name: '李四' }, 'consent', 'consent_required'],
    ['phone without consent', { ...ok, phone: '13912345678' }, 'consent', 'consent_required'],
    ['consent false', { ...ok, name: '李四', phone: '13912345678', consent: false }, 'consent', 'consent_required'],
    ['a photo that is text', { ...ok, photos: [b64('hello')] }, 'photos'],
    ['a photo that is not base64', { ...ok, photos: ['%%%%not base64%%%%'] }, 'photos'],
    ['a GIF', { ...ok, photos: [b64('GIF89a\x01\x00\x01\x00\x00\x00\x00;')] }, 'photos'],
    ['a good photo and a bad one', { ...ok, photos: [b64(PNG), b64('hello')] }, 'photos'],
    ['four photos', { ...ok, photos: [b64(PNG), b64(PNG), b64(JPEG), b64(PNG)] }, 'photos'],
    ['an unknown category', { ...ok, category_id: 999999 }, 'category_id'],
    ['an unknown field', { ...ok, nickname: '小李' }, 'nickname', 'unknown_field'],
    ['a staff-only field', { ...ok, channel: 'visit' }, null, 'unknown_field'],
    ['body of the wrong type', { ...ok, body: 12345678 }, 'body', 'wrong_type'],
  ];
  for (const [what, body, field, code] of cases) {
    const r = await submit(body);
    assert.equal(r.status, 400, `${what}: ${r.status} ${r.text}`);
    assert.ok(r.json && r.json.error && r.json.error.code && r.json.error.message, `${what}: ${r.text}`);
    if (code) assert.equal(r.json.error.code, code, `${what}: ${r.text}`);
    if (field) assert.equal(r.json.error.field, field, `${what}: ${r.text}`);
    assert.ok(!('tracking_code' in r.json), what);
  }
  assert.equal((await inbox(word)).total, 0);
  // the same body, valid, is stored: the search would have found the bad ones
  expectStatus(await submit(ok), 201);
  assert.equal((await inbox(word)).total, 1);
});

test('tracking: the phone digits or the secret; every mismatch is the same 404', async () => {
  const r = await submit({ station_code: demo.public_code, body: '松岭镇葫芦村的自来水浑浊发黄，已经持续一周，村民不敢饮用。',
    name: '王小二', phone: '13800135678', consent: true });
  expectStatus(r, 201);
  const { tracking_code: code, secret } = r.json;
  let t = await track(code, 'phone4=5678');
  expectStatus(t, 200);
  const v = t.json.opinion;
  assert.deepEqual(Object.keys(v).sort(), PUBLIC_KEYS);
  assert.equal(v.tracking_code, code);
  assert.equal(v.state, 'received');
  assert.equal(v.state_name, '已受理');
  assert.equal(v.can_rate, false);
  assert.equal(v.reply, null);
  assert.equal(v.handler_name, null);
  assert.match(v.body, /葫芦村/);
  assert.equal(v.events.length, 1);
  assert.deepEqual(Object.keys(v.events[0]).sort(), ['action', 'at', 'state_name']);
  assert.equal(v.events[0].state_name, '已受理');
  // no personal data in the public view
  assert.ok(!/phone|citizen|name"\s*:\s*"王/.test(Object.keys(v).join(' ')));
  assert.ok(!t.text.includes('13800135678') && !t.text.includes('王小二') && !t.text.includes('5678'), t.text);
  t = await track(code, 'secret=' + secret);
  expectStatus(t, 200);
  assert.equal(t.json.opinion.tracking_code, code);

  const wrong = [
    [code, 'phone4=1234'],
    [code, 'phone4=678'],
    [code, 'phone4=35678'],
    [code, ''],
    [code, 'secret=' + 'a'.repeat(48)],
    [code, 'secret=' + secret.slice(0, -1)],
    [code.slice(0, 11) + (code[11] === 'A' ? 'B' : 'A'), 'phone4=5678'],
    [code.slice(0, 11) + (code[11] === 'A' ? 'B' : 'A'), 'secret=' + secret],
    ['000000AAAAAA', 'phone4=5678'],
    ['nope', 'phone4=5678'],
    [code.toLowerCase(), 'phone4=5678'],
  ];
  const texts = new Set();
  for (const [c, qs] of wrong) {
    const w = await track(c, qs);
    expectError(w, 404, 'not_found');
    texts.add(w.text);
  }
  assert.equal(texts.size, 1, [...texts].join('\n'));

  // without a phone only the secret proves it
  const n = await submit({ region_code: '329981101', body: '松岭镇葫芦村小学门口的减速带被压坏了，车辆开得很快。' });
  expectStatus(n, 201);
  expectError(await track(n.json.tracking_code, 'phone4=0000'), 404, 'not_found');
  expectStatus(await track(n.json.tracking_code, 'secret=' + n.json.secret), 200);
  // one opinion's secret does not open another
  expectError(await track(n.json.tracking_code, 'secret=' + secret), 404, 'not_found');
});

test('rating before a reply is 409 bad_state; a wrong proof 404; a bad rating 400', async () => {
  const r = await submit({ station_code: demo.public_code, body: '松岭镇核桃坡的村道塌方了一段，摩托车过不去，请派人修一修。',
    phone: '13600001111', consent: true });
  expectStatus(r, 201);
  const code = r.json.tracking_code;
  let x = await rate(code, { phone4: '1111', rating: 'satisfied' });
  expectError(x, 409, 'bad_state');
  assert.match(x.json.error.message, /已受理/);
  x = await rate(code, { secret: r.json.secret, rating: 'unsatisfied' });
  expectError(x, 409, 'bad_state');
  expectError(await rate(code, { phone4: '2222', rating: 'satisfied' }), 404, 'not_found');
  expectError(await rate('000000AAAAAA', { phone4: '1111', rating: 'satisfied' }), 404, 'not_found');
  x = await rate(code, { phone4: '1111', rating: 'great' });
  assert.equal(x.status, 400, x.text);
  assert.equal(x.json.error.field, 'rating');
  expectError(await rate(code, { phone4: '1111', rating: 'satisfied', stars: 5 }), 400, 'unknown_field');
  const t = await track(code, 'phone4=1111');
  assert.equal(t.json.opinion.state, 'received');
  assert.equal(t.json.opinion.rating, null);
});

// Runs one SQL statement on the server's database (to let a wait pass without waiting).
const sql = (s, stmt) => (s.db.url.startsWith('sqlite:')
  ? execFileSync('sqlite3', [s.db.url.slice(7), stmt]) : execFileSync('psql', [s.db.url, '-q', '-c', stmt])).toString();

test('wrong phone digits are limited per tracking code in the database: 4 then the right ones work, 5 and the code waits 15 minutes, the same for a code that names nothing', async () => {
  const LIMIT = 5; // LIMIT_LOOKUP_FAILURES
  const r = await submit({ station_code: demo.public_code, body: '松岭镇青石村的排水沟堵了，下雨天积水漫到路上。',
    phone: '13900004321', consent: true });
  expectStatus(r, 201);
  const { tracking_code: code, secret } = r.json;
  // n-1 failures (each from another address: the per-address limit is not what stops them)
  for (let i = 0; i < LIMIT - 1; i++) expectError(await track(code, `phone4=${1000 + i}`), 404, 'not_found');
  expectStatus(await track(code, 'phone4=4321'), 200);
  // the n-th failure is still the plain 404; after it even the right digits wait
  expectError(await track(code, 'phone4=9999'), 404, 'not_found');
  const locked = await track(code, 'phone4=4321');
  expectError(locked, 429, 'rate_limited');
  assert.match(locked.json.error.message, /15分钟/);
  expectError(await rate(code, { phone4: '4321', rating: 'satisfied' }), 429, 'rate_limited');
  // the secret cannot be guessed and still opens it
  expectStatus(await track(code, 'secret=' + secret), 200);
  // a code that names no opinion answers alike, failure for failure
  const ghost = code.slice(0, 6) + (code.slice(6) === 'ZZZZZZ' ? 'YYYYYY' : 'ZZZZZZ');
  for (let i = 0; i < LIMIT; i++) expectError(await track(ghost, `phone4=${2000 + i}`), 404, 'not_found');
  const ghostLocked = await track(ghost, 'phone4=4321');
  expectError(ghostLocked, 429, 'rate_limited');
  assert.equal(ghostLocked.text, locked.text);
  // when the wait has passed the right digits work again
  sql(srv, `UPDATE rate_counts SET window_start = window_start - ${15 * 60} WHERE kind = 'lookup_failure' AND subject = '${code}'`);
  expectStatus(await track(code, 'phone4=4321'), 200);
  expectError(await track(ghost, 'phone4=4321'), 429, 'rate_limited');
});

test('the per-code count is shared by every server of the database', async () => {
  const r = await submit({ station_code: demo.public_code, body: '松岭镇白杨村的公交站牌被风刮倒了，请尽快修复。',
    phone: '13900008765', consent: true });
  expectStatus(r, 201);
  const code = r.json.tracking_code;
  const other = await startServer({ dbUrl: srv.db.url, demo: false });
  try {
    const from = (s) => apiFrom(s, fresh(), 'GET', `/api/v1/public/opinions/${code}?phone4=0000`);
    for (const s of [srv, other, srv, other]) expectError(await from(s), 404, 'not_found');
    expectStatus(await apiFrom(other, fresh(), 'GET', `/api/v1/public/opinions/${code}?phone4=8765`), 200);
    expectError(await from(srv), 404, 'not_found');
    expectError(await apiFrom(other, fresh(), 'GET', `/api/v1/public/opinions/${code}?phone4=8765`), 429, 'rate_limited');
    expectError(await apiFrom(srv, fresh(), 'GET', `/api/v1/public/opinions/${code}?phone4=8765`), 429, 'rate_limited');
  } finally {
    await other.stop();
  }
});

test('rate limits per address: the 6th submission and the 31st look-up get 429 (own server)', async () => {
  const own = await startServer();
  try {
    const staff = await login(own, 'county');
    const st = (await api(own, 'GET', '/api/v1/stations?region=329981101&kind=station', { session: staff })).json.items[0];
    const word = '蝴蝶';
    const body = { station_code: st.public_code, body: `松岭镇${word}谷的路边杂草丛生，挡住了行车视线。` };
    let first;
    for (let i = 0; i < 5; i++) {
      const r = await api(own, 'POST', '/api/v1/public/opinions', { body });
      expectStatus(r, 201);
      first = first || r.json;
    }
    let r = await api(own, 'POST', '/api/v1/public/opinions', { body });
    expectError(r, 429, 'rate_limited');
    r = await api(own, 'POST', '/api/v1/public/opinions', { body });
    expectError(r, 429, 'rate_limited');
    const j = await api(own, 'GET', '/api/v1/opinions?q=' + q(word), { session: staff });
    assert.equal(j.json.total, 5);
    // another address is not limited
    r = await apiFrom(own, '127.0.0.2', 'POST', '/api/v1/public/opinions', { body });
    expectStatus(r, 201);
    // staff registration is not the public form
    r = await api(own, 'POST', '/api/v1/opinions', { session: staff, body: { ...body, channel: 'visit' } });
    expectStatus(r, 201);
    // look-ups: 30 in the window, then 429, whatever the proof
    for (let i = 0; i < 30; i++) {
      const t = await api(own, 'GET', `/api/v1/public/opinions/${first.tracking_code}?secret=${first.secret}`);
      expectStatus(t, 200);
    }
    r = await api(own, 'GET', `/api/v1/public/opinions/${first.tracking_code}?secret=${first.secret}`);
    expectError(r, 429, 'rate_limited');
    r = await api(own, 'POST', `/api/v1/public/opinions/${first.tracking_code}/rating`, { body: { secret: first.secret, rating: 'satisfied' } });
    expectError(r, 429, 'rate_limited');
    expectStatus(await apiFrom(own, '127.0.0.2', 'GET', `/api/v1/public/opinions/${first.tracking_code}?secret=${first.secret}`), 200);
  } finally {
    await own.stop();
  }
});

test('the per-address limits are shared by every server of the database: 5 submissions and 30 look-ups across two, then 429 on both', async () => {
  const SUBMITS = 5, LOOKUPS = 30; // LIMIT_PUBLIC_SUBMITS, LIMIT_PUBLIC_LOOKUPS
  const other = await startServer({ dbUrl: srv.db.url, demo: false });
  try {
    const from = fresh();
    const word = '萤火虫';
    const body = { station_code: demo.public_code, body: `松岭镇${word}湾的路灯全坏了，晚上一片漆黑。` };
    const servers = [srv, other];
    let first;
    // n-1 accepted, alternating between the servers; the n-th accepted too
    for (let i = 0; i < SUBMITS; i++) {
      const r = await apiFrom(servers[i % 2], from, 'POST', '/api/v1/public/opinions', { body });
      expectStatus(r, 201);
      first = first || r.json;
    }
    // the n+1-th is refused on either server, and nothing of it is stored
    expectError(await apiFrom(other, from, 'POST', '/api/v1/public/opinions', { body }), 429, 'rate_limited');
    expectError(await apiFrom(srv, from, 'POST', '/api/v1/public/opinions', { body }), 429, 'rate_limited');
    assert.equal((await inbox(word)).total, SUBMITS);
    // another address is not limited
    expectStatus(await apiFrom(other, fresh(), 'POST', '/api/v1/public/opinions', { body }), 201);
    // look-ups: 30 across the two servers, then 429 on both
    const look = (s) => apiFrom(s, from, 'GET', `/api/v1/public/opinions/${first.tracking_code}?secret=${first.secret}`);
    for (let i = 0; i < LOOKUPS; i++) expectStatus(await look(servers[i % 2]), 200);
    expectError(await look(srv), 429, 'rate_limited');
    expectError(await look(other), 429, 'rate_limited');
  } finally {
    await other.stop();
  }
});
