// The phone pages at 390×844: a deputy's pages chosen by the device (their suggestions, meetings,
// opinions and record), Vant's icons drawn, one login error, the citizen's photo preview under the
// page's content security policy, what happens after submitting (from the settings) and 长辈模式.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, teardown, newPage, newPhonePage, login, fillLogin, t, path, PHONE, PASSWORD } from './helpers.mjs'

before(setup)
after(teardown)

const STATION = '松岭镇人大代表联络站'

// The width of an icon's drawn glyph (its ::before) and the mask that draws it.
const glyph = (loc) =>
  loc.evaluate((el) => {
    const s = getComputedStyle(el, '::before')
    return { width: parseFloat(s.width) || 0, mask: s.maskImage || s.webkitMaskImage || 'none', content: s.content }
  })

// Failed policy checks, from the console (Chromium reports every refusal there).
function cspErrors(page) {
  const seen = []
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(m.text())
  })
  return seen
}

test('a deputy who logs in on a phone gets the phone pages: suggestions, meetings, opinions, record', async () => {
  const page = await newPhonePage()
  const csp = cspErrors(page)
  await login(page, 'deputy') // the desktop login form, on a phone
  await page.locator(t('m-home')).waitFor()
  assert.equal(path(page), '/m')
  assert.equal(await page.locator('.el-message').count(), 0, 'no desktop toast on the phone pages')
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= PHONE.width, 'fits the phone')
  // the cells' arrows are drawn (not empty boxes of a missing font)
  const arrow = page.locator(`${t('entry-mySuggestions')} .van-icon-arrow`)
  const g = await glyph(arrow)
  assert.ok(g.width > 0, `the arrow is ${g.width}px wide`)
  assert.match(g.mask, /^url\("data:image\/svg\+xml/)
  assert.equal(g.content, '""')

  // 我的建议: the deputy's suggestions with their state
  await page.locator(t('entry-mySuggestions')).click()
  await page.locator(t('my-sg-page')).waitFor()
  const mine = await (await page.request.get('/api/v1/suggestions?per_page=100')).json()
  const led = mine.items.filter((x) => x.mine)
  assert.ok(led.length > 0, 'the demo deputy leads suggestions')
  await page.locator('.van-tab', { hasText: '我领衔的' }).click()
  await page.locator(t('my-sg-item'), { hasText: led[0].title }).first().waitFor()
  assert.ok((await page.locator(t('my-sg-state')).first().innerText()).length > 0)
  await page.locator(t('my-sg-home')).click()

  // 我的会议
  await page.locator(t('entry-myMeetings')).click()
  await page.locator(t('my-meetings')).waitFor()
  const meetings = await (await page.request.get('/api/v1/meetings')).json()
  assert.ok(meetings.items.length > 0, 'the demo deputy sat in a meeting')
  await page.locator(t('my-meeting-title'), { hasText: meetings.items[0].title }).waitFor()
  await page.locator(t('my-meetings-home')).click()

  // 我的意见: the opinions of the deputy's stations, one opened
  await page.locator(t('entry-myOpinions')).click()
  await page.locator(t('m-op-item')).first().waitFor()
  const body = (await page.locator(t('m-op-item')).first().locator('.t').innerText()).trim()
  await page.locator(t('m-op-item')).first().click()
  await page.waitForURL(/\/m\/opinions\/\d+$/)
  assert.equal((await page.locator(t('m-op-body')).innerText()).trim(), body)
  await page.locator(t('m-back')).click()
  await page.locator(t('m-back')).click()

  // 我的履职信息
  await page.locator(t('entry-me')).click()
  await page.locator(t('m-record-name')).waitFor()
  const me = await (await page.request.get('/api/v1/session')).json()
  const dep = await (await page.request.get('/api/v1/deputies/' + me.user.deputy_id)).json()
  assert.match(await page.locator(t('m-record-name')).innerText(), new RegExp(dep.deputy.name))
  assert.ok((await page.locator(t('m-record-mandate')).count()) > 0)
  const ledText = await page.locator(`${t('m-record-led')} .van-cell__value`).innerText()
  assert.equal(Number(ledText), led.filter((x) => x.state !== 'draft').length)
  const record = (await (await page.request.get('/api/v1/me/record')).json()).record
  assert.equal(Number(await page.locator(`${t('m-record-held')} .van-cell__value`).innerText()), record.meetings.held)
  assert.ok(record.meetings.held > 0)
  assert.equal(await page.locator(t('m-record-duty')).count(), record.receptions.upcoming.length)
  assert.deepEqual(csp, [])
  await page.context().close()
})

test('a deputy on a phone opening a desktop page is sent to its phone page; the switch link keeps the desktop', async () => {
  const page = await newPhonePage()
  await page.goto('/login?redirect=' + encodeURIComponent('/me'))
  await page.locator(t('login-username')).fill('deputy')
  await page.locator(t('login-password')).fill(PASSWORD)
  await page.locator(t('login-submit')).click()
  await page.waitForURL('**/m/me')
  await page.locator(t('m-record-name')).waitFor()
  await page.goto('/m')
  await page.locator(t('m-to-desktop')).click()
  await page.waitForURL((u) => u.pathname === '/')
  await page.locator(t('user-name')).waitFor() // the desktop shell, chosen
  assert.equal(await page.locator(t('m-home')).count(), 0)
  await page.reload()
  await page.locator(t('user-name')).waitFor() // and kept
  assert.equal(path(page), '/')
  // and back: the header's menu offers the phone pages to a deputy
  await page.locator(t('user-name')).click()
  await page.locator(t('header-to-phone')).click()
  await page.locator(t('m-home')).waitFor()
  assert.equal(path(page), '/m')
  await page.context().close()
})

test('staff keep the desktop pages on a phone; a deputy on a desktop keeps them too', async () => {
  const staff = await newPhonePage()
  await login(staff, 'unit')
  assert.equal(path(staff), '/')
  assert.equal(await staff.locator(t('m-home')).count(), 0)
  await staff.context().close()
  const desk = await newPage()
  await login(desk, 'deputy')
  assert.equal(path(desk), '/')
  await desk.context().close()
})

test('a login error shows once, on the phone login and on the desktop one', async () => {
  const page = await newPhonePage()
  await page.goto('/m/login')
  await page.locator(t('login-username')).locator('input').fill('deputy')
  await page.locator(t('login-password')).locator('input').fill('wrong-password-1')
  await page.locator(t('login-submit')).click()
  const err = page.locator(t('login-error'))
  await err.waitFor()
  const text = (await err.innerText()).trim()
  assert.ok(text.length > 0)
  await page.waitForTimeout(300)
  assert.equal(await page.getByText(text, { exact: true }).count(), 1)
  assert.equal(await page.locator('.van-toast').count(), 0)
  // the right password: on to the deputy's home
  await page.locator(t('login-password')).locator('input').fill(PASSWORD)
  await page.locator(t('login-submit')).click()
  await page.locator(t('m-home')).waitFor()
  await page.context().close()

  const desk = await newPhonePage()
  await fillLogin(desk, 'deputy', 'wrong-password-2')
  await desk.locator(t('login-error')).waitFor()
  const msg = (await desk.locator(t('login-error')).innerText()).trim()
  await desk.waitForTimeout(300)
  assert.equal(await desk.locator('.el-message').count(), 0, 'no second copy as a toast')
  assert.equal(await desk.getByText(msg, { exact: true }).count(), 1)
  await desk.context().close()
})

test('a citizen\'s photo previews, the next steps come from the settings, 长辈模式 enlarges the text', async () => {
  // the township's own deadline (the page must show it, not a number of its own)
  const staff = await newPage()
  await login(staff, 'county')
  const csrf = (await (await staff.request.get('/api/v1/session')).json()).csrf_token
  let res = await staff.request.put('/api/v1/settings?region=329981101', {
    data: { 'opinion.reply_days': 12, 'opinion.close_after_days': 8 },
    headers: { 'X-CSRF-Token': csrf },
  })
  assert.equal(res.status(), 200)
  const st = (await (await staff.request.get('/api/v1/stations?region=329981101&kind=station')).json()).items[0]
  assert.equal(st.name, STATION)
  await staff.context().close()

  const phone = await newPhonePage()
  const csp = cspErrors(phone)
  await phone.goto('/s/' + st.public_code)
  const name = phone.locator(t('public-name'))
  await name.waitFor()
  const size = (loc) => loc.evaluate((el) => parseFloat(getComputedStyle(el).fontSize))
  const before = await size(name)
  await phone.locator(t('elder-toggle')).click()
  assert.ok((await size(name)) > before, '长辈模式 enlarges the station\'s name')
  // remembered on the phone: the form opens in it too
  await phone.locator(t('public-opinion')).click()
  await phone.locator(t('op-body')).waitFor()
  assert.ok(await phone.evaluate(() => document.documentElement.classList.contains('pm-elder')))
  const field = phone.locator(`${t('op-place')} input`)
  assert.ok((await size(field)) >= 18, 'a field\'s text is large')
  await phone.reload()
  await phone.locator(t('op-body')).waitFor()
  assert.ok((await size(field)) >= 18, 'still large after a reload')
  await phone.locator(t('elder-toggle')).click()
  assert.ok((await size(field)) < 18, 'back to the standard size')

  // the photo's preview (a blob: URL) is drawn
  const png = await phone.screenshot({ type: 'png', clip: { x: 0, y: 0, width: 120, height: 80 } })
  await phone.locator(`${t('op-photos')} input[type=file]`).setInputFiles({ name: 'p.png', mimeType: 'image/png', buffer: png })
  const img = phone.locator(`${t('op-photos')} .van-uploader__preview-image img`)
  await img.waitFor()
  await phone.waitForFunction((sel) => document.querySelector(sel)?.complete, `${t('op-photos')} .van-uploader__preview-image img`)
  assert.ok((await img.evaluate((i) => i.naturalWidth)) > 0, 'the preview is shown')
  assert.deepEqual(csp, [])

  await phone.locator(`${t('op-body')} textarea`).fill('松岭镇东街的路灯坏了一个多月了')
  await phone.locator(t('op-submit')).click()
  await phone.locator(t('opinion-code')).waitFor()
  assert.equal((await phone.locator(t('opinion-reply-days')).innerText()).trim(), '12')
  assert.equal((await phone.locator(t('opinion-close-days')).innerText()).trim(), '8')
  assert.match(await phone.locator(t('opinion-next')).innerText(), /12 个工作日内答复/)
  await phone.context().close()
})
