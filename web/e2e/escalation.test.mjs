// 转交上级（桌面端）：乡镇工作人员在意见和建议详情页点“转交上级”，不填理由时看到中文提示，填写理由
// 确认后转交；县人大工作人员在列表中用“上级转交”筛选找到它，交办给县级承办单位（或说明理由退回）；
// 办理过程里能看到每一步。
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, teardown, newPage, login, t, pickOption, confirmBox, message, row } from './helpers.mjs'

before(setup)
after(teardown)

const COUNTY_UNIT = '清河市交通运输局'

// A state-changing API call with the page's session (the CSRF token from GET /session).
async function apiPost(page, url, body) {
  const s = await (await page.request.get('/api/v1/session')).json()
  const res = await page.request.post(url, { data: body, headers: { 'X-CSRF-Token': s.csrf_token } })
  assert.ok(res.ok(), `${url}: ${res.status()} ${await res.text()}`)
  return res.json()
}

test('an opinion: the township escalates it with a reason, the county finds it and assigns it to a county unit', async () => {
  const unit = await newPage()
  await login(unit, 'unit')
  const { opinion } = await apiPost(unit, '/api/v1/opinions', {
    channel: 'visit', region_code: '329981101', body: '松岭镇通往县城的县道桥梁出现裂缝，需要县交通部门检修',
  })
  await unit.goto('/opinions/' + opinion.id)
  await unit.locator(t('op-act-escalate')).click()
  const dialog = unit.locator(t('op-action-dialog'))
  await dialog.waitFor()
  // no reason: a Chinese message on the field, nothing sent
  await unit.locator(t('op-action-submit')).click()
  await dialog.locator('.el-form-item__error', { hasText: '请填写转交理由' }).waitFor()
  await unit.locator(t('op-action-text')).fill('县道桥梁归县交通运输局管养，超出本镇职权')
  await unit.locator(t('op-action-submit')).click()
  await confirmBox(unit, '确定')
  await message(unit, '已转交上级')
  await unit.locator(t('opinion-detail-state'), { hasText: '已转交上级' }).waitFor()
  await unit.locator(t('opinion-escalated-tag')).waitFor()
  assert.match(await unit.locator(t('opinion-escalation')).innerText(), /转交清河市.*县道桥梁归县交通运输局管养/)
  // the township can no longer assign or escalate it
  assert.equal(await unit.locator(t('op-act-assign')).count(), 0)
  assert.equal(await unit.locator(t('op-act-escalate')).count(), 0)
  await unit.locator(t('opinion-events'), { hasText: '转交上级' }).waitFor()
  await unit.context().close()

  const county = await newPage()
  await login(county, 'county')
  await county.goto('/opinions')
  await county.locator(t('opinion-filter-escalated')).click()
  const r = row(county, 'opinion-table', opinion.tracking_code)
  await r.waitFor()
  await r.locator(t('opinion-escalated-tag')).waitFor()
  await r.locator(t('opinion-code')).click()
  await county.locator(t('opinion-hint'), { hasText: '转交的意见' }).waitFor()
  await county.locator(t('op-act-escalation_return')).waitFor()
  await county.locator(t('op-act-assign')).click()
  await pickOption(county, 'op-action-handler', COUNTY_UNIT)
  await county.locator(t('op-action-submit')).click()
  await message(county, '已交办')
  await county.locator(t('opinion-handler'), { hasText: COUNTY_UNIT }).waitFor()
  await county.locator(t('opinion-detail-state'), { hasText: '已交办' }).waitFor()
  const events = await county.locator(t('opinion-event')).allInnerTexts()
  assert.match(events[0], /交办/)
  assert.match(events[1], /转交上级/)
  await county.context().close()
})

test('a suggestion: the township escalates it; the county returns it with a reason; the township assigns it itself', async () => {
  const deputy = await newPage()
  await login(deputy, 'deputy')
  const { suggestion } = await apiPost(deputy, '/api/v1/suggestions', {
    title: '关于维修县道松岭段桥梁的建议', body: '县道松岭段桥梁出现裂缝，影响通行安全，建议县交通部门尽快检修加固。',
  })
  await apiPost(deputy, `/api/v1/suggestions/${suggestion.id}/actions`, { action: 'submit' })
  await deputy.context().close()

  const unit = await newPage()
  await login(unit, 'unit')
  await apiPost(unit, `/api/v1/suggestions/${suggestion.id}/actions`, { action: 'accept' })
  await unit.goto('/suggestions/' + suggestion.id)
  await unit.locator(t('sg-act-escalate')).click()
  await unit.locator(t('sg-action-text')).fill('县道桥梁维修属县交通运输局职责')
  await unit.locator(t('sg-action-submit')).click()
  await confirmBox(unit, '确定')
  await message(unit, '已转交上级')
  await unit.locator(t('sg-detail-state'), { hasText: '已转交上级' }).waitFor()
  await unit.locator(t('sg-escalated-tag')).waitFor()
  assert.equal(await unit.locator(t('sg-act-assign')).count(), 0)

  const county = await newPage()
  await login(county, 'county')
  await county.goto('/suggestions')
  await county.locator(t('sg-filter-escalated')).click()
  await county.locator(t('sg-search')).click()
  const r = row(county, 'sg-table', suggestion.code)
  await r.waitFor()
  await r.locator(t('sg-escalated-tag')).waitFor()
  await r.locator(t('sg-code')).click()
  await county.locator(t('sg-act-escalation_return')).click()
  await county.locator(t('sg-action-submit')).click()
  await county.locator(t('sg-action-dialog')).locator('.el-form-item__error', { hasText: '请填写退回理由' }).waitFor()
  await county.locator(t('sg-action-text')).fill('属镇级事权，请镇村建办办理')
  await county.locator(t('sg-action-submit')).click()
  await message(county, '已退回下级')
  await county.locator(t('sg-detail-state'), { hasText: '已受理' }).waitFor()
  await county.context().close()

  await unit.reload()
  await unit.locator(t('sg-hint'), { hasText: '上级已退回转交' }).waitFor()
  assert.equal(await unit.locator(t('sg-act-escalate')).count(), 0, 'it goes up once')
  await unit.locator(t('sg-detail-reason'), { hasText: '属镇级事权' }).waitFor()
  await unit.locator(t('sg-events'), { hasText: '上级退回' }).waitFor()
  await unit.locator(t('sg-act-assign')).waitFor()
  await unit.context().close()
})
