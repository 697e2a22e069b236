// 角色与菜单：审计员看到管理员的操作记录；县级人员看不到账号管理。
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { setup, teardown, newPage, login, t, uniq, pickRegion, pickOption, message, row, path, PASSWORD } from './helpers.mjs'

before(setup)
after(teardown)

test("auditor sees the admin's handling-unit creation in the audit log, with before/after", async () => {
  const name = `e2e审计单位${uniq()}`
  const admin = await newPage()
  await login(admin, 'admin')
  await admin.goto('/handlers')
  await admin.locator(t('handler-create')).click()
  await pickRegion(admin, 'handler-form-region', '329981')
  await admin.locator(t('handler-form-name')).fill(name)
  await admin.locator(t('handler-form-submit')).click()
  await message(admin, `已新增承办单位“${name}”`)
  await admin.context().close()

  const page = await newPage()
  await login(page, 'auditor')
  // the auditor's menu has the audit log and nothing of the other administrators
  await page.locator(t('menu-audit')).waitFor()
  assert.equal(await page.locator(t('menu-accounts')).count(), 0)
  assert.equal(await page.locator(t('menu-handlers')).count(), 0)
  assert.equal(await page.locator(t('menu-regions')).count(), 0)
  await page.locator(t('menu-audit')).click()
  await page.locator(t('audit-table')).waitFor()

  await page.locator(t('audit-filter-actor')).fill('admin')
  await page.locator(t('audit-search')).click()
  const r = row(page, 'audit-table', name)
  await r.waitFor()
  assert.match(await r.innerText(), /新增承办单位/)
  assert.match(await r.innerText(), /admin/)

  await r.locator(t('audit-detail')).click()
  const drawer = page.locator(t('audit-drawer'))
  await drawer.locator(t('audit-after'), { hasText: name }).waitFor()
  assert.match(await drawer.locator(t('audit-before')).innerText(), /无/)

  // the auditor may not open the handling units page
  await page.goto('/handlers')
  await page.locator(t('forbidden')).waitFor()
  await page.context().close()
})

test('auditor filters the refused writes, reads their outcome and exports the filtered log', async () => {
  // county staff writes outside its region through the API: refused (403) and recorded
  const name = `e2e越权单位${uniq()}`
  const county = await newPage()
  const s = await county.request.post('/api/v1/session', { data: { username: 'county', password: PASSWORD } })
  const { csrf_token: csrf } = await s.json()
  const r = await county.request.post('/api/v1/handlers', { data: { region_code: '329902', name }, headers: { 'X-CSRF-Token': csrf } })
  assert.equal(r.status(), 403)
  await county.context().close()

  const page = await newPage()
  await login(page, 'auditor')
  await page.locator(t('menu-audit')).click()
  await page.locator(t('audit-table')).waitFor()
  await page.locator(t('audit-filter-actor')).fill('county')
  await pickOption(page, 'audit-filter-outcome', '拒绝')
  await page.locator(t('audit-search')).click()
  const line = row(page, 'audit-table', '提交 /api/v1/handlers')
  await line.waitFor()
  assert.match(await line.locator(t('audit-outcome')).innerText(), /拒绝/)
  assert.match(page.url(), /outcome=refused/)
  // every row shown is a refusal
  const outcomes = await page.locator(`${t('audit-table')} ${t('audit-outcome')}`).allInnerTexts()
  assert.ok(outcomes.length > 0 && outcomes.every((o) => o.includes('拒绝')), outcomes.join(','))

  // 导出 CSV holds the same filtered entries
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator(t('audit-export-csv')).click()])
  assert.match(download.suggestedFilename(), /\.csv$/)
  const csv = (await readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '').trim().split(/\r?\n/)
  assert.match(csv[0], /操作人/)
  assert.ok(csv.length >= 2)
  assert.ok(csv.slice(1).every((l) => l.includes('county') && l.includes('拒绝')), csv.join('\n'))
  await page.context().close()
})

test('county staff has no 账号管理 in the menu and its URL shows 无权限', async () => {
  const page = await newPage()
  await login(page, 'county')
  assert.equal(await page.locator(t('user-role')).innerText(), '县(区)人大工作人员')
  await page.locator(t('menu-regions')).waitFor()
  await page.locator(t('menu-handlers')).waitFor()
  assert.equal(await page.locator(t('menu-accounts')).count(), 0)
  assert.equal(await page.locator(t('menu-tokens')).count(), 0)
  assert.equal(await page.locator(t('menu-audit')).count(), 0)

  await page.goto('/accounts')
  const f = page.locator(t('forbidden'))
  await f.waitFor()
  assert.match(await f.innerText(), /无权限/)
  await page.context().close()
})

test("county staff's region tree starts at 清河市 and the handler list stays in scope", async () => {
  const page = await newPage()
  await login(page, 'county')
  await page.goto('/regions')
  await page.locator(t('region-node-329981')).waitFor()
  assert.equal(await page.locator(t('region-node-329900')).count(), 0)
  assert.equal(await page.locator(t('region-node-329902')).count(), 0)
  await page.goto('/handlers')
  await page.locator(t('handler-table')).waitFor()
  await page.locator(t('handler-table') + ' .el-table__body-wrapper tr').first().waitFor()
  const texts = await page.locator(t('handler-table') + ' .el-table__body-wrapper tr').allInnerTexts()
  for (const text of texts) assert.doesNotMatch(text, /东城区|示范经济开发区/)
  assert.equal(path(page), '/handlers')
  await page.context().close()
})

test('station staff sees the regions but not the handling units', async () => {
  const page = await newPage()
  await login(page, 'station')
  await page.locator(t('menu-regions')).waitFor()
  assert.equal(await page.locator(t('menu-handlers')).count(), 0)
  await page.goto('/handlers')
  await page.locator(t('forbidden')).waitFor()
  await page.context().close()
})
