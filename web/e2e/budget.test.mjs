// 预算审查监督: the staff's desktop page (the city's view with its figures, a document with its
// warnings, chart and lines, an import with its errors by row and column, then submitted for
// review) and the deputy's phone page at 390×844 (a line of the adjustment under review commented).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, teardown, newPage, newPhonePage, login, t, path, pickRegion, confirmBox, message, PHONE } from './helpers.mjs'

before(setup)
after(teardown)

const csv = (rows) => Buffer.from(rows.map((r) => r.join(',')).join('\r\n') + '\r\n')
const YEAR = new Date().getFullYear() + 1

test('staff: the budgets in scope, a document with warnings and chart, an import checked by row', async () => {
  const page = await newPage()
  await login(page, 'unit')
  await page.locator(t('menu-budgets')).click()
  await page.locator(t('budget-table')).waitFor()
  assert.equal(path(page), '/budgets')
  const api = await (await page.request.get('/api/v1/budgets?per_page=20')).json()
  assert.ok(api.total > 0)
  assert.equal(await page.locator(t('budget-total')).innerText(), String(api.total))
  assert.equal(await page.locator(t('budget-summary-warnings')).innerText(), String(api.summary.warnings))
  // the current year's budget with warnings
  const withWarnings = api.items.find((x) => x.kind === 'budget' && x.warnings > 0)
  await page.locator(t('budget-title'), { hasText: withWarnings.title }).first().click()
  await page.locator(t('budget-detail-title')).waitFor()
  assert.equal(await page.locator(t('budget-warning-count')).innerText(), String(withWarnings.warnings))
  await page.locator(`${t('budget-chart')} canvas`).waitFor()
  await page.locator(t('budget-only-warned')).click()
  const warned = await page.locator(`${t('budget-lines')} .el-table__body-wrapper tr`).count()
  assert.ok(warned > 0 && warned <= withWarnings.warnings, `${warned} lines with warnings`)
  assert.ok((await page.locator(t('budget-line-warning')).count()) >= warned)

  // an import: a file with errors first, each named by row and column; then the right one
  await page.goto('/budgets')
  await page.locator(t('budget-import')).click()
  await pickRegion(page, 'budget-import-region', '329981101')
  await page.locator(`${t('budget-import-year')} input`).fill(String(YEAR))
  await page.locator(`${t('budget-import-year')} input`).blur()
  const input = page.locator(`${t('budget-upload')} input[type=file]`)
  const head = [['松岭镇一般公共预算支出表'], ['科目编码', '科目名称', '金额（元）', '重点项目']]
  await input.setInputFiles({ name: '预算.csv', mimeType: 'text/csv', buffer: csv([...head,
    ['201', '一般公共服务支出', '100'], ['2010101', '行政运行', '-100'], ['', '合计', '90']]) })
  await page.locator(t('budget-upload-errors')).waitFor()
  const errors = await page.locator(`${t('budget-upload-errors')} .el-table__body-wrapper tr`).allInnerTexts()
  assert.ok(errors.some((e) => e.includes('第4行') && e.includes('不能为负数')), errors.join('\n'))
  assert.ok(errors.some((e) => e.includes('第4行') && e.includes('上级科目')), errors.join('\n'))
  assert.ok(await page.locator(t('budget-upload-confirm')).isDisabled())
  await input.setInputFiles({ name: '预算2.csv', mimeType: 'text/csv', buffer: csv([...head,
    ['201', '一般公共服务支出', '100'], ['20101', '人大事务', '100'], ['2010101', '行政运行', '100', '是'], ['', '合计', '100']]) })
  await page.locator(t('budget-upload-ok')).waitFor()
  await page.locator(t('budget-upload-confirm')).click()
  await confirmBox(page, '导入')
  await page.locator(t('budget-detail-title'), { hasText: `${YEAR}年预算` }).waitFor()
  assert.equal(await page.locator(t('budget-state')).innerText(), '草稿')
  assert.equal(await page.locator(t('budget-total-amount')).innerText(), '100.00')
  await page.locator(t('budget-submit')).click()
  await confirmBox(page, '确定')
  await message(page, '已办理')
  await page.locator(t('budget-state'), { hasText: '审查中' }).waitFor()
})

test('deputy on a phone: its congress\'s documents, a line of the adjustment under review commented', async () => {
  const page = await newPhonePage()
  await login(page, 'deputy') // the desktop login form, on a phone: to the phone home
  await page.locator(t('m-home')).waitFor()
  await page.locator(t('entry-myBudgets')).click()
  await page.locator(t('my-budgets')).waitFor()
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= PHONE.width, 'fits the phone')
  await page.locator(t('my-budget'), { hasText: '调整方案' }).first().click()
  await page.locator(t('my-budget-open')).waitFor()
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= PHONE.width, 'fits the phone')
  await page.locator(t('my-budget-line'), { hasText: '农村基础设施建设' }).click()
  await page.locator(t('my-budget-comment-send')).click()
  await page.locator('.van-field__error-message', { hasText: '请填写审查意见' }).waitFor()
  await page.locator(`${t('my-budget-comment-body')} textarea`).fill('村道硬化资金增加较多，请说明具体项目和村')
  await page.locator(t('my-budget-comment-send')).click()
  await page.locator(t('my-budget-comment'), { hasText: '村道硬化资金增加较多' }).waitFor()
  const url = new URL(page.url())
  const id = url.pathname.split('/').pop()
  const r = await (await page.request.get(`/api/v1/budgets/${id}/comments?code=2130504`)).json()
  assert.equal(r.items.at(-1).body, '村道硬化资金增加较多，请说明具体项目和村')
  // the desktop's address of the document opens its phone page on a phone
  await page.goto('/budgets/' + id)
  await page.locator(t('my-budget-open')).waitFor()
  assert.equal(path(page), '/m/budgets/' + id)
})
