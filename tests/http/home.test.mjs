// The office's home (api.md "Home: to-do and search"): the to-do counts of each role, each the
// total of the list its link opens, within the role's scope; the header's search box by tracking
// code, number, name and title, within scope; the lists find an opinion by its tracking code and
// a suggestion by its number.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, expectError, expectStatus } from './lib.mjs';

let srv, county, unit, deputy, handler, admin, city, sec;
let co; // a deputy account of another deputy of 松岭镇, invited to co-sign
let H1, H2;
let st6; // a station of 松岭镇 served by `deputy`
let peers; // deputies of 松岭镇 other than `deputy`
before(async () => {
  srv = await startServer();
  [county, unit, deputy, handler, admin, city, sec] = await Promise.all(
    ['county', 'unit', 'deputy', 'handler', 'admin', 'city', 'secadmin'].map((u) => login(srv, u)));
  const list = async (s, path) => { const r = await api(srv, 'GET', path, { session: s }); expectStatus(r, 200); return r.json.items; };
  const hs = await list(county, '/api/v1/handlers?region=329981&per_page=100');
  H1 = hs.find((h) => h.name === '清河市交通运输局');
  H2 = hs.find((h) => h.name === '清河市住房和城乡建设局');
  assert.equal(handler.user.handler_id, H1.id);
  st6 = (await list(county, '/api/v1/stations?region=329981101&kind=station'))[0];
  peers = (await list(unit, '/api/v1/deputies?region=329981101&level=township&per_page=20'))
    .filter((d) => d.id !== deputy.user.deputy_id);
  let r = await api(srv, 'POST', '/api/v1/accounts', { session: sec, body: { username: 'dep.home', display_name: 'dep.home',
    password: 'Start#2024a', role: 'deputy', region_code: '329981101', deputy_id: peers[0].id } });
  expectStatus(r, 201);
  const s = await login(srv, 'dep.home', 'Start#2024a');
  r = await api(srv, 'POST', '/api/v1/session/password', { session: s, body: { old_password: 'Start#2024a', new_password: 'Changed#2024b' } });
  expectStatus(r, 204);
  co = await login(srv, 'dep.home', 'Changed#2024b');
});
after(async () => { await srv.stop(); });

const todo = async (s) => {
  const r = await api(srv, 'GET', '/api/v1/todo', { session: s });
  expectStatus(r, 200);
  return Object.fromEntries(r.json.items.map((x) => [x.key, x]));
};
const total = async (s, path) => { const r = await api(srv, 'GET', path, { session: s }); expectStatus(r, 200); return r.json.total; };
const search = (s, q) => api(srv, 'GET', `/api/v1/search?q=${encodeURIComponent(q)}`, { session: s });
const group = (r, kind) => (r.json.groups.find((g) => g.kind === kind) || { items: [] }).items;
const reg = async (s, body) => {
  const r = await api(srv, 'POST', '/api/v1/opinions', { session: s, body: { channel: 'visit', ...body } });
  expectStatus(r, 201);
  return r.json.opinion;
};
// a suggestion of `deputy`, submitted (staff see it)
async function submitted() {
  let r = await api(srv, 'POST', '/api/v1/suggestions', { session: deputy, body: { title: '关于整治松岭镇集市交通秩序的建议',
    body: '松岭镇逢集日车辆乱停乱放，道路拥堵，建议设置临时停车区并安排人员疏导。' } });
  expectStatus(r, 201);
  r = await api(srv, 'POST', `/api/v1/suggestions/${r.json.suggestion.id}/actions`, { session: deputy, body: { action: 'submit' } });
  expectStatus(r, 200);
  return r.json.suggestion;
}
const LIST = { opinions: '/api/v1/opinions', suggestions: '/api/v1/suggestions', motions: '/api/v1/motions', meetings: '/api/v1/meetings' };
// the list a to-do item links to, with its filter
const listPath = (x) => `${LIST[x.list]}?${new URLSearchParams(x.filter)}`;

test('the opinion list finds an opinion by its tracking code, in any case; the suggestion list by its number', async () => {
  const op = await reg(county, { station_id: st6.id, body: '小区门口的下水道井盖松动，车辆经过时响声很大。' });
  let r = await api(srv, 'GET', `/api/v1/opinions?q=${op.tracking_code}`, { session: county });
  expectStatus(r, 200);
  assert.equal(r.json.total, 1);
  assert.equal(r.json.items[0].id, op.id);
  r = await api(srv, 'GET', `/api/v1/opinions?q=${op.tracking_code.toLowerCase()}`, { session: county });
  assert.deepEqual(r.json.items.map((x) => x.id), [op.id]);
  // with the other filters as before: a state it is not in finds nothing
  r = await api(srv, 'GET', `/api/v1/opinions?q=${op.tracking_code}&state=closed`, { session: county });
  assert.equal(r.json.total, 0);
  // a handling unit does not find by code what is not assigned to it
  r = await api(srv, 'GET', `/api/v1/opinions?q=${op.tracking_code}`, { session: handler });
  assert.equal(r.json.total, 0);
  // a suggestion by its number
  const sg = await submitted();
  assert.match(sg.code, /^JY\d{4}-\d{6}$/);
  r = await api(srv, 'GET', `/api/v1/suggestions?q=${sg.code.toLowerCase()}`, { session: county });
  expectStatus(r, 200);
  assert.deepEqual(r.json.items.map((x) => x.id), [sg.id]);
});

test('search: an opinion by code within scope; another county\'s is not found; a deputy, a meeting, a number', async () => {
  const op = await reg(county, { station_id: st6.id, body: '村口的路灯晚上不亮，老人出行不方便。' });
  let r = await search(county, op.tracking_code);
  expectStatus(r, 200);
  assert.deepEqual(group(r, 'opinion').map((x) => [x.id, x.tracking_code, x.state_name]), [[op.id, op.tracking_code, '已受理']]);
  assert.equal(r.json.total, 1);
  // an opinion of the other county (东城区): the city finds it, the county does not
  const dc = (await api(srv, 'GET', '/api/v1/regions/329902', { session: city })).json.region.children[0];
  const far = await reg(city, { region_code: dc.code, body: '东城区某小区电梯经常停运，居民上下楼困难。' });
  r = await search(city, far.tracking_code);
  assert.deepEqual(group(r, 'opinion').map((x) => x.id), [far.id]);
  r = await search(county, far.tracking_code);
  expectStatus(r, 200);
  assert.deepEqual(r.json.groups, []);
  assert.equal(r.json.total, 0);
  // a handling unit finds only what is assigned to it
  r = await search(handler, op.tracking_code);
  assert.deepEqual(group(r, 'opinion'), []);
  r = await api(srv, 'POST', `/api/v1/opinions/${op.id}/actions`, { session: county, body: { action: 'assign', handler_id: H1.id } });
  expectStatus(r, 200);
  r = await search(handler, op.tracking_code);
  assert.deepEqual(group(r, 'opinion').map((x) => x.id), [op.id]);
  // a deputy by name: staff of the scope; not a handling unit (it does not read the registry)
  r = await search(unit, peers[1].name);
  assert.ok(group(r, 'deputy').some((d) => d.id === peers[1].id));
  assert.ok(group(r, 'deputy').every((d) => d.name.includes(peers[1].name)));
  r = await search(handler, peers[1].name);
  assert.deepEqual(group(r, 'deputy'), []);
  // a meeting by title
  const m = (await api(srv, 'GET', '/api/v1/meetings?per_page=1', { session: county })).json.items[0];
  r = await search(county, m.title);
  assert.ok(group(r, 'meeting').some((x) => x.id === m.id));
  // the meeting list searches titles too
  r = await api(srv, 'GET', `/api/v1/meetings?q=${encodeURIComponent(m.title)}`, { session: county });
  assert.ok(r.json.items.length >= 1 && r.json.items.every((x) => x.title.includes(m.title)));
  // a suggestion by number: its staff, not the other county's
  const sg = await submitted();
  r = await search(county, sg.code);
  assert.deepEqual(group(r, 'suggestion').map((x) => [x.id, x.code, x.state_name]), [[sg.id, sg.code, '已提交']]);
  // a draft is its deputy's own: the deputy finds it by number, the staff do not
  r = await api(srv, 'POST', '/api/v1/suggestions', { session: deputy, body: { title: '关于修缮松岭镇文化站的建议',
    body: '松岭镇文化站屋顶漏雨，活动室无法使用，建议尽快修缮。' } });
  expectStatus(r, 201);
  const dr = r.json.suggestion;
  assert.deepEqual(group(await search(deputy, dr.code), 'suggestion').map((x) => x.id), [dr.id]);
  assert.deepEqual(group(await search(county, dr.code), 'suggestion'), []);
  // another deputy of the township who did not sign it does not find it either
  assert.deepEqual(group(await search(co, sg.code), 'suggestion'), []);
  // nothing to search; no session
  expectError(await search(county, ''), 400, 'bad_param');
  expectError(await api(srv, 'GET', '/api/v1/search'), 401, 'unauthenticated');
});

test('to-do: each count is the total of the list it links to, in the role\'s scope', async () => {
  let t = await todo(county);
  for (const k of ['opinion.classify', 'opinion.assign', 'opinion.returned', 'opinion.warn', 'opinion.overdue',
    'suggestion.accept', 'suggestion.assign', 'suggestion.warn', 'suggestion.overdue', 'motion.accept', 'meeting.signin_open'])
    assert.ok(t[k], `county staff have ${k}`);
  assert.ok(!t['opinion.accept'] && !t['suggestion.invited'], 'not the handling unit\'s or the deputy\'s');
  for (const x of Object.values(t)) assert.equal(x.count, await total(county, listPath(x)), `${x.key} = its list`);
  assert.deepEqual(t['opinion.classify'].filter, { state: 'received' });
  // a new opinion waits to be classified
  const before = t['opinion.classify'].count;
  const op = await reg(county, { station_id: st6.id, body: '菜市场周边占道经营严重，早高峰通行困难。' });
  t = await todo(county);
  assert.equal(t['opinion.classify'].count, before + 1);
  // the township's staff count their township only
  const u = await todo(unit);
  assert.ok(u['opinion.classify'].count < t['opinion.classify'].count);
  assert.equal(u['opinion.classify'].count, await total(unit, listPath(u['opinion.classify'])));

  // a handling unit counts only what is assigned to it
  let h = await todo(handler);
  assert.deepEqual(Object.keys(h).sort(), ['opinion.accept', 'opinion.overdue', 'opinion.warn',
    'suggestion.overdue', 'suggestion.reply', 'suggestion.warn']);
  for (const x of Object.values(h)) assert.equal(x.count, await total(handler, listPath(x)), `${x.key} = its list`);
  const accept = h['opinion.accept'].count;
  let r = await api(srv, 'POST', `/api/v1/opinions/${op.id}/actions`, { session: county, body: { action: 'assign', handler_id: H2.id } });
  expectStatus(r, 200);
  h = await todo(handler);
  assert.equal(h['opinion.accept'].count, accept, 'another unit\'s assignment is not counted');
  const op2 = await reg(county, { station_id: st6.id, body: '乡道路面坑洼严重，雨天积水，车辆难行。' });
  r = await api(srv, 'POST', `/api/v1/opinions/${op2.id}/actions`, { session: county, body: { action: 'assign', handler_id: H1.id } });
  expectStatus(r, 200);
  h = await todo(handler);
  assert.equal(h['opinion.accept'].count, accept + 1);

  // a deputy: invitations to co-sign, replies to rate, meetings to sign in to — its own
  let d = await todo(co);
  assert.deepEqual(Object.keys(d).sort(), ['meeting.signin', 'motion.invited', 'suggestion.invited', 'suggestion.to_rate']);
  for (const x of Object.values(d)) assert.equal(x.count, await total(co, listPath(x)), `${x.key} = its list`);
  const invited = d['suggestion.invited'].count;
  r = await api(srv, 'POST', '/api/v1/suggestions', { session: deputy, body: { title: '关于增设松岭镇公交站台的建议',
    body: '松岭镇中心学校门口没有公交站台，学生上下学候车不安全，建议增设。', cosigners: [peers[0].id] } });
  expectStatus(r, 201);
  d = await todo(co);
  assert.equal(d['suggestion.invited'].count, invited + 1);
  assert.equal((await todo(deputy))['suggestion.invited'].count, (await total(deputy, '/api/v1/suggestions?signer=invited')));
  // the deputies' own filters are theirs: staff are refused
  expectError(await api(srv, 'GET', '/api/v1/suggestions?signer=invited', { session: county }), 400, 'bad_param');
  expectError(await api(srv, 'GET', '/api/v1/meetings?signin=pending', { session: county }), 400, 'bad_param');
  expectError(await api(srv, 'GET', '/api/v1/suggestions?signer=all', { session: co }), 400, 'bad_param');

  // the administrators have nothing to do here
  r = await api(srv, 'GET', '/api/v1/todo', { session: admin });
  expectStatus(r, 200);
  assert.deepEqual(r.json, { items: [], total: 0 });
  expectError(await api(srv, 'GET', '/api/v1/todo'), 401, 'unauthenticated');
});
