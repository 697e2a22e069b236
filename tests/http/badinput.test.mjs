// Strict input: every malformed body or query is a 400 with its error code, and nothing is
// stored (checked by listing afterwards).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, expectError, expectStatus } from './lib.mjs';

let srv, admin, auditor, target;
before(async () => {
  srv = await startServer();
  [admin, auditor] = await Promise.all([login(srv, 'admin'), login(srv, 'auditor')]);
  const r = await api(srv, 'GET', '/api/v1/handlers?region=329981&per_page=1', { session: admin });
  target = r.json.items[0];
});
after(async () => { await srv.stop(); });

const post = (body, headers) => api(srv, 'POST', '/api/v1/handlers', { session: admin, body, headers });
async function stored(marker) {
  const r = await api(srv, 'GET', '/api/v1/handlers?per_page=100&q=' + encodeURIComponent(marker), { session: admin });
  expectStatus(r, 200);
  return r.json.total;
}
async function auditCount() {
  const r = await api(srv, 'GET', '/api/v1/audit?object_type=handler&outcome=done&per_page=1', { session: auditor });
  return r.json.total;
}
async function targetUnchanged() {
  const r = await api(srv, 'GET', `/api/v1/handlers/${target.id}`, { session: admin });
  assert.deepEqual(r.json.handler, target);
}

test('malformed JSON is 400 bad_json', async () => {
  for (const body of ['{"region_code":"329981","name":"坏JSON一"', '{region_code:"329981",name:"坏JSON二"}',
    "{'region_code':'329981','name':'坏JSON三'}", '{"region_code":"329981","name":"坏JSON四"} x',
    '{"region_code":"329981","name":"坏JSON五",}', '']) {
    const r = await post(body);
    try { expectError(r, 400, 'bad_json'); } catch (e) { throw new Error(`${JSON.stringify(body)}: ${e.message}`); }
  }
  assert.equal(await stored('坏JSON'), 0);
});

test('a JSON array or scalar instead of an object is 400 bad_json', async () => {
  for (const body of ['[{"region_code":"329981","name":"数组单位"}]', '"数组单位"', '42', 'null', 'true']) {
    const r = await post(body);
    try { expectError(r, 400, 'bad_json'); } catch (e) { throw new Error(`${body}: ${e.message}`); }
  }
  assert.equal(await stored('数组单位'), 0);
});

test('wrong types are 400 wrong_type', async () => {
  const cases = [
    { region_code: '329981', name: 12345 },
    { region_code: 329981, name: '类型单位一' },
    { region_code: '329981', name: ['类型单位二'] },
    { region_code: '329981', name: { zh: '类型单位三' } },
    { region_code: '329981', name: true },
    { region_code: '329981', name: '类型单位四', phone: 88888888 },
  ];
  for (const body of cases) {
    const r = await post(body);
    try { expectError(r, 400, 'wrong_type'); } catch (e) { throw new Error(`${JSON.stringify(body)}: ${e.message}`); }
    assert.ok(r.json.error.field, 'no field named');
  }
  let r = await api(srv, 'PATCH', `/api/v1/handlers/${target.id}`, { session: admin, body: { active: 'false' } });
  expectError(r, 400, 'wrong_type');
  r = await api(srv, 'PATCH', `/api/v1/handlers/${target.id}`, { session: admin, body: { active: 0 } });
  expectError(r, 400, 'wrong_type');
  assert.equal(await stored('类型单位'), 0);
  assert.equal(await stored('12345'), 0);
  await targetUnchanged();
});

test('unknown fields are 400 unknown_field naming the field', async () => {
  let r = await post({ region_code: '329981', name: '未知字段单位', id: 1 });
  expectError(r, 400, 'unknown_field');
  assert.equal(r.json.error.field, 'id');
  r = await post({ region_code: '329981', name: '未知字段单位', Name: 'x' });
  expectError(r, 400, 'unknown_field');
  r = await api(srv, 'PATCH', `/api/v1/handlers/${target.id}`, { session: admin, body: { name: '未知字段单位', created_at: 0 } });
  expectError(r, 400, 'unknown_field');
  assert.equal(await stored('未知字段单位'), 0);
  await targetUnchanged();
});

test('names are limited to 64 characters (not bytes): 65 is too_long', async () => {
  const before = await auditCount();
  let r = await post({ region_code: '329981', name: '长'.repeat(65) });
  expectError(r, 400, 'too_long');
  assert.equal(r.json.error.field, 'name');
  r = await post({ region_code: '329981', name: 'a'.repeat(65) });
  expectError(r, 400, 'too_long');
  r = await api(srv, 'PATCH', `/api/v1/handlers/${target.id}`, { session: admin, body: { name: '长'.repeat(65) } });
  expectError(r, 400, 'too_long');
  r = await post({ region_code: '329981', name: '长长单位', phone: '1'.repeat(21) });
  expectError(r, 400, 'too_long');
  assert.equal(await stored('长长'), 0);
  assert.equal(await auditCount(), before);
  await targetUnchanged();
  // 64 characters of three bytes each are fine
  r = await post({ region_code: '329981', name: '界'.repeat(64) });
  expectStatus(r, 201);
  assert.equal(r.json.handler.name, '界'.repeat(64));
});

test('invalid UTF-8 in the body is 400 bad_encoding', async () => {
  const head = Buffer.from('{"region_code":"329981","name":"坏编码');
  const tail = Buffer.from('单位"}');
  for (const bad of [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe5, 0x9d], [0xf8, 0x88, 0x80, 0x80, 0x80]]) {
    const r = await post(new Uint8Array(Buffer.concat([head, Buffer.from(bad), tail])));
    try { expectError(r, 400, 'bad_encoding'); } catch (e) { throw new Error(`bytes ${bad.map((b) => b.toString(16))}: ${e.message}`); }
  }
  assert.equal(await stored('坏编码'), 0);
});

test('invalid UTF-8 or over-long text in a query is 400 bad_param', async () => {
  expectError(await api(srv, 'GET', '/api/v1/handlers?q=%ff', { session: admin }), 400, 'bad_param');
  expectError(await api(srv, 'GET', '/api/v1/handlers?q=' + '%e9%95%bf'.repeat(65), { session: admin }), 400, 'bad_param');
  expectStatus(await api(srv, 'GET', '/api/v1/handlers?q=' + '%e9%95%bf'.repeat(64), { session: admin }), 200);
});

test('NUL characters in strings are refused with 400', async () => {
  let r = await post('{"region_code":"329981","name":"零字符\\u0000单位"}');
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, 'bad_json');
  r = await post('{"region_code":"329981","name":"零字符单位","contact_person":"a\\u0000b"}');
  assert.equal(r.status, 400, r.text);
  r = await post(new Uint8Array(Buffer.from('{"region_code":"329981","name":"零字符\u0000单位"}')));
  assert.equal(r.status, 400, r.text);
  assert.equal(await stored('零字符'), 0);
});

test('lone surrogate escapes are refused with 400', async () => {
  const r = await post('{"region_code":"329981","name":"代理项\\ud800单位"}');
  assert.equal(r.status, 400, r.text);
  assert.equal(await stored('代理项'), 0);
});

test('duplicate keys are 400 duplicate_key', async () => {
  let r = await post('{"region_code":"329981","name":"重复键甲","name":"重复键乙"}');
  expectError(r, 400, 'duplicate_key');
  r = await api(srv, 'PATCH', `/api/v1/handlers/${target.id}`, { session: admin, body: '{"active":true,"active":false}' });
  expectError(r, 400, 'duplicate_key');
  assert.equal(await stored('重复键'), 0);
  await targetUnchanged();
});

test('too deep nesting is refused with 400', async () => {
  const deep = '['.repeat(40) + ']'.repeat(40);
  const r = await post(`{"region_code":"329981","name":"嵌套单位","phone":${deep}}`);
  assert.equal(r.status, 400, r.text);
  assert.equal(await stored('嵌套单位'), 0);
});

test('missing or wrong Content-Type is 400 bad_content_type; a charset parameter is fine', async () => {
  const body = JSON.stringify({ region_code: '329981', name: '类型头单位' });
  // fetch sends text/plain for a string body; a byte body goes without any Content-Type
  let r = await fetch(srv.url + '/api/v1/handlers', { method: 'POST', body: new Uint8Array(Buffer.from(body)),
    headers: { Cookie: admin.cookie, 'X-CSRF-Token': admin.csrf } });
  const j = await r.json();
  assert.equal(r.status, 400);
  assert.equal(j.error.code, 'bad_content_type');
  r = await post(JSON.stringify({ region_code: '329981', name: '字符集单位' }), { 'Content-Type': 'application/json; charset=utf-8' });
  expectStatus(r, 201);
  const wrong = [];
  for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
    'application/jsonp', 'application/json-seq']) {
    r = await post(JSON.stringify({ region_code: '329981', name: '类型头单位' + ct }), { 'Content-Type': ct });
    try { expectError(r, 400, 'bad_content_type'); } catch (e) { wrong.push(`${ct}: ${e.message}`); }
  }
  assert.deepEqual(wrong, []);
  assert.equal(await stored('类型头单位'), 0);
});

test('missing, null and blank required fields are 400 missing_field', async () => {
  for (const body of [{ region_code: '329981' }, { region_code: '329981', name: null }, { region_code: '329981', name: '' },
    { region_code: '329981', name: ' \t ' }, {}]) {
    const r = await post(body);
    try { expectError(r, 400, 'missing_field'); } catch (e) { throw new Error(`${JSON.stringify(body)}: ${e.message}`); }
  }
  const r = await api(srv, 'PATCH', `/api/v1/handlers/${target.id}`, { session: admin, body: { name: '' } });
  assert.equal(r.status, 400, r.text);
  await targetUnchanged();
});

test('a body where none is accepted is 400 and nothing happens', async () => {
  const r = await api(srv, 'DELETE', `/api/v1/handlers/${target.id}`, { session: admin, body: { confirm: true } });
  expectError(r, 400, 'unexpected_body');
  await targetUnchanged();
});

test('paging parameters out of range are 400 bad_param', async () => {
  for (const qs of ['per_page=1000', 'per_page=101', 'per_page=0', 'per_page=-5', 'page=abc', 'page=0', 'page=-1',
    'page=1.5', 'per_page=20x', 'page=99999999999999999999', 'per_page=%20']) {
    const r = await api(srv, 'GET', '/api/v1/handlers?' + qs, { session: admin });
    try { expectError(r, 400, 'bad_param'); } catch (e) { throw new Error(`${qs}: ${e.message}`); }
  }
  let r = await api(srv, 'GET', '/api/v1/handlers?per_page=100', { session: admin });
  expectStatus(r, 200);
  assert.equal(r.json.per_page, 100);
  for (const path of ['/api/v1/accounts?per_page=1000', '/api/v1/audit?page=abc']) {
    const s = path.includes('audit') ? auditor : await login(srv, 'secadmin');
    r = await api(srv, 'GET', path, { session: s });
    expectError(r, 400, 'bad_param');
  }
});

test('huge or malformed ids in the path are 404', async () => {
  for (const id of ['99999999999999999999', '1e3', '0x10', '%201', '1%3BDROP', '1.0']) {
    const r = await api(srv, 'GET', '/api/v1/handlers/' + id, { session: admin });
    assert.ok(r.status === 404 || r.status === 400, `${id}: ${r.status} ${r.text}`);
  }
});

test('an unknown method on a known path is 405', async () => {
  const r = await api(srv, 'PUT', '/api/v1/handlers', { session: admin, body: {} });
  expectError(r, 405, 'method_not_allowed');
});

// What the database says about a refused write names tables, columns and constraints; the user
// reads a Chinese sentence naming the field instead, on every path a duplicate can take.
test('a duplicate answers 409 in Chinese naming the field, with no database words', async () => {
  const dbWords = /unique|constraint|check|not null|foreign|insert|update|select|sql|relation|violat|duplicate key|detail|error:|handlers|accounts|stations|regions|deputy_groups|mandates|[a-z_]+\.[a-z_]+/i;
  const [city, secadmin] = await Promise.all([login(srv, 'city'), login(srv, 'secadmin')]);
  const same = (await api(srv, 'GET', '/api/v1/handlers?region=329981&per_page=100', { session: admin })).json.items
    .find((h) => h.region_code === target.region_code && h.id !== target.id);
  assert.ok(same, 'a second handling unit in the same region');
  const station = (await api(srv, 'GET', '/api/v1/stations?per_page=1', { session: city })).json.items[0];
  const group = (await api(srv, 'GET', '/api/v1/groups', { session: city })).json.items[0];
  const cases = [
    [admin, 'POST', '/api/v1/handlers', { region_code: target.region_code, name: target.name }, 'name'],
    [admin, 'PATCH', `/api/v1/handlers/${same.id}`, { name: target.name }, 'name'],
    [admin, 'POST', '/api/v1/regions', { code: '329981101', name: '重复乡镇', level: 'township', parent_code: '329981' }, 'code'],
    [secadmin, 'POST', '/api/v1/accounts', { username: 'admin', display_name: '重复账号', role: 'city_staff',
      region_code: '329900', password: 'Renda@2024x' }, 'username'],
    [city, 'POST', '/api/v1/stations', { region_code: station.region_code, name: station.name, kind: station.kind }, 'name'],
    [city, 'POST', '/api/v1/groups', { region_code: group.region_code, name: group.name }, 'name'],
  ];
  for (const [session, method, path, body, field] of cases) {
    const r = await api(srv, method, path, { session, body });
    try {
      expectError(r, 409, 'duplicate');
      assert.equal(r.json.error.field, field);
      assert.match(r.json.error.message, /[\u4e00-\u9fff]/);
      assert.doesNotMatch(r.json.error.message, dbWords);
    } catch (e) { throw new Error(`${method} ${path}: ${e.message}`); }
  }
  assert.equal((await api(srv, 'GET', `/api/v1/handlers/${same.id}`, { session: admin })).json.handler.name, same.name);
});

test('nothing from the bad requests reached the database', async () => {
  const r = await api(srv, 'GET', '/api/v1/audit?object_type=handler&action=handler.create&per_page=100', { session: auditor });
  // (names from the Content-Type test are checked there)
  const names = r.json.items.map((e) => e.after.name).filter((n) => !n.startsWith('类型头单位'));
  assert.deepEqual(names.sort(), ['字符集单位', '界'.repeat(64)].sort());
  const u = await api(srv, 'GET', '/api/v1/audit?object_type=handler&action=handler.update', { session: auditor });
  assert.equal(u.json.total, 0);
});

// Meetings, agenda items, phones and arrays: each bad field is a 400 naming it, before the
// database (never a constraint's text), and nothing is stored.
test('a meeting: level, start time, dates and null arrays are checked by field, nothing stored', async () => {
  const unit = await login(srv, 'unit');
  const good = { kind: 'session', title: '校验会议', region_code: '329981101', term: 18, starts_on: '2026-06-10' };
  const cases = [
    [{ level: '🏛' }, 'level', 'bad_level'],
    [{ level: 'town\nship' }, 'level', 'bad_level'],
    [{ starts_time: '25:99' }, 'starts_time', 'bad_time'],
    [{ starts_time: '9:30' }, 'starts_time', 'bad_time'],
    [{ starts_time: '24:00' }, 'starts_time', 'bad_time'],
    [{ ends_on: '2026-06-09' }, 'ends_on', 'bad_date'],
    [{ member_ids: null }, 'member_ids', 'wrong_type'],
    [{ member_ids: 'x' }, 'member_ids', 'wrong_type'],
  ];
  for (const [bad, field, code] of cases) {
    const r = await api(srv, 'POST', '/api/v1/meetings', { session: unit, body: { ...good, ...bad } });
    try { expectError(r, 400, code); } catch (e) { throw new Error(`${JSON.stringify(bad)}: ${e.message}`); }
    assert.equal(r.json.error.field, field);
    assert.doesNotMatch(r.json.error.message, /不超过0项|meeting_|constraint|NOT NULL|SQL/);
  }
  let r = await api(srv, 'GET', '/api/v1/meetings?per_page=100&region=329981101', { session: unit });
  assert.ok(!r.json.items.some((m) => m.title === '校验会议'));
  // the good ones go in: a known level, a time of day, an end on the start day
  r = await api(srv, 'POST', '/api/v1/meetings', { session: unit, body: { ...good, level: 'township', starts_time: '23:59', ends_on: '2026-06-10' } });
  expectStatus(r, 201);
  const id = r.json.meeting.id;
  // a change: the end before the stored start, a start after the stored end, a bad time
  for (const [bad, field, code] of [[{ ends_on: '2026-06-01' }, 'ends_on', 'bad_date'], [{ starts_on: '2026-06-11' }, 'starts_on', 'bad_date'],
    [{ starts_time: '12:60' }, 'starts_time', 'bad_time'], [{ member_ids: null }, 'member_ids', 'wrong_type']]) {
    r = await api(srv, 'PATCH', `/api/v1/meetings/${id}`, { session: unit, body: bad });
    try { expectError(r, 400, code); } catch (e) { throw new Error(`${JSON.stringify(bad)}: ${e.message}`); }
    assert.equal(r.json.error.field, field);
  }
  r = await api(srv, 'GET', `/api/v1/meetings/${id}`, { session: unit });
  assert.equal(r.json.meeting.starts_on, '2026-06-10');
  assert.equal(r.json.meeting.ends_on, '2026-06-10');
  assert.equal(r.json.meeting.starts_time, '23:59');
  // agenda items: documents null or not an array is a field error; without documents it is []
  for (const documents of [null, 'x', [null], [{ name: '文件' }]]) {
    r = await api(srv, 'POST', `/api/v1/meetings/${id}/items`, { session: unit, body: { title: '坏议程', documents } });
    try { expectError(r, 400, documents === null || documents === 'x' || documents[0] === null ? 'wrong_type' : 'missing_field'); } catch (e) { throw new Error(`${JSON.stringify(documents)}: ${e.message}`); }
    assert.match(r.json.error.field, /documents|url/);
    assert.doesNotMatch(r.json.error.message, /meeting_items|constraint|NOT NULL|不超过0项/i);
  }
  r = await api(srv, 'POST', `/api/v1/meetings/${id}/items`, { session: unit, body: { title: '无文件的议程' } });
  expectStatus(r, 201);
  assert.deepEqual(r.json.item.documents, []);
  r = await api(srv, 'GET', `/api/v1/meetings/${id}`, { session: unit });
  assert.deepEqual(r.json.meeting.items.map((i) => i.title), ['无文件的议程']);
});

test('phones that are not phones are refused for congress units, stations and handling units', async () => {
  const unit = await login(srv, 'unit');
  const bad = ['abc', '12', '1380013800', '138-abc-0000', '电话'];
  for (const phone of bad) {
    let r = await post({ region_code: '329981', name: '电话单位' + phone, phone });
    try { expectError(r, 400, 'bad_phone'); } catch (e) { throw new Error(`handler ${phone}: ${e.message}`); }
    assert.equal(r.json.error.field, 'phone');
    r = await api(srv, 'PATCH', `/api/v1/handlers/${target.id}`, { session: admin, body: { phone } });
    expectError(r, 400, 'bad_phone');
    r = await api(srv, 'POST', '/api/v1/stations', { session: unit, body: { region_code: '329981101', name: '电话站' + phone, kind: 'station', phone } });
    try { expectError(r, 400, 'bad_phone'); } catch (e) { throw new Error(`station ${phone}: ${e.message}`); }
    assert.equal(r.json.error.field, 'phone');
    r = await api(srv, 'PUT', '/api/v1/regions/329981101/unit', { session: admin, body: { name: '电话人大', kind: 'presidium', phone } });
    try { expectError(r, 400, 'bad_phone'); } catch (e) { throw new Error(`unit ${phone}: ${e.message}`); }
    assert.equal(r.json.error.field, 'phone');
  }
  assert.equal(await stored('电话单位'), 0);
  await targetUnchanged();
  let r = await api(srv, 'GET', '/api/v1/stations?per_page=100&q=' + encodeURIComponent('电话站'), { session: unit });
  assert.equal(r.json.total, 0);
  r = await api(srv, 'GET', '/api/v1/regions/329981101', { session: admin });
  assert.notEqual(r.json.region.unit?.name, '电话人大');
  // the forms people write are accepted: a landline with area code, a mobile, an extension
  for (const phone of ['0571-88888888', '13800138000', '+86 138 0013 8000', '0571-8888888-123']) {
    r = await api(srv, 'POST', '/api/v1/stations', { session: unit, body: { region_code: '329981101', name: '好电话站' + phone.replace(/\D/g, ''), kind: 'station', phone } });
    try { expectStatus(r, 201); } catch (e) { throw new Error(`${phone}: ${e.message}`); }
  }
});

test('an array field of the wrong type names the field and no limit of 0', async () => {
  const r = await post({ region_code: '329981', name: '数组单位', phone: '0571-88888888', unknown_list: [] });
  expectError(r, 400, 'unknown_field');
  const county = await login(srv, 'county');
  const g = await api(srv, 'POST', '/api/v1/meetings', { session: county, body: { kind: 'presidium', title: '数组会议', region_code: '329981101', starts_on: '2026-06-10', member_ids: {} } });
  expectError(g, 400, 'wrong_type');
  assert.equal(g.json.error.field, 'member_ids');
  assert.match(g.json.error.message, /参会人员应为数组/);
  assert.doesNotMatch(g.json.error.message, /不超过0项/);
});
