// Handling units (承办单位): list (search, filter, paging, sorting), create, get, patch, delete,
// scope and role checks, and the audit trail of each write.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, expectError, expectStatus } from './lib.mjs';

let srv, admin, county, unit, deputy, station, handler, sec, auditor;
let dongcheng; // a handler in 东城区 (329902), outside county's scope
before(async () => {
  srv = await startServer();
  [admin, county, unit, deputy, station, handler, sec, auditor] = await Promise.all(
    ['admin', 'county', 'unit', 'deputy', 'station', 'handler', 'secadmin', 'auditor'].map((u) => login(srv, u)));
  const r = await api(srv, 'GET', '/api/v1/handlers?region=329902&per_page=1', { session: admin });
  dongcheng = r.json.items[0];
});
after(async () => { await srv.stop(); });

const HANDLER_KEYS = ['id', 'region_code', 'region_name', 'name', 'contact_person', 'phone', 'active',
  'created_at', 'updated_at', 'chases'].sort();
const list = async (s, qs) => {
  const r = await api(srv, 'GET', '/api/v1/handlers' + (qs ? '?' + qs : ''), { session: s });
  expectStatus(r, 200);
  return r.json;
};
const q = (s) => encodeURIComponent(s);

test('list: default paging and the Handler shape', async () => {
  const j = await list(admin);
  assert.equal(j.page, 1);
  assert.equal(j.per_page, 20);
  assert.equal(j.items.length, 20);
  assert.ok(j.total > 20);
  assert.deepEqual(Object.keys(j.items[0]).sort(), HANDLER_KEYS);
  assert.equal(typeof j.items[0].active, 'boolean');
  assert.equal(typeof j.items[0].created_at, 'number');
  assert.ok(Number.isInteger(j.items[0].created_at));
});

test('list: pages are disjoint and add up to total', async () => {
  const all = await list(admin, 'region=329902&per_page=100');
  assert.equal(all.items.length, all.total);
  const seen = [];
  for (let page = 1; page <= Math.ceil(all.total / 7); page++) {
    const j = await list(admin, `region=329902&per_page=7&page=${page}`);
    assert.equal(j.total, all.total);
    assert.equal(j.page, page);
    assert.equal(j.per_page, 7);
    seen.push(...j.items.map((h) => h.id));
  }
  assert.equal(seen.length, all.total);
  assert.equal(new Set(seen).size, all.total);
  assert.deepEqual(seen, all.items.map((h) => h.id));
  const past = await list(admin, `region=329902&per_page=7&page=${Math.ceil(all.total / 7) + 1}`);
  assert.deepEqual(past.items, []);
  assert.equal(past.total, all.total);
});

test('list: region filter limits to the subtree', async () => {
  const town = await list(admin, 'region=329981101&per_page=100');
  assert.ok(town.total > 0);
  assert.ok(town.items.every((h) => h.region_code === '329981101'));
  const countyAll = await list(admin, 'region=329981&per_page=100');
  assert.ok(countyAll.items.every((h) => h.region_code.startsWith('329981')));
  assert.ok(countyAll.total > town.total);
  assert.ok(countyAll.items.some((h) => h.region_code === '329981'));
  assert.ok(countyAll.items.some((h) => h.region_code === '329981102'));
  const everything = await list(admin, 'per_page=1');
  assert.ok(everything.total > countyAll.total);
});

test('list: county sees only its subtree; region outside is 403 out_of_scope', async () => {
  const mine = await list(county, 'per_page=100');
  const adminView = await list(admin, 'region=329981&per_page=1');
  assert.equal(mine.total, adminView.total);
  assert.ok(mine.items.every((h) => h.region_code.startsWith('329981')));
  expectError(await api(srv, 'GET', '/api/v1/handlers?region=329902', { session: county }), 403, 'out_of_scope');
  expectError(await api(srv, 'GET', '/api/v1/handlers?region=329900', { session: county }), 403, 'out_of_scope');
  const u = await list(unit, 'per_page=100');
  assert.ok(u.total > 0);
  assert.ok(u.items.every((h) => h.region_code === '329981101'));
});

test('create: county creates in its township; the stored values read back', async () => {
  const t0 = Math.floor(Date.now() / 1000) - 5;
  const r = await api(srv, 'POST', '/api/v1/handlers', { session: county,
    body: { region_code: '329981101', name: '松岭镇测试办', contact_person: '王测试', phone: '0571-88886666' } });
  expectStatus(r, 201);
  const h = r.json.handler;
  assert.deepEqual(Object.keys(h).sort(), HANDLER_KEYS);
  assert.equal(h.region_code, '329981101');
  assert.equal(h.region_name, '松岭镇');
  assert.equal(h.name, '松岭镇测试办');
  assert.equal(h.contact_person, '王测试');
  assert.equal(h.phone, '0571-88886666');
  assert.equal(h.active, true);
  assert.ok(h.created_at >= t0 && h.created_at <= t0 + 3600, `created_at ${h.created_at}`);
  const g = await api(srv, 'GET', `/api/v1/handlers/${h.id}`, { session: county });
  expectStatus(g, 200);
  assert.deepEqual(g.json.handler, h);
  const s = await list(county, 'q=' + q('测试办'));
  assert.equal(s.total, 1);
  assert.equal(s.items[0].id, h.id);
});

test('create: only the fields needed; contact and phone optional', async () => {
  const r = await api(srv, 'POST', '/api/v1/handlers', { session: admin, body: { region_code: '329981', name: '清河市最小单位' } });
  expectStatus(r, 201);
  assert.equal(r.json.handler.contact_person, '');
  assert.equal(r.json.handler.phone, '');
  let bad = await api(srv, 'POST', '/api/v1/handlers', { session: admin, body: { region_code: '329981', name: '坏电话单位', phone: 'call me' } });
  assert.equal(bad.status, 400, bad.text);
  bad = await api(srv, 'POST', '/api/v1/handlers', { session: admin, body: { name: '无区划单位' } });
  expectError(bad, 400, 'missing_field');
  bad = await api(srv, 'POST', '/api/v1/handlers', { session: admin, body: { region_code: '329981', name: '   ' } });
  assert.equal(bad.status, 400, bad.text);
  bad = await api(srv, 'POST', '/api/v1/handlers', { session: admin, body: { region_code: '999999', name: '无此区划单位' } });
  assert.ok(bad.status === 400 || bad.status === 404, bad.text);
  for (const n of ['坏电话单位', '无区划单位', '无此区划单位']) assert.equal((await list(admin, 'q=' + q(n))).total, 0, n);
});

test('duplicate name in the same region is 409; the same name elsewhere is fine', async () => {
  let r = await api(srv, 'POST', '/api/v1/handlers', { session: admin, body: { region_code: '329981102', name: '同名单位' } });
  expectStatus(r, 201);
  r = await api(srv, 'POST', '/api/v1/handlers', { session: admin, body: { region_code: '329981102', name: '同名单位', phone: '0571-88880001' } });
  expectError(r, 409, 'duplicate');
  assert.equal((await list(admin, 'q=' + q('同名单位'))).total, 1);
  r = await api(srv, 'POST', '/api/v1/handlers', { session: admin, body: { region_code: '329981103', name: '同名单位' } });
  expectStatus(r, 201);
  const two = await list(admin, 'q=' + q('同名单位'));
  assert.equal(two.total, 2);
  // renaming into a taken name is also 409
  const other = await api(srv, 'POST', '/api/v1/handlers', { session: admin, body: { region_code: '329981102', name: '另一单位' } });
  expectStatus(other, 201);
  r = await api(srv, 'PATCH', `/api/v1/handlers/${other.json.handler.id}`, { session: admin, body: { name: '同名单位' } });
  expectError(r, 409, 'duplicate');
  r = await api(srv, 'GET', `/api/v1/handlers/${other.json.handler.id}`, { session: admin });
  assert.equal(r.json.handler.name, '另一单位');
});

test('search q matches names and treats % and _ literally', async () => {
  const r = await list(admin, 'per_page=100&q=' + q('民政'));
  assert.ok(r.total > 0);
  assert.ok(r.items.every((h) => h.name.includes('民政') || h.contact_person.includes('民政')));
  assert.equal((await list(admin, 'q=' + q('%'))).total, 0);
  assert.equal((await list(admin, 'q=' + q('_'))).total, 0);
  assert.equal((await list(admin, 'q=' + q('不存在的名字'))).total, 0);
  expectError(await api(srv, 'GET', '/api/v1/handlers?q=' + 'x'.repeat(65), { session: admin }), 400, 'bad_param');
});

test('sort=name and sort=-name are opposite orders', async () => {
  for (const n of ['Mid排序测试', 'Alpha排序测试', 'Zeta排序测试']) {
    expectStatus(await api(srv, 'POST', '/api/v1/handlers', { session: admin, body: { region_code: '329981104', name: n } }), 201);
  }
  let j = await list(admin, 'sort=name&q=' + q('排序测试'));
  assert.deepEqual(j.items.map((h) => h.name), ['Alpha排序测试', 'Mid排序测试', 'Zeta排序测试']);
  j = await list(admin, 'sort=-name&q=' + q('排序测试'));
  assert.deepEqual(j.items.map((h) => h.name), ['Zeta排序测试', 'Mid排序测试', 'Alpha排序测试']);
  const up = await list(admin, 'region=329902&per_page=100&sort=name');
  const down = await list(admin, 'region=329902&per_page=100&sort=-name');
  assert.deepEqual(down.items.map((h) => h.name), up.items.map((h) => h.name).reverse());
  const c1 = await list(admin, 'per_page=100&sort=created_at');
  const c2 = await list(admin, 'per_page=100&sort=-created_at');
  assert.ok(c1.items.every((h, i) => i === 0 || c1.items[i - 1].created_at <= h.created_at));
  assert.ok(c2.items.every((h, i) => i === 0 || c2.items[i - 1].created_at >= h.created_at));
  expectError(await api(srv, 'GET', '/api/v1/handlers?sort=password', { session: admin }), 400, 'bad_sort');
  const inj = await api(srv, 'GET', '/api/v1/handlers?sort=' + q('name; DROP TABLE handlers'), { session: admin });
  assert.equal(inj.status, 400, inj.text);
});

test('patch: deactivate, rename, and the active filter', async () => {
  const c = await api(srv, 'POST', '/api/v1/handlers', { session: county, body: { region_code: '329981105', name: '停用测试办', phone: '0571-88880123' } });
  expectStatus(c, 201);
  const id = c.json.handler.id;
  let r = await api(srv, 'PATCH', `/api/v1/handlers/${id}`, { session: county, body: { active: false } });
  expectStatus(r, 200);
  assert.equal(r.json.handler.active, false);
  assert.equal(r.json.handler.name, '停用测试办');
  assert.equal(r.json.handler.phone, '0571-88880123');
  r = await api(srv, 'GET', `/api/v1/handlers/${id}`, { session: county });
  assert.equal(r.json.handler.active, false);
  assert.ok(r.json.handler.updated_at >= r.json.handler.created_at);
  assert.equal((await list(county, 'active=1&q=' + q('停用测试办'))).total, 0);
  assert.equal((await list(county, 'q=' + q('停用测试办'))).total, 1);
  r = await api(srv, 'PATCH', `/api/v1/handlers/${id}`, { session: county, body: { name: '改名测试办', contact_person: '李四' } });
  expectStatus(r, 200);
  assert.equal(r.json.handler.name, '改名测试办');
  assert.equal(r.json.handler.contact_person, '李四');
  assert.equal(r.json.handler.active, false);
  r = await api(srv, 'PATCH', `/api/v1/handlers/${id}`, { session: county, body: { active: 'no' } });
  expectError(r, 400, 'wrong_type');
  r = await api(srv, 'PATCH', `/api/v1/handlers/${id}`, { session: county, body: { region_code: '329902' } });
  expectError(r, 400, 'unknown_field');
  r = await api(srv, 'GET', `/api/v1/handlers/${id}`, { session: county });
  assert.equal(r.json.handler.region_code, '329981105');
  assert.equal(r.json.handler.active, false);
});

test('delete: 204, then GET and DELETE are 404', async () => {
  const c = await api(srv, 'POST', '/api/v1/handlers', { session: county, body: { region_code: '329981', name: '删除测试办' } });
  const id = c.json.handler.id;
  const r = await api(srv, 'DELETE', `/api/v1/handlers/${id}`, { session: county });
  expectStatus(r, 204);
  assert.equal(r.text, '');
  expectError(await api(srv, 'GET', `/api/v1/handlers/${id}`, { session: county }), 404, 'not_found');
  expectError(await api(srv, 'DELETE', `/api/v1/handlers/${id}`, { session: county }), 404, 'not_found');
  expectError(await api(srv, 'PATCH', `/api/v1/handlers/${id}`, { session: county, body: { name: 'x' } }), 404, 'not_found');
  assert.equal((await list(admin, 'q=' + q('删除测试办'))).total, 0);
});

test('unknown or malformed handler ids are 404', async () => {
  expectError(await api(srv, 'GET', '/api/v1/handlers/999999', { session: admin }), 404, 'not_found');
  expectError(await api(srv, 'GET', '/api/v1/handlers/abc', { session: admin }), 404, 'not_found');
  expectError(await api(srv, 'GET', '/api/v1/handlers/-1', { session: admin }), 404, 'not_found');
});

test('a handler outside the caller\'s scope is 404 for get, patch and delete', async () => {
  assert.equal(dongcheng.region_code, '329902');
  expectError(await api(srv, 'GET', `/api/v1/handlers/${dongcheng.id}`, { session: county }), 404, 'not_found');
  expectError(await api(srv, 'PATCH', `/api/v1/handlers/${dongcheng.id}`, { session: county, body: { active: false } }), 404, 'not_found');
  expectError(await api(srv, 'DELETE', `/api/v1/handlers/${dongcheng.id}`, { session: county }), 404, 'not_found');
  const countyLevel = (await list(admin, 'region=329981&per_page=100')).items.find((h) => h.region_code === '329981');
  expectError(await api(srv, 'GET', `/api/v1/handlers/${countyLevel.id}`, { session: unit }), 404, 'not_found');
  expectError(await api(srv, 'PATCH', `/api/v1/handlers/${countyLevel.id}`, { session: unit, body: { name: '越权' } }), 404, 'not_found');
  const r = await api(srv, 'GET', `/api/v1/handlers/${dongcheng.id}`, { session: admin });
  assert.deepEqual(r.json.handler, dongcheng);
  const r2 = await api(srv, 'GET', `/api/v1/handlers/${countyLevel.id}`, { session: admin });
  assert.deepEqual(r2.json.handler, countyLevel);
});

test('creating outside scope is 403 out_of_scope', async () => {
  let r = await api(srv, 'POST', '/api/v1/handlers', { session: county, body: { region_code: '329902', name: '越权单位一' } });
  expectError(r, 403, 'out_of_scope');
  r = await api(srv, 'POST', '/api/v1/handlers', { session: county, body: { region_code: '329902001', name: '越权单位二' } });
  expectError(r, 403, 'out_of_scope');
  r = await api(srv, 'POST', '/api/v1/handlers', { session: unit, body: { region_code: '329981102', name: '越权单位三' } });
  expectError(r, 403, 'out_of_scope');
  r = await api(srv, 'POST', '/api/v1/handlers', { session: unit, body: { region_code: '329981101', name: '松岭镇自建单位' } });
  expectStatus(r, 201);
  assert.equal((await list(admin, 'q=' + q('越权单位'))).total, 0);
});

test('roles without handler write access get 403 and nothing is stored', async () => {
  for (const s of [deputy, station, handler, sec, auditor]) {
    const r = await api(srv, 'POST', '/api/v1/handlers', { session: s, body: { region_code: '329981101', name: '无权单位' + s.user.username } });
    assert.equal(r.status, 403, `${s.user.username}: ${r.status} ${r.text}`);
  }
  const target = (await list(admin, 'region=329981101&per_page=1')).items[0];
  for (const s of [deputy, station, handler]) {
    let r = await api(srv, 'PATCH', `/api/v1/handlers/${target.id}`, { session: s, body: { name: '无权改名' } });
    assert.ok(r.status === 403 || r.status === 404, `${s.user.username} patch: ${r.status} ${r.text}`);
    r = await api(srv, 'DELETE', `/api/v1/handlers/${target.id}`, { session: s });
    assert.ok(r.status === 403 || r.status === 404, `${s.user.username} delete: ${r.status} ${r.text}`);
  }
  assert.equal((await list(admin, 'q=' + q('无权'))).total, 0);
  const g = await api(srv, 'GET', `/api/v1/handlers/${target.id}`, { session: admin });
  assert.deepEqual(g.json.handler, target);
});

test('deputies, handler accounts and the auditor cannot read handling units (403)', async () => {
  for (const s of [deputy, handler, auditor]) {
    const r = await api(srv, 'GET', '/api/v1/handlers', { session: s });
    assert.equal(r.status, 403, `${s.user.username}: ${r.status}`);
  }
});

test('station staff may only read regions (api.md roles table): GET /handlers is 403', async () => {
  const r = await api(srv, 'GET', '/api/v1/handlers', { session: station });
  assert.equal(r.status, 403, `station GET /api/v1/handlers: ${r.status} ${r.text.slice(0, 120)}`);
});

test('each write is in the audit log with before and after', async () => {
  const c = await api(srv, 'POST', '/api/v1/handlers', { session: county, body: { region_code: '329981106', name: '审计测试办', phone: '0571-88880555' } });
  expectStatus(c, 201);
  const id = c.json.handler.id;
  expectStatus(await api(srv, 'PATCH', `/api/v1/handlers/${id}`, { session: county, body: { active: false } }), 200);
  expectStatus(await api(srv, 'DELETE', `/api/v1/handlers/${id}`, { session: county }), 204);
  const r = await api(srv, 'GET', `/api/v1/audit?object_type=handler&object_id=${id}`, { session: auditor });
  expectStatus(r, 200);
  assert.equal(r.json.total, 3);
  const [del, upd, cre] = r.json.items;
  for (const e of r.json.items) {
    assert.equal(e.actor, 'county');
    assert.equal(e.actor_id, county.user.id);
    assert.equal(e.object_type, 'handler');
    assert.equal(String(e.object_id), String(id));
  }
  assert.equal(cre.action, 'handler.create');
  assert.equal(cre.before, null);
  assert.equal(cre.after.name, '审计测试办');
  assert.equal(cre.after.phone, '0571-88880555');
  assert.equal(cre.after.active, true);
  assert.equal(upd.action, 'handler.update');
  assert.equal(upd.before.active, true);
  assert.equal(upd.after.active, false);
  assert.equal(upd.after.name, '审计测试办');
  assert.equal(del.action, 'handler.delete');
  assert.equal(del.before.name, '审计测试办');
  assert.equal(del.after, null);
  // a refused write leaves no done entry, and one refused entry each
  const count = async (outcome) => (await api(srv, 'GET', `/api/v1/audit?object_type=handler&outcome=${outcome}&per_page=1`, { session: auditor })).json.total;
  const before = await count('done'), refusedBefore = await count('refused');
  await api(srv, 'POST', '/api/v1/handlers', { session: county, body: { region_code: '329902', name: '不审计' } });
  await api(srv, 'POST', '/api/v1/handlers', { session: county, body: { region_code: '329981106', name: 5 } });
  assert.equal(await count('done'), before);
  assert.equal(await count('refused'), refusedBefore + 2);
});
