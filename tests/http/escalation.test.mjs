// Escalation (转交上级, api.md "Escalation"): township staff pass an opinion or a suggestion beyond
// their powers to the county's congress office with a reason; the county's staff find it in their
// lists and assign it to one of the county's own units, or return it with a reason, and the
// township then handles it itself. The citizen (tracking page) and the deputy see each step; the
// dates the item already had stay. Denied: another township, a handling unit, the county escalating
// to itself, a missing reason, escalating twice, the township assigning an escalated item, the
// county giving it to a township unit, anyone but the county deciding on it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, expectError, expectStatus } from './lib.mjs';

let srv, county, unit, unit2, deputy, handler, city, sec, auditor;
let Hcounty, Htown;
before(async () => {
  srv = await startServer();
  [county, unit, deputy, handler, city, sec, auditor] = await Promise.all(
    ['county', 'unit', 'deputy', 'handler', 'city', 'secadmin', 'auditor'].map((u) => login(srv, u)));
  const hs = (await api(srv, 'GET', '/api/v1/handlers?region=329981&per_page=100', { session: county })).json.items;
  Hcounty = hs.find((h) => h.name === '清河市交通运输局');
  Htown = hs.find((h) => h.name === '松岭镇村镇建设办公室');
  assert.ok(Hcounty && Htown);
  // staff of another township of the same county
  let r = await api(srv, 'POST', '/api/v1/accounts', { session: sec, body: { username: 'unit.other', display_name: '白圩镇工作人员',
    password: 'Start#2024a', role: 'unit_staff', region_code: '329981102' } });
  expectStatus(r, 201);
  const s = await login(srv, 'unit.other', 'Start#2024a');
  r = await api(srv, 'POST', '/api/v1/session/password', { session: s, body: { old_password: 'Start#2024a', new_password: 'Changed#2024b' } });
  expectStatus(r, 204);
  unit2 = await login(srv, 'unit.other', 'Changed#2024b');
});
after(async () => { if (process.env.SHOW_STDERR) console.log(srv.stderr()); await srv.stop(); });

const opAct = (s, id, body) => api(srv, 'POST', `/api/v1/opinions/${id}/actions`, { session: s, body });
const opGet = async (s, id) => { const r = await api(srv, 'GET', `/api/v1/opinions/${id}`, { session: s }); expectStatus(r, 200); return r.json.opinion; };
const sgAct = (s, id, body) => api(srv, 'POST', `/api/v1/suggestions/${id}/actions`, { session: s, body });
const sgGet = async (s, id) => { const r = await api(srv, 'GET', `/api/v1/suggestions/${id}`, { session: s }); expectStatus(r, 200); return r.json.suggestion; };
const ids = async (s, path) => { const r = await api(srv, 'GET', path, { session: s }); expectStatus(r, 200); return r.json.items.map((o) => o.id); };

async function opinion(body = '松岭镇通往县城的县道桥梁出现裂缝，需要县交通部门检修') {
  const r = await api(srv, 'POST', '/api/v1/opinions', { session: unit, body: { channel: 'visit', region_code: '329981101',
    body, phone: '13812345678' } });
  expectStatus(r, 201);
  return r.json.opinion;
}

async function acceptedSuggestion() {
  let r = await api(srv, 'POST', '/api/v1/suggestions', { session: deputy, body: {
    title: '关于维修县道松岭段桥梁的建议', body: '县道松岭段桥梁出现裂缝，影响通行安全，建议县交通部门尽快检修加固。' } });
  expectStatus(r, 201);
  const id = r.json.suggestion.id;
  expectStatus(await sgAct(deputy, id, { action: 'submit' }), 200);
  expectStatus(await sgAct(unit, id, { action: 'accept' }), 200);
  return sgGet(unit, id);
}

test('an opinion goes up to the county, which assigns it to a county unit; the citizen sees each step', async () => {
  const o = await opinion();
  // a reason is required, named in Chinese on its field
  let r = await opAct(unit, o.id, { action: 'escalate' });
  expectError(r, 400, 'missing_field');
  assert.equal(r.json.error.field, 'reason');
  assert.match(r.json.error.message, /转交理由/);
  r = await opAct(unit, o.id, { action: 'escalate', reason: ' ' });
  expectError(r, 400, 'missing_field');
  // another township's staff do not see it; a handling unit does not either
  expectError(await opAct(unit2, o.id, { action: 'escalate', reason: '超出本镇职权' }), 404, 'not_found');
  expectError(await opAct(handler, o.id, { action: 'escalate', reason: '超出本镇职权' }), 404, 'not_found');
  // the county's staff assign it themselves: nothing to send up to
  expectError(await opAct(county, o.id, { action: 'escalate', reason: '超出本镇职权' }), 403, 'forbidden');
  assert.equal((await opGet(unit, o.id)).state, 'received', 'nothing was stored by the refusals');

  r = await opAct(unit, o.id, { action: 'escalate', reason: '县道桥梁归县交通运输局管养，超出本镇职权' });
  expectStatus(r, 200);
  let x = r.json.opinion;
  assert.equal(x.state, 'escalated');
  assert.equal(x.escalated_to, '329981');
  assert.equal(x.escalated_to_name, '清河市');
  assert.equal(x.escalation_reason, '县道桥梁归县交通运输局管养，超出本镇职权');
  assert.equal(x.handler_id, null);
  const ev = x.events.at(-1);
  assert.deepEqual([ev.action, ev.from_state, ev.to_state], ['escalate', 'received', 'escalated']);
  assert.match(ev.note, /转交清河市：县道桥梁归县交通运输局管养/);
  // twice: refused, whoever asks
  expectError(await opAct(unit, o.id, { action: 'escalate', reason: '再次转交' }), 409, 'bad_state');
  // the township no longer assigns it; the city above the county does not decide on it either
  expectError(await opAct(unit, o.id, { action: 'assign', handler_id: Htown.id }), 403, 'forbidden');
  expectError(await opAct(city, o.id, { action: 'assign', handler_id: Hcounty.id }), 403, 'forbidden');
  expectError(await opAct(unit, o.id, { action: 'escalation_return', reason: '本镇自行办理' }), 403, 'forbidden');

  // the county finds it by state and by the 上级转交 filter; the township still sees it in its own list
  assert.ok((await ids(county, '/api/v1/opinions?state=escalated&per_page=100')).includes(o.id));
  assert.ok((await ids(county, '/api/v1/opinions?escalated=1&per_page=100')).includes(o.id));
  assert.ok((await ids(unit, '/api/v1/opinions?escalated=1&per_page=100')).includes(o.id));
  assert.ok(!(await ids(unit2, '/api/v1/opinions?escalated=1&per_page=100')).includes(o.id));
  expectError(await api(srv, 'GET', '/api/v1/opinions?escalated=yes', { session: county }), 400, 'bad_param');
  // the county's staff were told
  r = await api(srv, 'GET', '/api/v1/notifications', { session: county });
  assert.ok(r.json.items.some((n) => n.title === '下级转交了一件群众意见' && n.link.endsWith(`/${o.id}`)), r.text);

  // the county gives it to one of its own units, not to a township's
  r = await opAct(county, o.id, { action: 'assign', handler_id: Htown.id });
  expectError(r, 400, 'bad_handler');
  assert.equal(r.json.error.field, 'handler_id');
  r = await opAct(county, o.id, { action: 'assign', handler_id: Hcounty.id });
  expectStatus(r, 200);
  x = r.json.opinion;
  assert.equal(x.state, 'assigned');
  assert.equal(x.handler_id, Hcounty.id);
  assert.ok(x.deadline, 'the deadline runs from the county\'s assignment');
  assert.equal(x.escalated_to, '329981', 'still marked as escalated');
  // the county unit now holds it; the township sees each step in the history
  assert.ok((await ids(handler, '/api/v1/opinions?per_page=100')).includes(o.id));
  assert.deepEqual((await opGet(unit, o.id)).events.map((e) => e.action), ['register', 'escalate', 'assign']);
  // the citizen's tracking page names the steps
  r = await api(srv, 'GET', `/api/v1/public/opinions/${o.tracking_code}?secret=${o.secret}`);
  expectStatus(r, 200);
  assert.deepEqual(r.json.opinion.events.map((e) => e.action).slice(-2), ['转交上级', '交办']);
  assert.equal(r.json.opinion.state_name, '已交办');
  // audited as opinion.escalate
  r = await api(srv, 'GET', `/api/v1/audit?object_type=opinion&object_id=${o.id}&action=opinion.escalate`, { session: auditor });
  expectStatus(r, 200);
  assert.equal(r.json.items.length, 1);
  assert.equal(r.json.items[0].outcome, 'done');
});

test('the county returns an escalated opinion with a reason; the township handles it itself', async () => {
  const o = await opinion('松岭镇中心村路口积水，希望县里统一修排水沟');
  expectStatus(await opAct(unit, o.id, { action: 'escalate', reason: '排水工程需县水利局立项' }), 200);
  // a handling unit does not see it; another township neither
  expectError(await opAct(handler, o.id, { action: 'escalation_return', reason: '不归我们' }), 404, 'not_found');
  expectError(await opAct(unit2, o.id, { action: 'escalation_return', reason: '不归我们' }), 404, 'not_found');
  let r = await opAct(county, o.id, { action: 'escalation_return' });
  expectError(r, 400, 'missing_field');
  assert.equal(r.json.error.field, 'reason');
  assert.match(r.json.error.message, /退回理由/);
  r = await opAct(county, o.id, { action: 'escalation_return', reason: '属村内小型排水，由镇村建办组织疏通' });
  expectStatus(r, 200);
  const x = r.json.opinion;
  assert.equal(x.state, 'returned');
  assert.equal(x.reason, '属村内小型排水，由镇村建办组织疏通');
  assert.equal(x.events.at(-1).action, 'escalation_return');
  assert.equal(x.events.at(-1).note, '属村内小型排水，由镇村建办组织疏通');
  // the township was told
  r = await api(srv, 'GET', '/api/v1/notifications', { session: unit });
  assert.ok(r.json.items.some((n) => n.title === '上级退回了转交的群众意见'), r.text);
  // it goes up once: returned, it is the township's to handle
  expectError(await opAct(unit, o.id, { action: 'escalate', reason: '请县里再看看' }), 409, 'already_escalated');
  expectError(await opAct(county, o.id, { action: 'escalation_return', reason: '再退' }), 409, 'bad_state');
  r = await opAct(unit, o.id, { action: 'assign', handler_id: Htown.id });
  expectStatus(r, 200);
  assert.equal(r.json.opinion.handler_id, Htown.id);
  r = await api(srv, 'GET', `/api/v1/public/opinions/${o.tracking_code}?secret=${o.secret}`);
  assert.deepEqual(r.json.opinion.events.map((e) => e.action).slice(-3), ['转交上级', '上级退回', '交办']);
});

test('a suggestion goes up to the county, which assigns it; its intake dates stay; the deputy sees each step', async () => {
  const s = await acceptedSuggestion();
  assert.equal(s.state, 'accepted');
  const toAssign = async () => (await api(srv, 'GET', '/api/v1/suggestions/board', { session: county })).json.to_assign;
  const before = await toAssign();
  let r = await sgAct(unit, s.id, { action: 'escalate' });
  expectError(r, 400, 'missing_field');
  assert.equal(r.json.error.field, 'reason');
  assert.match(r.json.error.message, /转交理由/);
  expectError(await sgAct(unit2, s.id, { action: 'escalate', reason: '超出本镇职权' }), 404, 'not_found');
  expectError(await sgAct(handler, s.id, { action: 'escalate', reason: '超出本镇职权' }), 404, 'not_found');
  expectError(await sgAct(deputy, s.id, { action: 'escalate', reason: '超出本镇职权' }), 403, 'forbidden');
  expectError(await sgAct(county, s.id, { action: 'escalate', reason: '超出本镇职权' }), 403, 'forbidden');
  r = await sgAct(unit, s.id, { action: 'escalate', reason: '县道桥梁维修属县交通运输局职责' });
  expectStatus(r, 200);
  let x = r.json.suggestion;
  assert.equal(x.state, 'escalated');
  assert.equal(x.escalated_to, '329981');
  assert.equal(x.escalation_reason, '县道桥梁维修属县交通运输局职责');
  assert.equal(x.accepted_on, s.accepted_on);
  assert.equal(x.intake_deadline, s.intake_deadline);
  expectError(await sgAct(unit, s.id, { action: 'escalate', reason: '再次转交' }), 409, 'bad_state');
  expectError(await sgAct(unit, s.id, { action: 'assign', lead_handler_id: Htown.id }), 403, 'forbidden');
  expectError(await sgAct(city, s.id, { action: 'assign', lead_handler_id: Hcounty.id }), 403, 'forbidden');
  assert.ok((await ids(county, '/api/v1/suggestions?state=escalated&per_page=100')).includes(s.id));
  assert.ok((await ids(county, '/api/v1/suggestions?escalated=1&per_page=100')).includes(s.id));
  // still waiting to be assigned: on the board and among the open items
  assert.equal(await toAssign(), before);
  assert.ok((await ids(county, '/api/v1/suggestions?due=open&state=escalated&per_page=100')).includes(s.id));
  // the deputy was told and sees the step
  r = await api(srv, 'GET', '/api/v1/notifications', { session: deputy });
  assert.ok(r.json.items.some((n) => n.title === '您的建议已转交上级人大交办'), r.text);
  assert.equal((await sgGet(deputy, s.id)).events.at(-1).action, 'escalate');
  // a county unit as lead and any co-handler: the county's own only
  r = await sgAct(county, s.id, { action: 'assign', lead_handler_id: Htown.id });
  expectError(r, 400, 'bad_handler');
  assert.equal(r.json.error.field, 'lead_handler_id');
  r = await sgAct(county, s.id, { action: 'assign', lead_handler_id: Hcounty.id, co_handler_ids: [Htown.id] });
  expectError(r, 400, 'bad_handler');
  assert.equal(r.json.error.field, 'co_handler_ids');
  r = await sgAct(county, s.id, { action: 'assign', lead_handler_id: Hcounty.id });
  expectStatus(r, 200);
  x = r.json.suggestion;
  assert.equal(x.state, 'assigned');
  assert.equal(x.lead_handler, '清河市交通运输局');
  assert.equal(x.accepted_on, s.accepted_on, 'the intake is still the township\'s');
  assert.ok(x.deadline);
  const seen = await sgGet(deputy, s.id);
  assert.deepEqual(seen.events.map((e) => e.action).slice(-2), ['escalate', 'assign']);
  r = await api(srv, 'GET', `/api/v1/audit?object_type=suggestion&object_id=${s.id}&action=suggestion.escalate`, { session: auditor });
  assert.equal(r.json.items.length, 1);
});

test('the county returns an escalated suggestion with a reason; the township assigns it itself', async () => {
  const s = await acceptedSuggestion();
  expectStatus(await sgAct(unit, s.id, { action: 'escalate', reason: '需县级部门办理' }), 200);
  expectError(await sgAct(unit, s.id, { action: 'escalation_return', reason: '自行办理' }), 403, 'forbidden');
  expectError(await sgAct(handler, s.id, { action: 'escalation_return', reason: '不归我们' }), 404, 'not_found');
  let r = await sgAct(county, s.id, { action: 'escalation_return', reason: '' });
  expectError(r, 400, 'missing_field');
  assert.equal(r.json.error.field, 'reason');
  r = await sgAct(county, s.id, { action: 'escalation_return', reason: '属镇级事权，请镇村建办办理' });
  expectStatus(r, 200);
  assert.equal(r.json.suggestion.state, 'accepted');
  assert.equal(r.json.suggestion.reason, '属镇级事权，请镇村建办办理');
  expectError(await sgAct(unit, s.id, { action: 'escalate', reason: '请县里再看看' }), 409, 'already_escalated');
  r = await sgAct(unit, s.id, { action: 'assign', lead_handler_id: Htown.id });
  expectStatus(r, 200);
  assert.deepEqual((await sgGet(deputy, s.id)).events.map((e) => e.action).slice(-3), ['escalate', 'escalation_return', 'assign']);
});
