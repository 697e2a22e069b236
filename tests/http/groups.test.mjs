// Deputy groups (代表小组, api.md "Deputy groups"): create with a leader, members, member_count,
// what a deputy account sees of its group, scope, and deletion clearing the members' group.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, expectError, expectStatus } from './lib.mjs';

let srv, county, unit, deputy, station, admin;
let town; // current township deputies of 329981101 (ids), the deputy account's own excluded
let me; // the deputy account's deputy id
let otherTown; // a current township deputy of 329981102
before(async () => {
  srv = await startServer();
  [county, unit, deputy, station, admin] = await Promise.all(
    ['county', 'unit', 'deputy', 'station', 'admin'].map((u) => login(srv, u)));
  me = deputy.user.deputy_id;
  let r = await api(srv, 'GET', '/api/v1/rosters?congress=329981101&level=township', { session: county });
  expectStatus(r, 200);
  town = r.json.members.map((d) => d.id).filter((id) => id !== me);
  assert.ok(town.length >= 10);
  r = await api(srv, 'GET', '/api/v1/rosters?congress=329981102&level=township', { session: county });
  otherTown = r.json.members[0].id;
});
after(async () => { await srv.stop(); });

const GROUP_KEYS = ['id', 'region_code', 'region_name', 'name', 'leader_id', 'leader_name', 'member_count', 'created_at'];
const groups = async (s, region) => {
  const r = await api(srv, 'GET', '/api/v1/groups' + (region ? '?region=' + region : ''), { session: s });
  expectStatus(r, 200);
  return r.json.items;
};
const byGroup = async (id) => {
  const r = await api(srv, 'GET', `/api/v1/deputies?group=${id}&per_page=100`, { session: county });
  expectStatus(r, 200);
  return r.json.items.map((d) => d.id).sort((a, b) => a - b);
};
const getDeputy = async (s, id) => {
  const r = await api(srv, 'GET', `/api/v1/deputies/${id}`, { session: s });
  expectStatus(r, 200);
  return r.json.deputy;
};
const townMandate = (d, region) => d.mandates.find((m) => m.level === 'township' && m.region_code === region && m.status === 'active');

test('list: the demo groups per township, within scope', async () => {
  const mine = await groups(unit);
  assert.ok(mine.length > 0);
  assert.ok(mine.every((g) => g.region_code === '329981101'));
  for (const k of GROUP_KEYS) assert.ok(k in mine[0], k);
  assert.ok(mine.some((g) => g.name === '第1代表小组'));
  const all = await groups(county);
  assert.ok(all.length > mine.length);
  assert.ok(all.every((g) => g.region_code.startsWith('329981')));
  assert.ok(all.some((g) => g.region_code === '329981102'));
  const r = await groups(county, '329981101');
  assert.deepEqual(r.map((g) => g.id), mine.map((g) => g.id));
  // member_count agrees with the deputies in the group
  const g1 = mine.find((g) => g.member_count > 0);
  assert.equal(g1.member_count, (await byGroup(g1.id)).length);
  expectError(await api(srv, 'GET', '/api/v1/groups?region=329981102', { session: unit }), 403, 'out_of_scope');
  assert.equal((await api(srv, 'GET', '/api/v1/groups', { session: admin })).status, 403);
});

let group; // the group created below
let leader;

test('create: with a current deputy of the township as leader → 201', async () => {
  leader = town[0];
  const r = await api(srv, 'POST', '/api/v1/groups', { session: unit, body: { region_code: '329981101', name: '测试代表小组', leader_id: leader } });
  expectStatus(r, 201);
  group = r.json.group;
  for (const k of GROUP_KEYS) assert.ok(k in group, k);
  assert.equal(group.region_code, '329981101');
  assert.equal(group.region_name, '松岭镇');
  assert.equal(group.name, '测试代表小组');
  assert.equal(group.leader_id, leader);
  assert.equal(group.leader_name, (await getDeputy(county, leader)).name);
  assert.equal(group.member_count, 0);
  assert.deepEqual(group.members, []);
  const listed = (await groups(unit)).find((g) => g.id === group.id);
  assert.ok(listed);
  assert.equal(listed.name, '测试代表小组');
  assert.equal(listed.leader_id, leader);
  assert.equal(listed.member_count, 0);
  // without a leader
  const r2 = await api(srv, 'POST', '/api/v1/groups', { session: county, body: { region_code: '329981101', name: '无组长小组' } });
  expectStatus(r2, 201);
  assert.equal(r2.json.group.leader_id, null);
});

test('create: a leader from another township is 400 not_member; nothing stored', async () => {
  const before = (await groups(county)).length;
  let r = await api(srv, 'POST', '/api/v1/groups', { session: county, body: { region_code: '329981101', name: '错组长小组', leader_id: otherTown } });
  expectError(r, 400, 'not_member');
  r = await api(srv, 'POST', '/api/v1/groups', { session: county, body: { region_code: '329981101', name: '错组长小组', leader_id: 999999 } });
  assert.equal(r.status, 400, r.text);
  assert.equal((await groups(county)).length, before);
  assert.ok(!(await groups(county)).some((g) => g.name === '错组长小组'));
  r = await api(srv, 'PATCH', `/api/v1/groups/${group.id}`, { session: unit, body: { leader_id: otherTown } });
  expectError(r, 400, 'not_member');
  assert.equal((await groups(unit)).find((g) => g.id === group.id).leader_id, leader);
});

test('create: outside scope 403; roles without deputy write 403', async () => {
  let r = await api(srv, 'POST', '/api/v1/groups', { session: unit, body: { region_code: '329981102', name: '越权小组' } });
  expectError(r, 403, 'out_of_scope');
  for (const s of [station, deputy, admin]) {
    r = await api(srv, 'POST', '/api/v1/groups', { session: s, body: { region_code: '329981101', name: '无权小组' } });
    assert.equal(r.status, 403, `${s.user.username}: ${r.text}`);
  }
  assert.ok(!(await groups(county)).some((g) => g.name === '越权小组' || g.name === '无权小组'));
});

test('patch: rename and change the leader', async () => {
  const r = await api(srv, 'PATCH', `/api/v1/groups/${group.id}`, { session: unit, body: { name: '测试代表小组（改）', leader_id: town[1] } });
  expectStatus(r, 200);
  const g = (await groups(unit)).find((x) => x.id === group.id);
  assert.equal(g.name, '测试代表小组（改）');
  assert.equal(g.leader_id, town[1]);
});

test('members: set, member_count, and the members\' mandates point at the group', async () => {
  const ids = [me, town[2], town[3]];
  let r = await api(srv, 'PUT', `/api/v1/groups/${group.id}/members`, { session: unit, body: { deputy_ids: ids } });
  expectStatus(r, 200);
  assert.equal(r.json.group.member_count, 3);
  assert.deepEqual(r.json.group.members.map((m) => m.id).sort((a, b) => a - b), [...ids].sort((a, b) => a - b));
  assert.equal((await groups(unit)).find((g) => g.id === group.id).member_count, 3);
  assert.deepEqual(await byGroup(group.id), [...ids].sort((a, b) => a - b));
  const d = await getDeputy(county, town[2]);
  assert.equal(townMandate(d, '329981101').group_id, group.id);
  assert.equal(townMandate(d, '329981101').group_name, '测试代表小组（改）');
  // replacing the set drops the old members
  r = await api(srv, 'PUT', `/api/v1/groups/${group.id}/members`, { session: unit, body: { deputy_ids: [me, town[2]] } });
  expectStatus(r, 200);
  assert.equal((await groups(unit)).find((g) => g.id === group.id).member_count, 2);
  assert.notEqual(townMandate(await getDeputy(county, town[3]), '329981101').group_id, group.id);
  // a deputy of another township is refused and nothing changes
  r = await api(srv, 'PUT', `/api/v1/groups/${group.id}/members`, { session: unit, body: { deputy_ids: [me, otherTown] } });
  assert.equal(r.status, 400, r.text);
  r = await api(srv, 'PUT', `/api/v1/groups/${group.id}/members`, { session: county, body: { deputy_ids: [me, otherTown] } });
  expectError(r, 400, 'not_member');
  assert.deepEqual(await byGroup(group.id), [me, town[2]].sort((a, b) => a - b));
  r = await api(srv, 'PUT', `/api/v1/groups/${group.id}/members`, { session: unit, body: { deputy_ids: ['x'] } });
  assert.equal(r.status, 400, r.text);
  r = await api(srv, 'PUT', `/api/v1/groups/${group.id}/members`, { session: station, body: { deputy_ids: [me] } });
  assert.equal(r.status, 403, r.text);
  assert.deepEqual(await byGroup(group.id), [me, town[2]].sort((a, b) => a - b));
});

test('a deputy account sees its group members (without phones), not others', async () => {
  const mate = await getDeputy(deputy, town[2]);
  assert.equal(mate.id, town[2]);
  assert.equal(mate.phone, null);
  const own = await getDeputy(deputy, me);
  assert.match(own.phone, /^1\d{10}$/);
  assert.equal(townMandate(own, '329981101').group_id, group.id);
  expectError(await api(srv, 'GET', `/api/v1/deputies/${town[3]}`, { session: deputy }), 404, 'not_found');
  expectError(await api(srv, 'GET', `/api/v1/deputies/${otherTown}`, { session: deputy }), 404, 'not_found');
});

test('delete: 204; the members\' group is cleared', async () => {
  let r = await api(srv, 'DELETE', `/api/v1/groups/${group.id}`, { session: station });
  assert.equal(r.status, 403, r.text);
  r = await api(srv, 'DELETE', `/api/v1/groups/${group.id}`, { session: unit });
  expectStatus(r, 204);
  assert.ok(!(await groups(unit)).some((g) => g.id === group.id));
  assert.deepEqual(await byGroup(group.id), []);
  for (const id of [me, town[2]]) {
    const m = townMandate(await getDeputy(county, id), '329981101');
    assert.equal(m.group_id, null);
    assert.equal(m.group_name, null);
    assert.equal(m.status, 'active');
  }
  // no shared group any more
  expectError(await api(srv, 'GET', `/api/v1/deputies/${town[2]}`, { session: deputy }), 404, 'not_found');
  r = await api(srv, 'DELETE', `/api/v1/groups/${group.id}`, { session: unit });
  expectError(r, 404, 'not_found');
});

test('GET /groups/{id}: staff in scope read it with members; a deputy reads only its own groups', async () => {
  let r = await api(srv, 'POST', '/api/v1/groups', { session: unit, body: { region_code: '329981101', name: '读取测试小组' } });
  expectStatus(r, 201);
  const mine = { group_id: r.json.group.id };
  expectStatus(await api(srv, 'PUT', `/api/v1/groups/${mine.group_id}/members`,
    { session: unit, body: { deputy_ids: [me, town[0]] } }), 200);
  r = await api(srv, 'GET', `/api/v1/groups/${mine.group_id}`, { session: deputy });
  expectStatus(r, 200);
  assert.ok(r.json.group.members.some((d) => d.id === me));
  assert.ok(r.json.group.members.every((d) => !('phone' in d)));
  r = await api(srv, 'GET', `/api/v1/groups/${mine.group_id}`, { session: county });
  expectStatus(r, 200);
  assert.equal(r.json.group.member_count, r.json.group.members.length);
  // another township's group: not the deputy's
  const other = (await groups(county, '329981102'))[0];
  expectError(await api(srv, 'GET', `/api/v1/groups/${other.id}`, { session: deputy }), 404, 'not_found');
  expectError(await api(srv, 'GET', `/api/v1/groups/${other.id}`, { session: admin }), 403, 'forbidden');
  expectError(await api(srv, 'GET', '/api/v1/groups/999999', { session: county }), 404, 'not_found');
});
