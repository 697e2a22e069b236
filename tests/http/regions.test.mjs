// Regions and congress units: the scoped tree, creating, renaming, deleting, unit kinds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, expectError, expectStatus } from './lib.mjs';

let srv, admin, county, unit, deputy, sec;
before(async () => {
  srv = await startServer();
  admin = await login(srv, 'admin');
  county = await login(srv, 'county');
  unit = await login(srv, 'unit');
  deputy = await login(srv, 'deputy');
  sec = await login(srv, 'secadmin');
});
after(async () => { await srv.stop(); });

const REGION_KEYS = ['code', 'name', 'level', 'parent_code', 'unit', 'children'].sort();

function flatten(nodes, out = []) {
  for (const n of nodes) { out.push(n); flatten(n.children || [], out); }
  return out;
}
async function tree(s) {
  const r = await api(srv, 'GET', '/api/v1/regions', { session: s });
  expectStatus(r, 200);
  return r.json.regions;
}
async function childCodes(code) {
  const r = await api(srv, 'GET', `/api/v1/regions/${code}`, { session: admin });
  expectStatus(r, 200);
  return r.json.region.children.map((c) => c.code).sort();
}
const create = (s, body) => api(srv, 'POST', '/api/v1/regions', { session: s, body });

test('the sysadmin\'s tree is the whole city with its units', async () => {
  const roots = await tree(admin);
  assert.equal(roots.length, 1);
  assert.equal(roots[0].code, '329900');
  assert.equal(roots[0].level, 'city');
  assert.equal(roots[0].parent_code, null);
  assert.deepEqual(Object.keys(roots[0]).sort(), REGION_KEYS);
  assert.equal(roots[0].unit.kind, 'standing_committee');
  assert.deepEqual(roots[0].children.map((c) => c.code).sort(), ['329902', '329971', '329981']);
  const all = flatten(roots);
  const byCode = Object.fromEntries(all.map((n) => [n.code, n]));
  assert.equal(byCode['329981'].name, '清河市');
  assert.equal(byCode['329981101'].level, 'township');
  assert.equal(byCode['329981101'].unit.kind, 'presidium');
  assert.equal(byCode['329902001'].level, 'street');
  assert.equal(byCode['329902001'].unit.kind, 'street_committee');
  assert.equal(byCode['329971'].unit.kind, 'devzone_office');
});

test('county sees only the 清河市 subtree', async () => {
  const roots = await tree(county);
  assert.equal(roots.length, 1);
  assert.equal(roots[0].code, '329981');
  const all = flatten(roots);
  assert.ok(all.every((n) => n.code.startsWith('329981')), all.map((n) => n.code).join(','));
  assert.deepEqual(roots[0].children.map((c) => c.code).sort(),
    ['329981101', '329981102', '329981103', '329981104', '329981105', '329981106']);
});

test('unit staff and deputies see only their township', async () => {
  for (const s of [unit, deputy]) {
    const all = flatten(await tree(s));
    assert.deepEqual(all.map((n) => n.code), ['329981101']);
  }
});

test('GET one region: in scope, out of scope (403 out_of_scope), unknown (404)', async () => {
  let r = await api(srv, 'GET', '/api/v1/regions/329981', { session: county });
  expectStatus(r, 200);
  assert.equal(r.json.region.code, '329981');
  assert.equal(r.json.region.unit.kind, 'standing_committee');
  assert.equal(r.json.region.children.length, 6);
  expectError(await api(srv, 'GET', '/api/v1/regions/329902', { session: county }), 403, 'out_of_scope');
  expectError(await api(srv, 'GET', '/api/v1/regions/329902001', { session: county }), 403, 'out_of_scope');
  expectError(await api(srv, 'GET', '/api/v1/regions/329900', { session: county }), 403, 'out_of_scope');
  expectError(await api(srv, 'GET', '/api/v1/regions/329981102', { session: unit }), 403, 'out_of_scope');
  expectError(await api(srv, 'GET', '/api/v1/regions/999999', { session: admin }), 404, 'not_found');
});

test('GET one region lists direct children without their children', async () => {
  const r = await api(srv, 'GET', '/api/v1/regions/329900', { session: admin });
  expectStatus(r, 200);
  const kids = r.json.region.children;
  assert.deepEqual(kids.map((c) => c.code).sort(), ['329902', '329971', '329981']);
  for (const k of kids) assert.ok(!k.children || k.children.length === 0, `${k.code} has children listed`);
});

test('sysadmin creates a township with a 9-digit code; it appears in the tree', async () => {
  const r = await create(admin, { code: '329981120', name: '测试镇', level: 'township', parent_code: '329981' });
  expectStatus(r, 201);
  assert.equal(r.json.region.code, '329981120');
  assert.equal(r.json.region.name, '测试镇');
  assert.equal(r.json.region.level, 'township');
  assert.equal(r.json.region.parent_code, '329981');
  assert.equal(r.json.region.unit, null);
  const inTree = flatten(await tree(county)).find((n) => n.code === '329981120');
  assert.ok(inTree, 'new township not in county\'s tree');
  assert.equal(inTree.name, '测试镇');
  const g = await api(srv, 'GET', '/api/v1/regions/329981120', { session: county });
  expectStatus(g, 200);
  assert.equal(g.json.region.name, '测试镇');
});

test('a county-level code is 6 digits under the city', async () => {
  let r = await create(admin, { code: '329983', name: '测试县', level: 'county', parent_code: '329900' });
  expectStatus(r, 201);
  assert.equal(r.json.region.level, 'county');
  r = await create(admin, { code: '329903', name: '测试区', level: 'district', parent_code: '329900' });
  expectStatus(r, 201);
  r = await create(admin, { code: '329903001', name: '测试街道', level: 'street', parent_code: '329903' });
  expectStatus(r, 201);
});

test('wrong code length or prefix is 400 bad_code and nothing is stored', async () => {
  const before = await childCodes('329981');
  const cases = [
    { code: '32998112', level: 'township', parent_code: '329981' },     // 8 digits
    { code: '3299811201', level: 'township', parent_code: '329981' },   // 10 digits
    { code: '329981', level: 'township', parent_code: '329981' },       // 6 digits for a township
    { code: '329982120', level: 'township', parent_code: '329981' },    // wrong prefix
    { code: '32998112a', level: 'township', parent_code: '329981' },    // not digits
    { code: '329984001', level: 'county', parent_code: '329900' },      // 9 digits for a county
    { code: '339984', level: 'county', parent_code: '329900' },         // not under 3299
  ];
  const wrong = [];
  for (const c of cases) {
    const r = await create(admin, { ...c, name: '错误区划' });
    try { expectError(r, 400, 'bad_code'); } catch (e) { wrong.push(`${c.code} (${c.level}): ${e.message}`); }
  }
  assert.deepEqual(await childCodes('329981'), before);
  const cityKids = await childCodes('329900');
  assert.ok(!cityKids.includes('339984'));
  const all = flatten(await tree(admin));
  assert.ok(!all.some((n) => n.name === '错误区划'));
  assert.deepEqual(wrong, []);
});

test('level must fit the parent; unknown parent or level is 400', async () => {
  let r = await create(admin, { code: '329985', name: '错误层级', level: 'township', parent_code: '329900' });
  assert.equal(r.status, 400, r.text);
  r = await create(admin, { code: '329981121', name: '错误层级', level: 'county', parent_code: '329981' });
  assert.equal(r.status, 400, r.text);
  r = await create(admin, { code: '329981121', name: '错误层级', level: 'village', parent_code: '329981' });
  assert.equal(r.status, 400, r.text);
  r = await create(admin, { code: '329981101001', name: '错误层级', level: 'street', parent_code: '329981101' });
  assert.equal(r.status, 400, r.text);
  r = await create(admin, { code: '329986121', name: '错误层级', level: 'township', parent_code: '329986' });
  assert.equal(r.status, 400, r.text);
  const all = flatten(await tree(admin));
  assert.ok(!all.some((n) => n.name === '错误层级'));
});

test('duplicate region code is 409', async () => {
  const r = await create(admin, { code: '329981101', name: '重复镇', level: 'township', parent_code: '329981' });
  expectError(r, 409, 'duplicate');
  const g = await api(srv, 'GET', '/api/v1/regions/329981101', { session: admin });
  assert.equal(g.json.region.name, '松岭镇');
});

test('only the sysadmin writes regions (403 for county, unit, deputy, secadmin)', async () => {
  for (const s of [county, unit, deputy, sec]) {
    const who = s.user.username;
    let r = await create(s, { code: '329981122', name: '越权镇', level: 'township', parent_code: '329981' });
    assert.equal(r.status, 403, `${who} create: ${r.text}`);
    r = await api(srv, 'PATCH', '/api/v1/regions/329981101', { session: s, body: { name: '越权改名' } });
    assert.equal(r.status, 403, `${who} rename: ${r.text}`);
    r = await api(srv, 'DELETE', '/api/v1/regions/329981120', { session: s });
    assert.equal(r.status, 403, `${who} delete: ${r.text}`);
    r = await api(srv, 'PUT', '/api/v1/regions/329981120/unit', { session: s, body: { name: '越权机构', kind: 'presidium' } });
    assert.equal(r.status, 403, `${who} unit: ${r.text}`);
  }
  const all = flatten(await tree(admin));
  assert.ok(!all.some((n) => n.code === '329981122' || n.name === '越权改名'));
  assert.ok(all.some((n) => n.code === '329981120'));
  assert.equal(all.find((n) => n.code === '329981120').unit, null);
});

test('sysadmin renames a region', async () => {
  let r = await api(srv, 'PATCH', '/api/v1/regions/329981120', { session: admin, body: { name: '测试新镇' } });
  expectStatus(r, 200);
  assert.equal(r.json.region.name, '测试新镇');
  r = await api(srv, 'GET', '/api/v1/regions/329981120', { session: admin });
  assert.equal(r.json.region.name, '测试新镇');
  r = await api(srv, 'PATCH', '/api/v1/regions/329981120', { session: admin, body: { name: '长'.repeat(65) } });
  expectError(r, 400, 'too_long');
  r = await api(srv, 'PATCH', '/api/v1/regions/329981120', { session: admin, body: { name: '' } });
  assert.equal(r.status, 400);
  r = await api(srv, 'PATCH', '/api/v1/regions/329981120', { session: admin, body: { code: '329981121' } });
  expectError(r, 400, 'unknown_field');
  r = await api(srv, 'PATCH', '/api/v1/regions/999999', { session: admin, body: { name: '无此区划' } });
  expectError(r, 404, 'not_found');
  r = await api(srv, 'GET', '/api/v1/regions/329981120', { session: admin });
  assert.equal(r.json.region.name, '测试新镇');
});

test('PUT unit: the kind must fit the level; then creates and updates the unit', async () => {
  let r = await api(srv, 'PUT', '/api/v1/regions/329981120/unit', { session: admin,
    body: { name: '测试新镇人大常委会', kind: 'standing_committee', address: '', phone: '' } });
  assert.equal(r.status, 400, r.text);
  r = await api(srv, 'PUT', '/api/v1/regions/329981120/unit', { session: admin,
    body: { name: '测试新镇人大', kind: 'street_committee' } });
  assert.equal(r.status, 400, r.text);
  r = await api(srv, 'PUT', '/api/v1/regions/329981120/unit', { session: admin,
    body: { name: '测试新镇人大', kind: 'nonsense' } });
  assert.equal(r.status, 400, r.text);
  r = await api(srv, 'PUT', '/api/v1/regions/329983/unit', { session: admin,
    body: { name: '测试县主席团', kind: 'presidium' } });
  assert.equal(r.status, 400, r.text);
  r = await api(srv, 'GET', '/api/v1/regions/329981120', { session: admin });
  assert.equal(r.json.region.unit, null);

  r = await api(srv, 'PUT', '/api/v1/regions/329981120/unit', { session: admin,
    body: { name: '测试新镇人大主席团', kind: 'presidium', address: '清河市测试新镇1号', phone: '0571-1234567' } });
  expectStatus(r, 200);
  const u = r.json.unit;
  assert.equal(u.region_code, '329981120');
  assert.equal(u.name, '测试新镇人大主席团');
  assert.equal(u.kind, 'presidium');
  assert.equal(u.address, '清河市测试新镇1号');
  assert.equal(u.phone, '0571-1234567');
  r = await api(srv, 'PUT', '/api/v1/regions/329981120/unit', { session: admin,
    body: { name: '测试新镇主席团', kind: 'presidium', address: '新地址', phone: '0571-7654321' } });
  expectStatus(r, 200);
  assert.equal(r.json.unit.id, u.id, 'updating made a new unit');
  r = await api(srv, 'GET', '/api/v1/regions/329981120', { session: county });
  assert.equal(r.json.region.unit.name, '测试新镇主席团');
  assert.equal(r.json.region.unit.address, '新地址');
  r = await api(srv, 'PUT', '/api/v1/regions/329971/unit', { session: admin,
    body: { name: '示范经济开发区人大工委', kind: 'devzone_office' } });
  expectStatus(r, 200);
});

test('deleting a region still in use is 409 in_use', async () => {
  // children
  expectError(await api(srv, 'DELETE', '/api/v1/regions/329902', { session: admin }), 409, 'in_use');
  // unit, handlers and accounts
  expectError(await api(srv, 'DELETE', '/api/v1/regions/329981101', { session: admin }), 409, 'in_use');
  // only a unit
  expectError(await api(srv, 'DELETE', '/api/v1/regions/329981120', { session: admin }), 409, 'in_use');
  // only a handling unit
  let r = await create(admin, { code: '329981121', name: '承办测试镇', level: 'township', parent_code: '329981' });
  expectStatus(r, 201);
  r = await api(srv, 'POST', '/api/v1/handlers', { session: admin, body: { region_code: '329981121', name: '承办测试镇民政办' } });
  expectStatus(r, 201);
  const hid = r.json.handler.id;
  expectError(await api(srv, 'DELETE', '/api/v1/regions/329981121', { session: admin }), 409, 'in_use');
  // only an account
  r = await create(admin, { code: '329981122', name: '账号测试镇', level: 'township', parent_code: '329981' });
  expectStatus(r, 201);
  r = await api(srv, 'POST', '/api/v1/accounts', { session: sec, body: { username: 'townuser', display_name: '镇用户',
    role: 'unit_staff', region_code: '329981122', password: 'Town@2024x' } });
  expectStatus(r, 201);
  expectError(await api(srv, 'DELETE', '/api/v1/regions/329981122', { session: admin }), 409, 'in_use');
  for (const code of ['329902', '329981101', '329981120', '329981121', '329981122']) {
    expectStatus(await api(srv, 'GET', `/api/v1/regions/${code}`, { session: admin }), 200);
  }
  // once the handling unit is gone, the region can go
  expectStatus(await api(srv, 'DELETE', `/api/v1/handlers/${hid}`, { session: admin }), 204);
  expectStatus(await api(srv, 'DELETE', '/api/v1/regions/329981121', { session: admin }), 204);
});

test('deleting an empty leaf is 204, then 404 and gone from the tree', async () => {
  const r = await api(srv, 'DELETE', '/api/v1/regions/329903001', { session: admin });
  expectStatus(r, 204);
  assert.equal(r.text, '');
  expectError(await api(srv, 'GET', '/api/v1/regions/329903001', { session: admin }), 404, 'not_found');
  expectError(await api(srv, 'DELETE', '/api/v1/regions/329903001', { session: admin }), 404, 'not_found');
  assert.ok(!flatten(await tree(admin)).some((n) => n.code === '329903001'));
  // its parent is now an empty leaf too
  expectStatus(await api(srv, 'DELETE', '/api/v1/regions/329903', { session: admin }), 204);
  expectError(await api(srv, 'GET', '/api/v1/regions/329903', { session: admin }), 404, 'not_found');
});
