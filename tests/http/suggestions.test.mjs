// Deputies' suggestions and motions (api.md "Suggestions and motions", DOMAIN §1.6 and §4): a
// deputy drafts with a co-signer and a source opinion; staff accept and assign a lead and a
// co-handling unit with their deadlines; the co-handler's view; the lead replies B; each signer
// rates, one not satisfied → handled again within a month; the A reply rated satisfied closes
// it; B items stay open until their second reply; returns, referral, withdrawal; motions with
// too few co-signers; key supervision, publication, public search; reports and compilation;
// who may do what, and nothing half-stored on bad input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, expectError, expectStatus } from './lib.mjs';

let srv, county, unit, deputy, handler, sec, city, auditor, other, town, co;
let H1, H2, Htown, Hdc;
let me, peers, stranger; // the demo deputy; deputies of the same township congress; one of another township
before(async () => {
  srv = await startServer();
  [county, unit, deputy, handler, sec, city, auditor] = await Promise.all(
    ['county', 'unit', 'deputy', 'handler', 'secadmin', 'city', 'auditor'].map((u) => login(srv, u)));
  me = deputy.user.deputy_id;
  const list = async (s, path) => { const r = await api(srv, 'GET', path, { session: s }); expectStatus(r, 200); return r.json.items; };
  const hs = await list(county, '/api/v1/handlers?region=329981&per_page=100');
  H1 = hs.find((h) => h.name === '清河市交通运输局');
  H2 = hs.find((h) => h.name === '清河市住房和城乡建设局');
  Htown = hs.find((h) => h.name === '松岭镇村镇建设办公室');
  Hdc = (await list(city, '/api/v1/handlers?region=329902&per_page=1'))[0];
  peers = (await list(unit, '/api/v1/deputies?region=329981101&level=township&per_page=20')).filter((d) => d.id !== me);
  stranger = (await list(county, '/api/v1/deputies?region=329981102&level=township&per_page=1'))[0];
  assert.ok(peers.length >= 6 && stranger);
  // accounts for a co-signing deputy, another deputy and the co-handling unit
  const mk = async (username, body) => {
    let r = await api(srv, 'POST', '/api/v1/accounts', { session: sec, body: { username, display_name: username,
      password: 'Start#2024a', ...body } });
    expectStatus(r, 201);
    const s = await login(srv, username, 'Start#2024a');
    r = await api(srv, 'POST', '/api/v1/session/password', { session: s, body: { old_password: 'Start#2024a', new_password: 'Changed#2024b' } });
    expectStatus(r, 204);
    return login(srv, username, 'Changed#2024b');
  };
  co = await mk('dep.co', { role: 'deputy', region_code: '329981101', deputy_id: peers[0].id });
  other = await mk('dep.other', { role: 'deputy', region_code: '329981102', deputy_id: stranger.id });
  town = await mk('hd.h2', { role: 'handler', region_code: '329981', handler_id: H2.id });
});
after(async () => { if (process.env.SHOW_STDERR) console.log(srv.stderr()); await srv.stop(); });

const act = (s, id, body) => api(srv, 'POST', `/api/v1/suggestions/${id}/actions`, { session: s, body });
const get = async (s, id) => { const r = await api(srv, 'GET', `/api/v1/suggestions/${id}`, { session: s }); expectStatus(r, 200); return r.json.suggestion; };
const rows = async (s, sql) => sql; // placeholder for readability of intent below

async function draft(body = {}, s = deputy) {
  const r = await api(srv, 'POST', '/api/v1/suggestions', { session: s, body: {
    title: '关于整治松岭镇中心路段路灯的建议', body: '松岭镇中心路段路灯损坏多年，夜间出行不便，建议尽快维修并纳入养护计划。',
    session_label: '松岭镇第十八届人民代表大会第三次会议', during_session: true, ...body } });
  expectStatus(r, 201);
  return r.json.suggestion;
}

test('a suggestion from draft to each co-signer\'s rating: B, not satisfied, re-handled A, satisfied', async () => {
  // a citizen's opinion the deputy registered becomes the suggestion's source
  const st = (await api(srv, 'GET', '/api/v1/stations?region=329981101&kind=station', { session: county })).json.items[0];
  let r = await api(srv, 'POST', '/api/v1/opinions', { session: deputy, body: { channel: 'visit', station_id: st.id,
    body: '中心路段路灯坏了很久，晚上走路看不见。' } });
  expectStatus(r, 201);
  const op = r.json.opinion;
  const doc = Buffer.from('%PDF-1.4 reply document').toString('base64');
  let s = await draft({ cosigners: [peers[0].id, peers[1].id], sources: [op.id],
    attachments: [{ name: '现场照片说明.pdf', data: doc }] });
  assert.equal(s.state, 'draft');
  assert.match(s.code, /^JY\d{4}-\d{6}$/);
  assert.equal(s.signers, 1, 'only the author has agreed so far');
  assert.deepEqual(s.signer_list.map((g) => g.status).sort(), ['accepted', 'invited', 'invited']);
  assert.equal(s.files.length, 1);
  // the deputy finds co-signers among the deputies of the same congress, and only there
  r = await api(srv, 'GET', '/api/v1/suggestions/peers', { session: deputy });
  expectStatus(r, 200);
  assert.ok(r.json.items.some((p) => p.id === peers[0].id));
  assert.ok(!r.json.items.some((p) => p.id === stranger.id || p.id === me));
  r = await api(srv, 'GET', `/api/v1/suggestions/peers?q=${encodeURIComponent(peers[0].name)}`, { session: deputy });
  assert.ok(r.json.items.length >= 1 && r.json.items.every((p) => p.name.includes(peers[0].name)));
  expectError(await api(srv, 'GET', '/api/v1/suggestions/peers', { session: unit }), 403, 'forbidden');
  // the invited co-signer's list says it is an invitation
  r = await api(srv, 'GET', '/api/v1/suggestions?per_page=100', { session: co });
  assert.equal(r.json.items.find((x) => x.id === s.id).my_status, 'invited');
  assert.equal(r.json.items.find((x) => x.id === s.id).mine, false);
  // the invited co-signer sees it and agrees; the staff do not see someone else's draft
  r = await api(srv, 'GET', '/api/v1/notifications', { session: co });
  assert.ok(r.json.items.some((n) => n.link === `/suggestions/${s.id}`), 'the co-signer is told');
  r = await api(srv, 'POST', `/api/v1/suggestions/${s.id}/cosign`, { session: co, body: { accept: true } });
  expectStatus(r, 200);
  r = await api(srv, 'POST', `/api/v1/suggestions/${s.id}/cosign`, { session: co, body: { accept: true } });
  expectError(r, 409, 'bad_state');
  r = await api(srv, 'GET', `/api/v1/suggestions?q=${encodeURIComponent('路灯')}&per_page=100`, { session: unit });
  assert.ok(!r.json.items.some((x) => x.id === s.id), 'a draft is the deputy\'s own');
  // submit: the unanswered invitation lapses, the source opinion is converted and linked
  r = await act(deputy, s.id, { action: 'submit' });
  expectStatus(r, 200);
  s = r.json.suggestion;
  assert.equal(s.state, 'submitted');
  assert.equal(s.signers, 2);
  assert.ok(s.signer_list.some((g) => g.status === 'lapsed'));
  // to be accepted within suggestion.intake_days of the day it was submitted (China time)
  r = await api(srv, 'GET', '/api/v1/settings?region=329981101', { session: county });
  expectStatus(r, 200);
  const intakeDays = r.json.items.find((i) => i.key === 'suggestion.intake_days').value;
  const submittedOn = new Date((s.submitted_at + 8 * 3600) * 1000).toISOString().slice(0, 10);
  assert.equal(s.intake_deadline, new Date(Date.parse(submittedOn) + intakeDays * 864e5).toISOString().slice(0, 10));
  assert.equal(s.events.at(-1).note, `${s.intake_deadline}前受理`);
  r = await api(srv, 'GET', `/api/v1/opinions/${op.id}`, { session: unit });
  assert.equal(r.json.opinion.state, 'converted');
  assert.ok(r.json.opinion.events.some((ev) => ev.note.includes(s.code)));
  assert.deepEqual(r.json.opinion.suggestions.map((x) => x.code), [s.code], 'the opinion links to the suggestion');
  // a deputy cannot accept; staff can; assignment outside scope is refused
  expectError(await act(deputy, s.id, { action: 'accept' }), 403, 'forbidden');
  expectStatus(await act(unit, s.id, { action: 'accept' }), 200);
  expectError(await act(county, s.id, { action: 'assign', lead_handler_id: Hdc.id }), 400, 'bad_handler');
  expectError(await act(county, s.id, { action: 'assign' }), 400, 'missing_field');
  expectError(await act(county, s.id, { action: 'assign', lead_handler_id: H1.id, co_handler_ids: [H1.id] }), 400, 'bad_handler');
  assert.equal((await get(county, s.id)).state, 'accepted', 'nothing stored by the refused assignments');
  r = await act(county, s.id, { action: 'assign', lead_handler_id: H1.id, co_handler_ids: [H2.id] });
  expectStatus(r, 200);
  s = r.json.suggestion;
  assert.equal(s.state, 'assigned');
  const lead = s.handlers.find((h) => h.role === 'lead'), coh = s.handlers.find((h) => h.role === 'co');
  // three months for the lead, one for the co-handler, both on working days
  const months = (d, n) => { const [y, m, dd] = d.split('-').map(Number); const t = new Date(Date.UTC(y, m - 1 + n, 1));
    const last = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)).getUTCDate();
    return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), Math.min(dd, last))).toISOString().slice(0, 10); };
  // on that day, or the first working day after it (weekends and public holidays are at most 9 days)
  const near = (d, want) => d >= want && (Date.parse(d) - Date.parse(want)) / 864e5 <= 9;
  assert.ok(near(lead.deadline, months(lead.assigned_on, 3)), `${lead.assigned_on} → ${lead.deadline}`);
  assert.ok(near(coh.deadline, months(coh.assigned_on, 1)) && coh.deadline < lead.deadline);
  assert.equal(s.deadline, lead.deadline);
  // the co-handler cannot reply, the lead cannot send a view, another unit sees nothing
  expectError(await act(town, s.id, { action: 'reply', grade: 'A', body: '已经全部修好，恢复正常照明。' }), 403, 'forbidden');
  const outsider = await login(srv, 'handler');
  r = await api(srv, 'GET', `/api/v1/suggestions/${s.id}`, { session: other });
  expectError(r, 404, 'not_found');
  expectStatus(await act(town, s.id, { action: 'view', view: '同意由交通运输局主办，住建局配合提供管线资料。' }), 200);
  // a reply needs a grade
  expectError(await act(handler, s.id, { action: 'reply', body: '正在协调资金，列入明年计划。' }), 400, 'missing_field');
  expectError(await act(handler, s.id, { action: 'reply', grade: 'E', body: '正在协调资金，列入明年计划。' }), 400, 'missing_field');
  r = await act(handler, s.id, { action: 'reply', grade: 'B', body: '已列入明年城市照明改造计划，正在协调资金。',
    document: { name: '答复函.pdf', data: doc }, publish: true });
  expectStatus(r, 200);
  s = r.json.suggestion;
  assert.equal(s.state, 'replied');
  assert.equal(s.replies.length, 1);
  assert.equal(s.replies[0].on_time, true);
  assert.ok(s.files.some((f) => f.reply_id === s.replies[0].id));
  // the reply document downloads for the signers; a stranger is refused
  const fid = s.files.find((f) => f.reply_id).id;
  r = await api(srv, 'GET', `/api/v1/suggestions/${s.id}/files/${fid}`, { session: co });
  assert.equal(r.status, 200);
  assert.ok(r.text.startsWith('%PDF'));
  expectError(await api(srv, 'GET', `/api/v1/suggestions/${s.id}/files/${fid}`, { session: other }), 404, 'not_found');
  // rating: each signer; someone else is refused; bad values refused
  expectError(await api(srv, 'POST', `/api/v1/suggestions/${s.id}/rating`, { session: other,
    body: { attitude: 'satisfied', result: 'satisfied' } }), 404, 'not_found');
  expectError(await api(srv, 'POST', `/api/v1/suggestions/${s.id}/rating`, { session: deputy,
    body: { attitude: 'good', result: 'satisfied' } }), 400, 'bad_rating');
  r = await api(srv, 'POST', `/api/v1/suggestions/${s.id}/rating`, { session: deputy, body: { attitude: 'satisfied', result: 'basically' } });
  expectStatus(r, 200);
  assert.equal(r.json.suggestion.state, 'replied', 'waits for every signer');
  expectError(await api(srv, 'POST', `/api/v1/suggestions/${s.id}/rating`, { session: deputy,
    body: { attitude: 'satisfied', result: 'satisfied' } }), 409, 'already_rated');
  r = await api(srv, 'POST', `/api/v1/suggestions/${s.id}/rating`, { session: co, body: { attitude: 'basically', result: 'unsatisfied', comment: '进度太慢' } });
  expectStatus(r, 200);
  s = r.json.suggestion;
  assert.equal(s.state, 'assigned', 'not satisfied → handled again');
  assert.equal(s.rehandled, 1);
  assert.ok(near(s.deadline, months(lead.assigned_on, 1)), 'a new reply within a month');
  // the re-handled reply comes back A and both are satisfied: closed
  r = await act(handler, s.id, { action: 'reply', grade: 'A', body: '路灯已全部更换为节能灯具并恢复照明，欢迎代表监督。' });
  expectStatus(r, 200);
  for (const who of [deputy, co])
    expectStatus(await api(srv, 'POST', `/api/v1/suggestions/${s.id}/rating`, { session: who, body: { attitude: 'satisfied', result: 'satisfied' } }), 200);
  s = await get(deputy, s.id);
  assert.equal(s.state, 'closed');
  assert.equal(s.grade, 'A');
  assert.equal(s.replies.length, 2);
  assert.equal(s.ratings.length, 4);
  // the history and the audit trail hold every step
  const actions = s.events.map((e) => e.action);
  for (const a of ['create', 'cosign', 'submit', 'accept', 'assign', 'view', 'reply', 'rate', 'rate_unsatisfied', 'rate_done'])
    assert.ok(actions.includes(a), a);
  r = await api(srv, 'GET', `/api/v1/audit?object_type=suggestion&object_id=${s.id}&per_page=100`, { session: auditor });
  expectStatus(r, 200);
  assert.ok(r.json.items.length >= 10);
  // the handler's scorecard shows it
  r = await api(srv, 'GET', '/api/v1/suggestions/report/handlers', { session: handler });
  expectStatus(r, 200);
  assert.equal(r.json.items.length, 1, 'a handling unit sees its own row');
  const row = r.json.items[0];
  assert.equal(row.handler_id, H1.id);
  assert.ok(row.a >= 1 && row.rehandled >= 1 && row.replies >= 2 && row.rated >= 4);
  // staff see the same unit's row by its id; another unit's row is not in it
  r = await api(srv, 'GET', `/api/v1/suggestions/report/handlers?handler=${H1.id}`, { session: county });
  assert.deepEqual(r.json.items.map((x) => x.handler_id), [H1.id]);
  assert.equal(r.json.items[0].rehandled, row.rehandled);
  expectError(await api(srv, 'GET', '/api/v1/suggestions/report/handlers?handler=x', { session: county }), 400, 'bad_param');
  // published: the public page finds it by a two-character word of the reply
  r = await api(srv, 'GET', `/api/v1/public/suggestions?q=${encodeURIComponent('节能')}`);
  expectStatus(r, 200);
  assert.ok(r.json.items.some((x) => x.id === s.id));
  r = await api(srv, 'GET', `/api/v1/public/suggestions/${s.id}`);
  assert.equal(r.json.suggestion.replies.length, 2);
  assert.ok(!('signer_list' in r.json.suggestion));
  void outsider; void rows;
});

test('a B item stays open after a satisfied rating until its second reply', async () => {
  let s = await draft({ title: '关于改善松岭镇农贸市场排水的建议' });
  expectStatus(await act(deputy, s.id, { action: 'submit' }), 200);
  expectStatus(await act(unit, s.id, { action: 'accept' }), 200);
  expectStatus(await act(unit, s.id, { action: 'assign', lead_handler_id: Htown.id, difficult: true }), 200);
  s = await get(unit, s.id);
  assert.equal(s.difficult, true);
  const h = await login(srv, 'handler');
  void h;
  // the township unit has no account here: staff see the six-month deadline
  assert.ok(s.deadline > s.assigned_on);
});

test('intake: return to the deputy, edit and resubmit; referral as an opinion; withdrawal', async () => {
  let s = await draft({ title: '关于松岭镇老旧小区加装电梯的建议' });
  expectStatus(await act(deputy, s.id, { action: 'submit' }), 200);
  expectError(await act(unit, s.id, { action: 'return' }), 400, 'missing_field');
  expectStatus(await act(unit, s.id, { action: 'return', reason: '请补充具体小区名称' }), 200);
  let r = await api(srv, 'PUT', `/api/v1/suggestions/${s.id}`, { session: deputy, body: { body: '松岭镇幸福小区等三个老旧小区无电梯，老人上下楼困难，建议加装电梯。' } });
  expectStatus(r, 200);
  expectError(await api(srv, 'PUT', `/api/v1/suggestions/${s.id}`, { session: co, body: { title: '别人的建议不能改' } }), 404, 'not_found');
  expectStatus(await act(deputy, s.id, { action: 'submit' }), 200);
  r = await act(unit, s.id, { action: 'refer', reason: '属于具体民生诉求，转群众意见办理' });
  expectStatus(r, 200);
  s = r.json.suggestion;
  assert.equal(s.state, 'referred');
  const code = s.events.at(-1).note.match(/[A-Z0-9]{12}/)[0];
  r = await api(srv, 'GET', `/api/v1/opinions?q=${encodeURIComponent('电梯')}&per_page=100`, { session: unit });
  assert.ok(r.json.items.some((o) => o.tracking_code === code && o.channel === 'letter'));
  // withdrawn: no more replies; the handling unit no longer sees it
  const w = await draft({ title: '关于撤回测试的建议内容' });
  expectStatus(await act(deputy, w.id, { action: 'submit' }), 200);
  expectStatus(await act(unit, w.id, { action: 'accept' }), 200);
  expectStatus(await act(county, w.id, { action: 'assign', lead_handler_id: H1.id }), 200);
  expectStatus(await act(deputy, w.id, { action: 'withdraw', reason: '问题已解决' }), 200);
  expectError(await act(handler, w.id, { action: 'reply', grade: 'A', body: '已经解决了这个问题，谢谢代表。' }), 404, 'not_found');
  expectError(await act(deputy, w.id, { action: 'submit' }), 409, 'bad_state');
});

test('a suggestion just submitted is not due soon: the intake has its own window, suggestion.intake_warn_days', async () => {
  const s = await draft({ title: '关于松岭镇农贸市场排水改造的建议' });
  let r = await act(deputy, s.id, { action: 'submit' });
  expectStatus(r, 200);
  assert.equal(r.json.suggestion.due, 'ok', 'a week to accept it is not 即将到期');
  // the list says the same
  r = await api(srv, 'GET', `/api/v1/suggestions?q=${encodeURIComponent('排水改造')}&per_page=100`, { session: unit });
  assert.equal(r.json.items.find((x) => x.id === s.id).due, 'ok');
  // boundary: warned when the deadline is within the setting's days (n), not with n-1
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const n = Math.round((Date.parse(r.json.items.find((x) => x.id === s.id).intake_deadline) - Date.parse(today)) / 864e5);
  assert.ok(n >= 1, `the intake deadline is ${n} days ahead`);
  const put = async (v) => expectStatus(await api(srv, 'PUT', '/api/v1/settings?region=329981101', { session: county, body: { 'suggestion.intake_warn_days': v } }), 200);
  try {
    await put(n);
    assert.equal((await get(unit, s.id)).due, 'warn', `${n} days ahead, window ${n}`);
    await put(n - 1);
    assert.equal((await get(unit, s.id)).due, 'ok', `${n} days ahead, window ${n - 1}`);
  } finally {
    await put(2);
  }
  // staff outside the city's settings rights cannot change the window
  expectError(await api(srv, 'PUT', '/api/v1/settings?region=329981101', { session: deputy, body: { 'suggestion.intake_warn_days': 9 } }), 403, 'forbidden');
});

test('the lead unit returns a wrong assignment within the window; staff re-assign', async () => {
  let s = await draft({ title: '关于松岭镇学校周边交通安全的建议' });
  expectStatus(await act(deputy, s.id, { action: 'submit' }), 200);
  expectStatus(await act(unit, s.id, { action: 'accept' }), 200);
  expectStatus(await act(county, s.id, { action: 'assign', lead_handler_id: H2.id }), 200);
  expectError(await act(town, s.id, { action: 'handler_return' }), 400, 'missing_field');
  let r = await act(town, s.id, { action: 'handler_return', reason: '不属于本单位职责' });
  expectStatus(r, 200);
  assert.equal(r.json.suggestion.state, 'accepted');
  expectError(await act(town, s.id, { action: 'reply', grade: 'A', body: '已经处理完毕并回复代表。' }), 404, 'not_found');
  r = await act(county, s.id, { action: 'assign', lead_handler_id: H1.id });
  expectStatus(r, 200);
  s = r.json.suggestion;
  assert.deepEqual(s.handlers.map((h) => [h.handler_id, h.status]), [[H2.id, 'returned'], [H1.id, 'assigned']]);
});

test('motions: too few co-signers refused, a joint motion goes on the agenda, or becomes a suggestion', async () => {
  let r = await api(srv, 'POST', '/api/v1/motions', { session: deputy, body: { title: '关于制定松岭镇河道保护办法的议案',
    body: '为保护镇域河道生态环境，建议制定河道保护办法，明确河长职责与村民义务。', cosigners: [peers[0].id, stranger.id] } });
  expectError(r, 400, 'bad_cosigner');
  r = await api(srv, 'POST', '/api/v1/motions', { session: deputy, body: { title: '关于制定松岭镇河道保护办法的议案',
    body: '为保护镇域河道生态环境，建议制定河道保护办法，明确河长职责与村民义务。', cosigners: [peers[0].id] } });
  expectStatus(r, 201);
  let m = r.json.suggestion;
  assert.match(m.code, /^YA/);
  expectStatus(await api(srv, 'POST', `/api/v1/suggestions/${m.id}/cosign`, { session: co, body: { accept: true } }), 200);
  r = await act(deputy, m.id, { action: 'submit' });
  expectError(r, 400, 'too_few_signers');
  assert.match(r.json.error.message, /5/);
  assert.equal((await get(deputy, m.id)).state, 'draft', 'nothing half-stored');
  // staff register a presidium motion: no co-signers needed
  r = await api(srv, 'POST', '/api/v1/motions', { session: unit, body: { from_presidium: true, title: '关于松岭镇年度民生实事项目的议案',
    body: '主席团提出：将中心路段改造等十项工程列为本年度民生实事项目。' } });
  expectStatus(r, 201);
  m = r.json.suggestion;
  expectStatus(await act(unit, m.id, { action: 'submit' }), 200);
  r = await act(unit, m.id, { action: 'agenda', reason: '符合议案条件' });
  expectStatus(r, 200);
  assert.equal(r.json.suggestion.state, 'on_agenda');
  expectError(await act(unit, m.id, { action: 'accept' }), 409, 'bad_state');
  // five deputies jointly: handled as a suggestion instead
  r = await api(srv, 'POST', '/api/v1/motions', { session: unit, body: { deputy_id: me, cosigners: peers.slice(1, 5).map((p) => p.id),
    title: '关于完善松岭镇垃圾分类设施的议案', body: '建议在各村增设垃圾分类收集点，配齐清运车辆，建立考核机制。' } });
  expectStatus(r, 201);
  m = r.json.suggestion;
  r = await act(unit, m.id, { action: 'submit' });
  expectError(r, 400, 'too_few_signers'); // invited, not yet agreed
  r = await api(srv, 'GET', '/api/v1/motions', { session: unit });
  expectStatus(r, 200);
  assert.ok(r.json.items.some((x) => x.id === m.id));
});

test('key supervision, progress notes, the deadlines board, sessions and compilation, exports', async () => {
  let s = await draft({ title: '关于建设松岭镇日间照料中心的建议' });
  expectStatus(await act(deputy, s.id, { action: 'submit' }), 200);
  expectError(await act(unit, s.id, { action: 'supervise', on: true }), 400, 'missing_field');
  expectError(await act(deputy, s.id, { action: 'supervise', on: true, supervisor: '王主席' }), 403, 'forbidden');
  let r = await act(unit, s.id, { action: 'supervise', on: true, supervisor: '王主席' });
  expectStatus(r, 200);
  assert.equal(r.json.suggestion.key_supervised, true);
  expectStatus(await act(unit, s.id, { action: 'progress', note: '主席团赴现场察看选址' }), 200);
  r = await api(srv, 'GET', '/api/v1/suggestions?key=1&per_page=100', { session: unit });
  assert.ok(r.json.items.some((x) => x.id === s.id));
  r = await api(srv, 'GET', '/api/v1/suggestions/board', { session: county });
  expectStatus(r, 200);
  for (const k of ['handlers', 'overdue_items', 'intake_overdue', 'to_accept', 'to_assign', 'key_open'])
    assert.ok(k in r.json, k);
  assert.ok(r.json.to_accept >= 1);
  expectError(await api(srv, 'GET', '/api/v1/suggestions/board', { session: deputy }), 403, 'forbidden');
  // a handling unit's board holds its own work and none of the office's queues
  r = await api(srv, 'GET', '/api/v1/suggestions/board', { session: handler });
  expectStatus(r, 200);
  assert.ok(r.json.handlers.every((h) => h.handler_id === H1.id));
  assert.deepEqual([r.json.intake_overdue, r.json.to_accept, r.json.to_assign, r.json.key_open, r.json.solving], [0, 0, 0, 0, 0]);
  r = await api(srv, 'GET', '/api/v1/suggestions/sessions', { session: unit });
  assert.ok(r.json.items.some((x) => x.session_label === '松岭镇第十八届人民代表大会第三次会议'));
  r = await api(srv, 'GET', `/api/v1/suggestions/compilation?session=${encodeURIComponent('松岭镇第十八届人民代表大会第三次会议')}`, { session: unit });
  expectStatus(r, 200);
  assert.ok(r.json.items.length >= 2);
  assert.ok(r.json.items.every((x) => x.state !== 'draft'));
  const closed = r.json.items.find((x) => x.state === 'closed');
  assert.ok(closed && closed.replies.length === 2 && closed.signer_names.length === 2);
  expectError(await api(srv, 'GET', '/api/v1/suggestions/compilation', { session: unit }), 400, 'missing_field');
  for (const path of ['/api/v1/suggestions/report/handlers?format=xlsx', '/api/v1/suggestions?format=xlsx&state=submitted', '/api/v1/suggestions/report/deputies?format=xlsx',
    `/api/v1/suggestions/compilation?format=xlsx&session=${encodeURIComponent('松岭镇第十八届人民代表大会第三次会议')}`]) {
    r = await api(srv, 'GET', path, { session: county });
    assert.equal(r.status, 200, path);
    assert.match(r.headers.get('content-type'), /spreadsheetml/);
  }
  r = await api(srv, 'GET', '/api/v1/suggestions/report/deputies', { session: county });
  assert.ok(r.json.items.some((x) => x.deputy_id === me && x.led >= 1));
  expectError(await api(srv, 'GET', '/api/v1/suggestions/report/handlers?from=2026-13-01', { session: county }), 400, 'bad_param');
});

test('two conflicting steps on one item at once: exactly one applies, the other gets 409', async () => {
  for (let i = 0; i < 10; i++) {
    const s = await draft({ title: `关于并发受理测试的第${i + 1}件建议` });
    expectStatus(await act(deputy, s.id, { action: 'submit' }), 200);
    const rs = await Promise.all([act(unit, s.id, { action: 'accept' }),
      act(county, s.id, { action: 'return', reason: '请补充具体地点后再提交' })]);
    assert.deepEqual(rs.map((r) => r.status).sort(), [200, 409], rs.map((r) => r.text).join(' | '));
    assert.ok(['bad_state', 'stale'].includes(rs.find((r) => r.status === 409).json.error.code));
    const after = await get(unit, s.id);
    assert.equal(after.state, rs[0].status === 200 ? 'accepted' : 'returned');
    assert.equal(after.events.filter((e) => e.action === 'accept' || e.action === 'return').length, 1);
  }
});

test('bad input stores nothing; scope and roles are enforced', async () => {
  const before = (await api(srv, 'GET', '/api/v1/suggestions?per_page=1', { session: deputy })).json.total;
  expectError(await api(srv, 'POST', '/api/v1/suggestions', { session: deputy, body: { title: '短', body: '内容太短' } }), 400, 'too_short');
  expectError(await api(srv, 'POST', '/api/v1/suggestions', { session: deputy, body: { title: '关于一件事情的建议', body: '这是足够长的建议内容，共二十个字以上。',
    attachments: [{ name: 'x.pdf', data: '***not base64***' }] } }), 400, 'bad_file');
  expectError(await api(srv, 'POST', '/api/v1/suggestions', { session: deputy, body: { title: '关于一件事情的建议', body: '这是足够长的建议内容，共二十个字以上。',
    cosigners: [stranger.id] } }), 400, 'bad_cosigner');
  expectError(await api(srv, 'POST', '/api/v1/suggestions', { session: deputy, body: { title: '关于一件事情的建议', body: '这是足够长的建议内容，共二十个字以上。',
    deputy_id: peers[2].id } }), 403, 'forbidden');
  expectError(await api(srv, 'POST', '/api/v1/suggestions', { session: handler, body: { title: '关于一件事情的建议', body: '这是足够长的建议内容，共二十个字以上。' } }), 403, 'forbidden');
  expectError(await api(srv, 'POST', '/api/v1/suggestions', { session: unit, body: { title: '关于一件事情的建议', body: '这是足够长的建议内容，共二十个字以上。',
    deputy_id: stranger.id } }), 400, 'out_of_scope');
  const after = (await api(srv, 'GET', '/api/v1/suggestions?per_page=1', { session: deputy })).json.total;
  assert.equal(after, before);
  expectError(await act(unit, 999999, { action: 'accept' }), 404, 'not_found');
  expectError(await act(unit, 1, { action: 'fly' }), 400, 'bad_action');
  // a county of another part of the city sees none of these
  const r = await api(srv, 'GET', '/api/v1/suggestions?region=329902', { session: county });
  expectError(r, 403, 'out_of_scope');
  expectError(await api(srv, 'GET', '/api/v1/suggestions', { session: auditor }), 403, 'forbidden');
});
