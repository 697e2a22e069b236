// Labels (api.md "Labels"): the names of roles, states and actions as the server writes them, for
// the pages to show instead of a copy of their own. Any signed-in user; nobody else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, expectError, expectStatus } from './lib.mjs';

let srv, county, labels;
before(async () => {
  srv = await startServer();
  county = await login(srv, 'county');
  labels = expectStatus(await api(srv, 'GET', '/api/v1/labels', { session: county }), 200);
});
after(async () => { await srv.stop(); });

const CJK = /^[\u4e00-\u9fffA-D（）()，、]+$/;

test('anonymous: 401 unauthenticated, and nothing but GET', async () => {
  expectError(await api(srv, 'GET', '/api/v1/labels'), 401, 'unauthenticated');
  expectError(await api(srv, 'GET', '/api/v1/labels', { headers: { Cookie: 'renda_session=forged' } }), 401, 'unauthenticated');
  const r = await api(srv, 'POST', '/api/v1/labels', { session: county, body: {} });
  assert.equal(r.status, 405, r.text);
});

test('the shape: roles and the states and actions of each machine, all in Chinese', async () => {
  assert.deepEqual(Object.keys(labels), ['roles', 'opinion', 'suggestion', 'motion', 'meeting', 'vote', 'round', 'booking', 'supervision', 'rectify', 'budget', 'audit']);
  assert.deepEqual(Object.keys(labels.roles),
    ['sysadmin', 'secadmin', 'auditor', 'city_staff', 'county_staff', 'unit_staff', 'station_staff', 'deputy', 'handler', 'service']);
  for (const m of ['opinion', 'suggestion', 'motion']) assert.deepEqual(Object.keys(labels[m]), ['states', 'actions'], m);
  for (const m of ['meeting', 'vote', 'round', 'booking', 'budget']) assert.deepEqual(Object.keys(labels[m]), ['states', 'actions'], m);
  assert.equal(labels.round.actions.count, '计票');
  assert.deepEqual(Object.keys(labels.supervision), ['states', 'actions', 'kinds']);
  const names = [labels.roles, labels.supervision.kinds, ...['opinion', 'suggestion', 'motion', 'meeting', 'vote', 'round', 'booking', 'supervision', 'budget']
    .flatMap((m) => [labels[m].states, labels[m].actions].filter(Boolean))];
  for (const o of names) {
    assert.ok(Object.keys(o).length > 0);
    for (const [k, v] of Object.entries(o)) {
      assert.match(k, /^[a-z_]+$/);
      assert.match(v, CJK, `${k}: ${v}`);
      assert.match(v, /[\u4e00-\u9fff]/, `${k}: ${v}`);
    }
  }
  assert.equal(labels.opinion.states.received, '已受理');
  assert.equal(labels.opinion.actions.assign, '交办');
  assert.equal(labels.suggestion.states.assigned, '办理中');
  assert.equal(labels.motion.states.on_agenda, '列入会议议程');
  assert.equal(labels.roles.county_staff, '县(区)人大工作人员');
  // a meeting's closed and a vote's closed have their own names
  assert.equal(labels.meeting.states.closed, '已闭会');
  assert.equal(labels.vote.states.closed, '已结束');
  assert.deepEqual(Object.keys(labels.vote.states), ['draft', 'open', 'closed']);
  assert.deepEqual(Object.keys(labels.round.states), ['nominating', 'open', 'counted', 'void']);
  assert.deepEqual(Object.keys(labels.meeting.states).sort(), ['cancelled', 'closed', 'in_session', 'planned', 'signin_open']);
  assert.deepEqual(Object.keys(labels.booking.states).sort(), ['booked', 'cancelled', 'converted', 'met', 'no_show']);
  assert.equal(labels.audit.actions['booking.to_opinion'], '转为意见');
  assert.deepEqual(Object.keys(labels.supervision.states).sort(),
    ['cancelled', 'checked', 'heard', 'opinion_sent', 'planned', 'rated', 'reported', 'rereport']);
  assert.equal(labels.supervision.kinds.law_inspection, '执法检查');
  assert.equal(labels.audit.actions['supervision.send_opinion'], '送交审议意见');
  assert.equal(labels.audit.actions['supervision.create'], '新增监督事项');
  // rectification: its problems' states and steps, and the kinds of source
  assert.deepEqual(Object.keys(labels.rectify), ['states', 'actions', 'sources']);
  assert.deepEqual(Object.keys(labels.rectify.states), ['todo', 'in_progress', 'claimed', 'verified']);
  assert.equal(labels.rectify.actions.verify, '验收通过');
  assert.equal(labels.rectify.sources.opinion, '群众意见');
  assert.equal(labels.audit.actions['rectify_problem.reopen'], '退回重新整改');
});

test('every role reads the same labels, and its own role has the name its session shows', async () => {
  for (const u of ['admin', 'secadmin', 'auditor', 'city', 'unit', 'station', 'deputy', 'handler']) {
    const s = await login(srv, u);
    const r = await api(srv, 'GET', '/api/v1/labels', { session: s });
    assert.deepEqual(expectStatus(r, 200), labels, u);
    assert.equal(labels.roles[s.user.role], s.user.role_name, u);
  }
});

test('an account that must still change its password may read them', async () => {
  const sec = await login(srv, 'secadmin');
  const username = 'labels.' + Date.now().toString(36);
  expectStatus(await api(srv, 'POST', '/api/v1/accounts', { session: sec, body: {
    username, display_name: '标签测试', role: 'unit_staff', region_code: '329981101', password: 'Start#2024a' } }), 201);
  const s = await login(srv, username, 'Start#2024a');
  assert.equal(s.user.must_change_password, true);
  expectError(await api(srv, 'GET', '/api/v1/regions', { session: s }), 403, 'password_change_required');
  assert.deepEqual(expectStatus(await api(srv, 'GET', '/api/v1/labels', { session: s }), 200), labels);
});

test('the names are the ones the lists write, and exactly the states the list filters take', async () => {
  const lists = [
    ['/api/v1/opinions', labels.opinion.states],
    ['/api/v1/suggestions', labels.suggestion.states],
    ['/api/v1/motions', labels.motion.states],
    ['/api/v1/meetings', labels.meeting.states],
  ];
  for (const [path, states] of lists) {
    const r = expectStatus(await api(srv, 'GET', path + '?per_page=100', { session: county }), 200);
    if (path !== '/api/v1/motions') assert.ok(r.items.length > 0, `${path}: ${r.total}`); // the demo has no motions
    for (const x of r.items) assert.equal(x.state_name, states[x.state], `${path} ${x.id} ${x.state}`);
  }
  for (const [path, states] of lists.slice(0, 3)) {
    for (const state of Object.keys(states))
      expectStatus(await api(srv, 'GET', `${path}?per_page=1&state=${state}`, { session: county }), 200);
    expectError(await api(srv, 'GET', `${path}?state=nonsense`, { session: county }), 400, 'bad_param');
  }
});
