// 代表名册：筛选与导出、编辑代表（含表单校验）、登记变动、构成统计、代表本人的履职信息。
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { setup, teardown, newPage, login, t, uniq, pickOption, confirmBox, message, path } from './helpers.mjs'

before(setup)
after(teardown)

const total = async (page) => Number(await page.locator(t('deputy-total')).innerText())
const rows = (page) => page.locator(`${t('deputy-table')} .el-table__body-wrapper tr`)

// Wait until the list shows a total other than `before`.
async function totalChanges(page, before) {
  await page.waitForFunction(
    ([sel, n]) => {
      const el = document.querySelector(sel)
      return el && Number(el.textContent) !== n && !document.querySelector('[data-test="deputy-table"] .el-loading-mask')
    },
    [t('deputy-total'), before],
  )
  return total(page)
}

test('filtering the roster by gender shows only women, keeps the filter in the address, and exports the same list', async () => {
  const page = await newPage()
  await login(page, 'county')
  await page.locator(t('menu-deputies')).click()
  await rows(page).first().waitFor()
  const all = await total(page)
  assert.ok(all > 100, `the demo roster has ${all} deputies`)

  await pickOption(page, 'deputy-filter-gender', '女')
  await page.locator(t('deputy-search')).click()
  const women = await totalChanges(page, all)
  assert.ok(women > 0 && women < all, `${women} women of ${all}`)
  const genders = await page.locator(`${t('deputy-table')} .el-table__body-wrapper ${t('deputy-gender')}`).allInnerTexts()
  assert.ok(genders.length > 0)
  assert.deepEqual([...new Set(genders)], ['女'])
  assert.match(page.url(), /gender=female/)

  // the filter survives a reload (it lives in the address)
  await page.reload()
  await rows(page).first().waitFor()
  assert.equal(await total(page), women)

  // 导出 CSV downloads the same filtered list
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator(t('deputy-export-csv')).click()])
  assert.match(download.suggestedFilename(), /\.csv$/)
  const csv = (await readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '').trim().split(/\r?\n/)
  const header = csv[0].split(',')
  const g = header.indexOf('性别')
  assert.ok(g >= 0, 'the export has a 性别 column')
  assert.equal(csv.length - 1, women)
  for (const line of csv.slice(1)) assert.equal(line.split(',')[g], '女')

  // a second filter narrows further; 重置 brings back everyone
  await pickOption(page, 'deputy-filter-party', '非中共党员')
  await page.locator(t('deputy-search')).click()
  const nonCpcWomen = await totalChanges(page, women)
  assert.ok(nonCpcWomen < women)
  await page.locator(t('deputy-reset')).click()
  assert.equal(await totalChanges(page, nonCpcWomen), all)
  await page.context().close()
})

test('a keyword search is kept in the address and after the back button, and the export holds exactly the rows found', async () => {
  const page = await newPage()
  await login(page, 'county')
  await page.goto('/deputies')
  await rows(page).first().waitFor()
  const all = await total(page)

  await page.locator(t('deputy-filter-q')).fill('律师事务所')
  await page.locator(t('deputy-search')).click()
  const found = await totalChanges(page, all)
  assert.ok(found > 0 && found < all, `${found} of ${all}`)
  assert.equal(new URL(page.url()).searchParams.get('q'), '律师事务所')

  // a deputy's page and back: the same search, the same rows
  const names = await page.locator(`${t('deputy-table')} .el-table__body-wrapper ${t('deputy-name')}`).allInnerTexts()
  await rows(page).first().locator(t('deputy-name')).click()
  await page.locator(t('deputy-detail-name')).waitFor()
  await page.goBack()
  await rows(page).first().waitFor()
  await page.waitForFunction((sel) => !document.querySelector(sel), `${t('deputy-table')} .el-loading-mask`)
  assert.equal(await total(page), found)
  assert.equal(await page.locator(t('deputy-filter-q')).inputValue(), '律师事务所')
  assert.deepEqual(await page.locator(`${t('deputy-table')} .el-table__body-wrapper ${t('deputy-name')}`).allInnerTexts(), names)

  // 导出 CSV: only the deputies found, each of them matching the keyword
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator(t('deputy-export-csv')).click()])
  const csv = (await readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '').trim().split(/\r?\n/)
  const header = csv[0].split(',')
  const name = header.indexOf('姓名')
  const employer = header.indexOf('工作单位')
  assert.ok(name >= 0 && employer >= 0)
  assert.equal(csv.length - 1, found)
  for (const line of csv.slice(1)) {
    const cells = line.split(',')
    assert.ok(cells[name].includes('律师事务所') || cells[employer].includes('律师事务所'), line)
  }
  await page.context().close()
})

test('editing a deputy checks the form and the new post persists after a reload', async () => {
  const page = await newPage()
  await login(page, 'county')
  await page.goto('/deputies')
  const first = rows(page).first()
  await first.waitFor()
  const name = await first.locator(t('deputy-name')).innerText()
  await first.locator(t('deputy-edit')).click()
  // the form fills in with the stored record
  await page.waitForFunction(([sel, v]) => document.querySelector(sel)?.value === v, [t('deputy-form-name'), name])

  // the form refuses a bad phone number and a bad ID number, in Chinese
  await page.locator(t('deputy-form-phone')).fill('12345')
  await page.locator(t('deputy-form-id')).fill('32998119800101')
  await page.locator(t('deputy-form-submit')).click()
  await page.locator('.el-form-item__error', { hasText: '联系电话至少7位数字' }).waitFor()
  await page.locator('.el-form-item__error', { hasText: '身份证号码应为18位' }).waitFor()
  assert.match(path(page), /^\/deputies\/\d+\/edit$/)
  await page.locator(t('deputy-form-phone')).fill('13912345678')
  await page.locator(t('deputy-form-id')).fill('')

  const post = `e2e职务${uniq()}`
  await page.locator(t('deputy-form-post')).fill(post)
  await page.locator(t('deputy-form-submit')).click()
  await message(page, '代表信息已保存')
  await page.waitForURL(/\/deputies\/\d+$/)
  await page.locator(t('deputy-detail-post'), { hasText: post }).waitFor()
  assert.equal(await page.locator(t('deputy-detail-phone')).innerText(), '13912345678')

  await page.reload()
  await page.locator(t('deputy-detail-name'), { hasText: name }).waitFor()
  assert.equal(await page.locator(t('deputy-detail-post')).innerText(), post)
  await page.context().close()
})

test('登记变动 asks for confirmation, then ends the mandate and records the event', async () => {
  const page = await newPage()
  await login(page, 'unit')
  await page.goto('/deputies?sort=-birth_date')
  await rows(page).first().waitFor()
  const before = await total(page)
  const link = rows(page).first().locator(t('deputy-name'))
  const name = await link.innerText()
  await link.click()
  await page.locator(t('deputy-detail-name'), { hasText: name }).waitFor()
  const mandate = page.locator(t('mandate')).first()
  assert.equal(await mandate.locator(t('mandate-status')).innerText(), '在任')

  await mandate.locator(t('mandate-event')).click()
  const dialog = page.locator(t('event-dialog'))
  await dialog.getByText('辞去代表职务').click()
  await dialog.locator(t('event-form-document')).fill('e2e 关于接受辞职的决定')
  // cancelling the confirmation changes nothing
  await dialog.locator(t('event-form-submit')).click()
  await confirmBox(page, '取消')
  assert.equal(await mandate.locator(t('mandate-status')).innerText(), '在任')
  await dialog.locator(t('event-form-submit')).click()
  await confirmBox(page, '确定登记')
  await message(page, '已登记“辞去代表职务”')
  await mandate.locator(t('mandate-status'), { hasText: '已辞职' }).waitFor()
  await mandate.locator(t('mandate-event-kind'), { hasText: '辞去代表职务' }).waitFor()
  assert.equal(await mandate.locator(t('mandate-event')).count(), 0)

  // the current roster has one deputy fewer
  await page.goto('/deputies')
  await rows(page).first().waitFor()
  assert.equal(await total(page), before - 1)
  await page.context().close()
})

test('the statistics agree with the roster and draw the charts', async () => {
  const page = await newPage()
  await login(page, 'county')
  await page.goto('/deputies?gender=female')
  await rows(page).first().waitFor()
  const women = await total(page)
  await page.locator(t('menu-deputy-stats')).click()
  await page.locator(t('stats-total')).waitFor()
  const card = await page.locator(t('stats-card-women')).innerText()
  assert.match(card, new RegExp(`^女性代表\\s+${women}\\s*名`))
  for (const chart of ['chart-age', 'chart-occupation', 'chart-party', 'chart-education']) {
    await page.locator(`${t(chart)} canvas`).waitFor()
  }
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator(t('stats-export')).click()])
  assert.match(download.suggestedFilename(), /\.xlsx$/)
  await page.context().close()
})

test('a deputy sees 我的履职信息 with their own record and no roster', async () => {
  const page = await newPage()
  await login(page, 'deputy')
  assert.equal(await page.locator(t('menu-deputies')).count(), 0)
  await page.locator(t('menu-me')).click()
  await page.locator(t('deputy-detail-name')).waitFor()
  assert.equal(path(page), '/me')
  await page.locator(t('mandate')).first().waitFor()
  assert.equal(await page.locator(t('deputy-detail-edit')).count(), 0)
  assert.equal(await page.locator(t('mandate-event')).count(), 0)
  await page.goto('/deputies')
  await page.locator(t('forbidden')).waitFor()
  await page.context().close()
})
