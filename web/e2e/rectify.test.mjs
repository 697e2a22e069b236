// 督查整改：人大工作人员在“督查整改看板”按责任单位看整改问题的办理情况、逾期数和验收完成率，
// 排序、筛选、导出 Excel；从看板进入某单位的整改问题清单。承办单位在“整改任务”里只看到本单位的问题，
// 开始整改、填写整改情况并上传佐证材料报整改完成；工作人员验收（退回须先确认）；打印整改通知书。
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, teardown, newPage, login, t, confirmBox, message, row } from './helpers.mjs'

before(setup)
after(teardown)

const day = (n) => new Date(Date.now() + 8 * 3600000 + n * 86400000).toISOString().slice(0, 10)

async function apiPost(page, url, body) {
  const s = await (await page.request.get('/api/v1/session')).json()
  const res = await page.request.post(url, { data: body, headers: { 'X-CSRF-Token': s.csrf_token } })
  assert.ok(res.ok(), `${url}: ${res.status()} ${await res.text()}`)
  return res.json()
}

let handlerId, problemId, rectId
const mark = '网页测试整改问题' + Date.now()

test('the board across units: counts, sort, filter, export, and a unit\'s problems', async () => {
  const page = await newPage()
  await login(page, 'county')
  // a rectification for the demo handler account's unit, from an opinion of the county
  const me = await (await page.request.get('/api/v1/session')).json()
  void me
  const units = (await (await page.request.get('/api/v1/handlers?region=329981&q=' + encodeURIComponent('交通运输局'))).json()).items
  handlerId = units[0].id
  const op = (await (await page.request.get('/api/v1/opinions?region=329981')).json()).items[0]
  const r = await apiPost(page, '/api/v1/rectifications', { source_kind: 'opinion', source_id: op.id, title: '网页测试整改事项',
    region_code: '329981', problems: [{ description: mark, handler_id: handlerId, deadline: day(3) }] })
  rectId = r.rectification.id
  problemId = r.rectification.problems[0].id

  await page.locator(t('menu-rectify-board')).click()
  await page.waitForURL('**/rectify/board**')
  await page.locator(`${t('rb-table')} .el-table__body-wrapper tr`).first().waitFor()
  // the summary above the table: units, problems and the share verified of the demo's years
  const units2 = Number((await page.locator(`${t('rb-sum-units')} .stat-value`).innerText()).replace(/\D.*$/, ''))
  assert.ok(units2 > 1, `units ${units2}`)
  // the unit's row, found by its name
  const name = units[0].name
  await page.locator(t('rb-q')).fill(name)
  await page.locator(t('rb-search')).click()
  await row(page, 'rb-table', name).first().waitFor()
  assert.match(page.url(), /q=/)
  // sorting by the share verified (the server's order, descending on the second click)
  await page.locator(t('rb-q')).fill('')
  await page.locator(t('rb-search')).click()
  const header = page.locator(`${t('rb-table')} th`, { hasText: '验收完成率' })
  await header.click()
  await header.click()
  await page.waitForURL(/sort=-verified_rate/)
  await page.locator(`${t('rb-table')} .el-table__body-wrapper tr`).first().waitFor()
  const cells = page.locator(`${t('rb-table')} .el-table__body-wrapper ${t('rb-rate')}`)
  const rates = []
  for (let i = 0; i < (await cells.count()); i++) rates.push(await cells.nth(i).getAttribute('data-rate'))
  const nums = rates.map(Number)
  assert.ok(nums.length > 1 && nums.every((x) => x >= 0 && x <= 100), rates.join(' '))
  for (let i = 1; i < nums.length; i++) assert.ok(nums[i - 1] >= nums[i], `not sorted: ${rates.join(' ')}`)
  // Excel export of the same rows
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator(t('rb-export')).click()])
  assert.match(file.suggestedFilename(), /\.xlsx$/)
  // from the board into the unit's problems
  await page.locator(t('rb-q')).fill(name)
  await page.locator(t('rb-search')).click()
  await row(page, 'rb-table', name).first().locator(t('rb-unit')).click()
  await page.waitForURL('**/rectify/problems**')
  await row(page, 'rp-table', mark).waitFor()
  // the new problem is due in 3 days: warned
  assert.match(await row(page, 'rp-table', mark).locator(t('rp-due-tag')).innerText(), /即将到期/)
  await page.context().close()
})

test('the handling unit\'s tasks: only its own, started, claimed with evidence; the staff verify after the unit cannot', async () => {
  const unit = await newPage()
  await login(unit, 'handler')
  await unit.locator(t('menu-rectify-tasks')).click()
  await unit.waitForURL('**/rectify-tasks**')
  await row(unit, 'rp-table', mark).waitFor()
  // a unit is offered no verification
  assert.equal(await row(unit, 'rp-table', mark).locator(t('rp-act-verify')).count(), 0)
  await row(unit, 'rp-table', mark).locator(t('rp-act-start')).click()
  await unit.locator(t('rp-step-submit')).click()
  await message(unit, '开始整改成功')
  await row(unit, 'rp-table', mark).locator(t('rp-act-claim')).click()
  // the note is required
  await unit.locator(t('rp-step-submit')).click()
  await unit.locator(`${t('rp-step-dialog')} .el-form-item__error`, { hasText: '请填写整改情况' }).waitFor()
  await unit.locator(t('rp-step-text')).fill('已完成整改，现场已恢复')
  await unit.locator(t('rp-step-files')).setInputFiles({ name: '佐证.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 e2e') })
  await unit.locator(t('rp-step-submit')).click()
  await message(unit, '报整改完成成功')
  // the list reloads after the message: wait for the row's new state
  await row(unit, 'rp-table', mark).locator(t('rp-state-tag'), { hasText: '已报整改完成' }).waitFor()
  assert.equal((await row(unit, 'rp-table', mark).locator(t('rp-state-tag')).innerText()).trim(), '已报整改完成')
  // the API refuses the unit's own verification with its reason
  const s = await (await unit.request.get('/api/v1/session')).json()
  const res = await unit.request.post(`/api/v1/rectifications/problems/${problemId}/actions`,
    { data: { action: 'verify' }, headers: { 'X-CSRF-Token': s.csrf_token } })
  assert.equal(res.status(), 403)
  assert.match((await res.json()).error.message, /整改责任单位不能验收/)
  // the detail shows the evidence and the history
  await row(unit, 'rp-table', mark).locator(t('rp-detail')).click()
  await unit.locator(t('rp-file'), { hasText: '佐证.pdf' }).waitFor()
  await unit.context().close()

  // the staff verify; a reopening asks first
  const staff = await newPage()
  await login(staff, 'county')
  await staff.goto('/rectify/problems?q=' + encodeURIComponent(mark))
  await row(staff, 'rp-table', mark).locator(t('rp-act-reopen')).click()
  await staff.locator(t('rp-step-text')).fill('路面仍有坑洼，请重新整改')
  await staff.locator(t('rp-step-submit')).click()
  await confirmBox(staff, '取消')
  assert.equal((await row(staff, 'rp-table', mark).locator(t('rp-state-tag')).innerText()).trim(), '已报整改完成')
  await staff.locator(t('rp-step-dialog')).locator('button', { hasText: '取消' }).click()
  await row(staff, 'rp-table', mark).locator(t('rp-act-verify')).click()
  await staff.locator(t('rp-step-submit')).click()
  await message(staff, '验收通过成功')
  // the list reloads after the message: wait for the row's new state
  await row(staff, 'rp-table', mark).locator(t('rp-state-tag'), { hasText: '已验收' }).waitFor()
  assert.equal((await row(staff, 'rp-table', mark).locator(t('rp-state-tag')).innerText()).trim(), '已验收')
  // 整改通知书
  await staff.goto(`/print/rectification/${rectId}/notice`)
  await staff.locator(t('print-title')).waitFor()
  assert.equal((await staff.locator(t('print-title')).innerText()).trim(), '整改通知书')
  assert.match(await staff.locator(t('print-problems')).innerText(), new RegExp(mark))
  await staff.context().close()
})
