// 预约接待：群众在手机上（390×844）从联络站页面预约接待时段并得到预约码；联络站工作人员在
// “预约接待”页面看到当天的预约（手机号打码，查看完整号码留痕），标记已接待，再一步转为群众意见。
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, teardown, newPage, newPhonePage, login, t, confirmBox, message, PHONE } from './helpers.mjs'

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
