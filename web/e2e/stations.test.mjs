// 联络站：手机上的公开页面（免登录）、二维码海报、接待规则与值班代表安排。
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, teardown, newPage, newPhonePage, login, t, confirmBox, message, path, PHONE } from './helpers.mjs'

before(setup)
after(teardown)

const STATION = '松岭镇人大代表联络站'

// Open the station's page from the list, as unit staff of 松岭镇.
async function openStation(page, name = STATION) {
  await page.locator(t('menu-stations')).click()
  await page.locator(`${t('station-table')} ${t('station-name')}`, { hasText: name }).first().click()
  await page.locator(t('station-title'), { hasText: name }).waitFor()
}

test('the public page a QR code opens works on a phone without logging in', async () => {
  const staff = await newPage()
  await login(staff, 'unit')
  await openStation(staff)
  const href = await staff.locator(t('station-public-link')).getAttribute('href')
  assert.match(href, /^\/s\/[0-9a-z]+$/)
  const id = path(staff).split('/')[2]
  const api = await (await staff.request.get(`/api/v1/stations/${id}`)).json()
  const next = api.station.upcoming[0]
  assert.ok(next, 'the demo station has an upcoming reception')
  await staff.context().close()

  const phone = await newPhonePage()
  const assets = []
  phone.on('response', (res) => {
    if (/\.(js|css)$/.test(new URL(res.url()).pathname)) assets.push(res)
  })
  await phone.goto(href)
  await phone.locator(t('public-name'), { hasText: STATION }).waitFor()
  await phone.waitForLoadState('networkidle')
  assert.equal(path(phone), href) // no detour to the login page
  const [, m, d] = next.date.split('-').map(Number)
  const nextText = await phone.locator(t('public-next-date')).innerText()
  assert.match(nextText, new RegExp(`^${m}月${d}日`))
  const box = await phone.locator(t('public-next')).innerText()
  for (const p of next.duty) assert.ok(box.includes(p.name), `${p.name} is on duty`)
  assert.match(await phone.locator(t('public-address')).innerText(), /便民服务中心/)
  assert.ok((await phone.locator(t('public-deputies')).innerText()).length > 0)
  const opinion = phone.locator(t('public-opinion'))
  assert.equal(await opinion.isDisabled(), false)
  assert.equal((await opinion.innerText()).trim(), '我要反映意见')
  // laid out for the phone: nothing wider than the screen
  const width = await phone.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(width <= PHONE.width, `page is ${width}px wide`)
  // the phone page loads none of the desktop page's files (Element Plus, its stylesheet) and stays
  // small: the scripts and stylesheets a first visit transfers, compressed, under 150 KB
  const index = await (await phone.request.get('/')).text()
  const desktop = [...index.matchAll(/<script[^>]* src="([^"]+)"|<link rel="stylesheet"[^>]* href="([^"]+)"/g)].map(
    (m) => m[1] || m[2],
  )
  assert.equal(desktop.length, 2, 'the desktop page names its script and its stylesheet')
  const loaded = assets.map((res) => new URL(res.url()).pathname)
  assert.ok(loaded.length > 0, 'scripts were loaded')
  for (const file of desktop) assert.ok(!loaded.includes(file), `the phone page loaded the desktop's ${file}`)
  let bytes = 0
  for (const res of assets) {
    const body = await res.body()
    assert.ok(!/\.el-button|ElMessage|--el-color-primary:/.test(body.toString()), `${res.url()} holds Element Plus`)
    bytes += (await res.request().sizes()).responseBodySize
  }
  assert.ok(bytes < 150 * 1024, `the station page's scripts and styles are ${bytes} bytes compressed`)
  // the public API needs no cookie; the staff API does
  assert.equal((await phone.request.get(`/api/v1/stations/${id}`)).status(), 401)

  await phone.goto('/s/0000000000000000')
  await phone.locator(t('public-error'), { hasText: '二维码已失效或联络站不存在' }).waitFor()
  await phone.context().close()
})

test('the poster shows the loaded QR code and prints without the app shell', async () => {
  const page = await newPage()
  await login(page, 'station')
  await openStation(page)
  await page.locator(t('station-to-poster')).click()
  await page.waitForURL(/\/stations\/\d+\/poster$/)
  await page.locator(t('poster-name'), { hasText: STATION }).waitFor()
  const qr = page.locator(t('poster-qr'))
  await qr.waitFor()
  await page.waitForFunction((sel) => document.querySelector(sel)?.complete, t('poster-qr'))
  assert.ok((await qr.evaluate((img) => img.naturalWidth)) > 0, 'the QR image loaded')
  assert.match(await page.locator(t('poster')).innerText(), /扫码向人大代表反映意见/)

  await page.emulateMedia({ media: 'print' })
  assert.equal(await page.locator('.shell-aside').isVisible(), false)
  assert.equal(await page.locator('.shell-header').isVisible(), false)
  assert.equal(await page.locator(t('poster-print')).isVisible(), false)
  assert.equal(await qr.isVisible(), true)
  await page.context().close()
})

test('station staff add a month-end rule and set who is on duty on a reception day', async () => {
  const page = await newPage()
  await login(page, 'station')
  await openStation(page, '松岭镇人大代表之家')

  // a rule on the last day of every month
  await page.getByRole('tab', { name: /接待规则/ }).click()
  await page.locator(t('rule-add')).click()
  const dialog = page.locator(t('rule-dialog'))
  await page.locator(t('rule-form-day')).click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '月末（最后一天）' }).click()
  await dialog.locator(t('rule-form-note')).fill('月末集中接待')
  await dialog.locator(t('rule-form-submit')).click()
  await message(page, '接待规则已添加')
  await page.locator(`${t('rule-table')} ${t('rule-text')}`, { hasText: '每月月末 09:00–11:30' }).waitFor()

  // the calendar shows the month's last day as a reception day
  await page.getByRole('tab', { name: '接待日历' }).click()
  const now = new Date()
  const last = new Date(now.getFullYear(), now.getMonth() + 1, 0)
  const lastDay = `${last.getFullYear()}-${String(last.getMonth() + 1).padStart(2, '0')}-${String(last.getDate()).padStart(2, '0')}`
  const cell = page.locator(t('cal-day-' + lastDay))
  await cell.waitFor()

  // put two of the station's deputies on duty that day
  await cell.click()
  const duty = page.locator(t('duty-dialog'))
  await duty.waitFor()
  await page.locator(t('duty-select')).click()
  // two deputies not yet on duty that day
  const free = page.locator('.el-select-dropdown__item:visible:not(.is-selected)')
  const a = (await free.first().locator('span').first().innerText()).trim()
  await free.first().click()
  const b = (await free.first().locator('span').first().innerText()).trim()
  await free.first().click()
  await duty.locator('.el-dialog__title').click() // close the dropdown
  await duty.locator(t('duty-submit')).click()
  await message(page, '的值班代表')
  await cell.filter({ hasText: a }).filter({ hasText: b }).waitFor()

  // kept after a reload
  await page.reload()
  await page.locator(t('cal-day-' + lastDay)).filter({ hasText: a }).filter({ hasText: b }).waitFor()
  await page.context().close()
})

test('deleting a rule asks first', async () => {
  const page = await newPage()
  await login(page, 'unit')
  await openStation(page, '松岭镇人大代表之家')
  await page.getByRole('tab', { name: /接待规则/ }).click()
  const rules = page.locator(`${t('rule-table')} .el-table__body-wrapper tr`)
  await rules.first().waitFor()
  const n = await rules.count()
  await rules.last().locator(t('rule-delete')).click()
  await confirmBox(page, '取消')
  assert.equal(await rules.count(), n)
  await rules.last().locator(t('rule-delete')).click()
  await confirmBox(page, '删除')
  await message(page, '规则已删除')
  await page.waitForFunction(([sel, k]) => document.querySelectorAll(sel).length === k, [`${t('rule-table')} .el-table__body-wrapper tr`, n - 1])
  await page.context().close()
})

test('the station list keeps its search and its sort across a station page, the back button and a reload', async () => {
  const page = await newPage()
  await login(page, 'county')
  await page.locator(t('menu-stations')).click()
  const names = () => page.locator(`${t('station-table')} .el-table__body-wrapper ${t('station-name')}`).allInnerTexts()
  const settled = () => page.waitForFunction((sel) => !document.querySelector(sel), `${t('station-table')} .el-loading-mask`)
  await page.locator(`${t('station-table')} ${t('station-name')}`).first().waitFor()
  await settled()
  const all = await names()

  await page.locator(t('station-filter-q')).fill('松岭')
  await page.locator(t('station-search')).click()
  await page.waitForURL(/[?&]q=/)
  await settled()
  const found = await names()
  assert.ok(found.length > 1 && found.every((n) => n.includes('松岭')), found.join('、'))
  assert.notDeepEqual(found, all)

  // sorted by name, descending (a second click on the column's sort)
  await page.locator(`${t('station-table')} th`, { hasText: '名称' }).locator('.sort-caret.descending').click()
  await page.waitForURL(/[?&]sort=-name/)
  await settled()
  const sorted = await names()
  assert.deepEqual([...sorted].sort(), [...found].sort())
  for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i - 1] >= sorted[i], `${sorted[i - 1]} before ${sorted[i]}`)

  // a station's page, then back: the same search in the same order
  await page.locator(`${t('station-table')} ${t('station-name')}`).first().click()
  await page.locator(t('station-title')).waitFor()
  await page.goBack()
  await page.locator(`${t('station-table')} ${t('station-name')}`).first().waitFor()
  await settled()
  assert.equal(await page.locator(t('station-filter-q')).inputValue(), '松岭')
  assert.deepEqual(await names(), sorted)

  await page.reload()
  await page.locator(`${t('station-table')} ${t('station-name')}`).first().waitFor()
  await settled()
  assert.deepEqual(await names(), sorted)
  await page.context().close()
})
