// 预约接待：群众在手机上（390×844）从联络站页面预约接待时段并得到预约码；联络站工作人员在
// “预约接待”页面看到当天的预约（手机号打码，查看完整号码留痕），标记已接待，再一步转为群众意见；
// 当天的预约按筛选导出Excel、打印登记表；只管一个联络站的工作人员只看到本站。
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { setup, teardown, newPage, newPhonePage, login, t, confirmBox, message, pickOption, pickRegion, fillLogin, uniq, PHONE } from './helpers.mjs'

before(setup)
after(teardown)

const TOWNSHIP = '329981101'

async function apiPost(page, url, body) {
  const s = await (await page.request.get('/api/v1/session')).json()
  const res = await page.request.post(url, { data: body, headers: { 'X-CSRF-Token': s.csrf_token } })
  assert.ok(res.ok(), `${url}: ${res.status()} ${await res.text()}`)
  return res.json()
}

test('a booking from a citizen\'s phone through the staff\'s day view, marked met, turned into an opinion', async () => {
  // a reception day two days ahead at the township's station, 07:00–08:00
  const staff = await newPage()
  await login(staff, 'county')
  const st = (await (await staff.request.get(`/api/v1/stations?region=${TOWNSHIP}&kind=station`)).json()).items[0]
  const today = (await (await staff.request.get(`/api/v1/stations/${st.id}/calendar`)).json()).from
  const d = new Date(today + 'T00:00:00Z')
  d.setUTCDate(d.getUTCDate() + 2)
  const date = d.toISOString().slice(0, 10)
  await apiPost(staff, `/api/v1/stations/${st.id}/rules`, { kind: 'once', date, start_time: '07:00', end_time: '08:00' })
  await staff.context().close()
  const mobile = '139' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0')

  // ---- the citizen, on a phone, from the station's page ----
  const phone = await newPhonePage()
  await phone.goto('/s/' + st.public_code)
  await phone.locator(t('public-booking')).click()
  await phone.waitForURL(`**/s/${st.public_code}/booking`)
  await phone.locator(t('booking-day-' + date)).click()
  await phone.locator(t('booking-slot-07:00')).click()
  await phone.locator(`${t('bk-name')} input`).fill('赵六')
  await phone.locator(`${t('bk-phone')} input`).fill(mobile)
  await phone.locator(`${t('bk-topic')} textarea`).fill('小区门口的路灯坏了一个月')
  // the consent is required
  await phone.locator(t('bk-submit')).click()
  await phone.locator(t('bk-consent-error')).waitFor()
  await phone.locator(t('bk-consent')).click()
  await phone.locator(t('bk-submit')).click()
  const code = (await phone.locator(t('booking-code')).innerText()).trim()
  assert.match(code, /^[A-Z2-9]{8}$/)
  assert.match(await phone.locator(t('booking-when')).innerText(), /07:00–07:30/)
  assert.equal((await phone.locator(t('booking-state')).innerText()).trim(), '已预约')
  const width = await phone.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(width <= PHONE.width, `page is ${width}px wide`)
  await phone.context().close()

  // ---- the station's staff, on the desktop ----
  const page = await newPage()
  await login(page, 'station')
  await page.locator(t('menu-bookings')).click()
  await page.locator(t('booking-table')).waitFor()
  await page.goto(`/bookings?station=${st.id}&date=${date}`)
  const row = page.locator(`${t('booking-table')} .el-table__body-wrapper tr`, { hasText: code })
  await row.waitFor()
  // the phone masked; the whole number on request
  assert.equal((await row.locator(t('booking-phone')).innerText()).trim(), mobile.slice(0, 3) + '****' + mobile.slice(7))
  assert.ok(!(await row.innerText()).includes('赵六'))
  await row.locator(t('booking-reveal')).click()
  await row.locator(t('booking-phone'), { hasText: mobile }).waitFor()
  // met
  await row.locator(t('booking-met')).click()
  await confirmBox(page, '确定')
  await message(page, '已标记为已接待')
  await row.locator(t('booking-state'), { hasText: '已接待' }).waitFor()
  // made an opinion, the citizen's words prefilled
  await row.locator(t('booking-convert')).click()
  const dialog = page.locator('.el-dialog', { hasText: '转为群众意见' })
  const body = dialog.locator(t('booking-convert-body'))
  assert.equal(await body.inputValue(), '小区门口的路灯坏了一个月')
  await body.fill('短')
  await dialog.locator(t('booking-convert-ok')).click()
  await dialog.locator('.el-form-item__error', { hasText: '请至少填写5个字' }).waitFor()
  await body.fill('小区门口的路灯坏了一个月，晚上行人看不清路，请尽快修好。')
  await dialog.locator(t('booking-convert-ok')).click()
  await row.locator(t('booking-state'), { hasText: '已转为意见' }).waitFor()
  const opinionCode = (await row.locator(t('booking-opinion')).innerText()).trim()
  assert.match(opinionCode, /^[0-9A-Z]{12}$/)
  await row.locator(t('booking-opinion')).click()
  await page.locator(t('opinion-detail-code'), { hasText: opinionCode }).waitFor()
  await page.context().close()
})

// A reception day n days ahead at the township's first station with two bookings (one met).
async function dayWithBookings(n, start) {
  const staff = await newPage()
  await login(staff, 'county')
  const st = (await (await staff.request.get(`/api/v1/stations?region=${TOWNSHIP}&kind=station`)).json()).items[0]
  const today = (await (await staff.request.get(`/api/v1/stations/${st.id}/calendar`)).json()).from
  const d = new Date(today + 'T00:00:00Z')
  d.setUTCDate(d.getUTCDate() + n)
  const date = d.toISOString().slice(0, 10)
  await apiPost(staff, `/api/v1/stations/${st.id}/rules`, { kind: 'once', date, start_time: start, end_time: '12:00' })
  const codes = []
  for (const name of ['钱七', '孙八']) {
    const mobile = '138' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0')
    const res = await staff.request.post(`/api/v1/public/stations/${st.public_code}/bookings`,
      { data: { date, start_time: start, name, phone: mobile, topic: '反映路灯的事项', consent: true } })
    assert.ok(res.ok(), await res.text())
    codes.push((await res.json()).booking.code)
  }
  const day = await (await staff.request.get(`/api/v1/stations/${st.id}/bookings?date=${date}`)).json()
  await apiPost(staff, `/api/v1/bookings/${day.items.find((b) => b.code === codes[1]).id}/actions`, { action: 'met' })
  await staff.context().close()
  return { st, date, codes }
}

test('the day\'s bookings filtered by state, exported to Excel and printed as a register', async () => {
  const { st, date, codes } = await dayWithBookings(3, '09:00')
  const page = await newPage()
  await login(page, 'station')
  await page.goto(`/bookings?station=${st.id}&date=${date}`)
  const rows = page.locator(`${t('booking-table')} .el-table__body-wrapper tr`)
  await rows.filter({ hasText: codes[1] }).waitFor()
  // the state filter: only the booked one
  await pickOption(page, 'booking-state-filter', '已预约')
  await rows.filter({ hasText: codes[1] }).waitFor({ state: 'detached' })
  await rows.filter({ hasText: codes[0] }).waitFor()
  // the file follows the filter
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator(t('booking-export')).click()])
  assert.equal(file.suggestedFilename(), `预约接待-${st.name}-${date}.xlsx`)
  const xlsx = readFileSync(await file.path())
  assert.equal(xlsx.subarray(0, 2).toString(), 'PK')
  // the register on A4: the filtered rows, masked, with the station and the day
  await page.locator(t('booking-print')).click()
  await page.locator(t('print-bookings')).waitFor()
  assert.match(new URL(page.url()).pathname, new RegExp(`^/print/station/${st.id}/bookings$`))
  assert.equal((await page.locator(t('print-title')).innerText()).trim(), '预约接待登记表')
  const sheet = await page.locator(t('print-bookings')).innerText()
  assert.ok(sheet.includes(st.name) && sheet.includes(codes[0]) && !sheet.includes(codes[1]), sheet)
  assert.ok(sheet.includes('钱**') && !sheet.includes('钱七'))
  assert.equal(await page.locator(t('print-table-row')).count(), 1)
  await page.locator(t('print-issuer')).waitFor()
  await page.context().close()
})

test('a station\'s own staff see only their station in the day view', async () => {
  const { st } = await dayWithBookings(4, '09:30')
  // the security administrator gives a station's staff account its station
  const sec = await newPage()
  await login(sec, 'secadmin')
  const username = 'keep' + uniq()
  await sec.goto('/accounts')
  await sec.locator(t('account-create')).click()
  const form = sec.locator(t('account-dialog'))
  await form.locator(t('account-form-username')).fill(username)
  await form.locator(t('account-form-name')).fill('值守人员')
  await pickOption(sec, 'account-form-role', '联络站工作人员')
  await pickRegion(sec, 'account-form-region', '329981')
  await pickOption(sec, 'account-form-station', st.name)
  await form.locator(t('account-form-password')).fill('Start#2024a')
  await form.locator(t('account-form-confirm')).fill('Start#2024a')
  await form.locator(t('account-form-submit')).click()
  await message(sec, `已创建账号“${username}”`)
  await sec.locator(t('account-search')).fill(username)
  await sec.locator(t('account-search-btn')).click()
  await sec.locator(`${t('account-table')} tr`, { hasText: username }).locator(t('account-station'), { hasText: st.name }).waitFor()
  await sec.context().close()

  const page = await newPage()
  await fillLogin(page, username, 'Start#2024a')
  await page.waitForURL('**/password')
  const s = await (await page.request.get('/api/v1/session')).json()
  const res = await page.request.post('/api/v1/session/password', {
    data: { old_password: 'Start#2024a', new_password: 'Keeper#2024b' }, headers: { 'X-CSRF-Token': s.csrf_token } })
  assert.ok(res.ok(), await res.text())
  await page.context().close()
  const keeper = await newPage()
  await login(keeper, username, 'Keeper#2024b')
  await keeper.goto('/bookings')
  await keeper.locator(t('booking-table')).waitFor()
  await keeper.locator(t('booking-station')).click()
  const options = keeper.locator('.el-select-dropdown__item:visible')
  await options.first().waitFor()
  assert.deepEqual(await options.allInnerTexts(), [st.name])
  await keeper.context().close()
})
