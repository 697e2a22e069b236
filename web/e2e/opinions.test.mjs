// 群众意见闭环：群众在手机上从联络站页面反映意见并得到查询码；县人大工作人员全文检索找到它，
// 分类并交办给承办单位；承办单位签收、答复；群众凭查询码和手机号后四位查询并评价。
// The public endpoints are rate-limited per address (5 submissions, 30 look-ups per 10 minutes):
// this file stays well under both.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, teardown, newPage, newPhonePage, login, t, pickOption, message, path, PHONE } from './helpers.mjs'

before(setup)
after(teardown)

const HANDLER = '清河市交通运输局' // the `handler` demo account's unit
const TOWNSHIP = '329981101'

// A few characters no demo text has, so that a full-text search finds exactly this opinion.
function marker() {
  const chars = '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥'
  let s = ''
  for (let i = 0; i < 4; i++) s += chars[Math.floor(Math.random() * chars.length)]
  return s
}
const phoneNo = () => '139' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0')

// The public code of the township's liaison station, looked up as county staff.
async function stationCode() {
  const page = await newPage()
  await login(page, 'county')
  const res = await page.request.get(`/api/v1/stations?region=${TOWNSHIP}&kind=station`)
  const data = await res.json()
  await page.context().close()
  assert.ok(data.items.length, 'the township has a liaison station')
  return { code: data.items[0].public_code, name: data.items[0].name }
}

// A state-changing API call with the page's session (the CSRF token from GET /session).
async function apiPost(page, url, body) {
  const s = await (await page.request.get('/api/v1/session')).json()
  const res = await page.request.post(url, { data: body, headers: { 'X-CSRF-Token': s.csrf_token } })
  assert.ok(res.ok(), `${url}: ${res.status()} ${await res.text()}`)
  return res.json()
}

async function openInInbox(page, q, code) {
  await page.locator(t('menu-opinions')).click()
  await page.locator(t('opinion-filter-q')).fill(q)
  await page.locator(t('opinion-search')).click()
  await page.locator(`${t('opinion-table')} ${t('opinion-code')}`, { hasText: code }).click()
  await page.locator(t('opinion-detail-code'), { hasText: code }).waitFor()
}

const stateIs = (page, name) => page.locator(t('opinion-detail-state'), { hasText: name }).waitFor()

test('a citizen raises an opinion on a phone, staff assign it, the unit replies, the citizen rates it', async () => {
  const station = await stationCode()
  const mark = marker()
  const body = `站前路${mark}段的井盖丢失了，晚上有行人差点掉下去，请尽快处理`
  const mobile = phoneNo()

  // ---- the citizen, on a phone, from the station's page ----
  const phone = await newPhonePage()
  await phone.goto('/s/' + station.code)
  await phone.locator(t('public-name'), { hasText: station.name }).waitFor()
  await phone.locator(t('public-opinion')).click()
  await phone.waitForURL(`**/s/${station.code}/opinion`)
  await phone.locator(t('op-category')).click()
  await phone.locator('.van-picker__confirm').click() // the first category
  assert.notEqual(await phone.locator(`${t('op-category')} input`).inputValue(), '')
  await phone.locator(`${t('op-body')} textarea`).fill(body)
  assert.match(await phone.locator(`${t('op-body')} .van-field__word-limit`).innerText(), new RegExp(`^${[...body].length}/5000$`))
  await phone.locator(`${t('op-place')} input`).fill('站前路')
  await phone.locator(`${t('op-name')} input`).fill('王小明')
  await phone.locator(`${t('op-phone')} input`).fill(mobile)
  // a photo: the page resizes it in the browser before sending it
  const shot = await phone.screenshot({ type: 'png' })
  await phone.locator(`${t('op-photos')} input[type=file]`).setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: shot })
  await phone.locator(`${t('op-photos')} .van-uploader__preview-image`).waitFor()
  await phone.waitForFunction((sel) => !document.querySelector(sel), `${t('op-photos')} .van-uploader__mask`)
  // a phone number needs the consent
  await phone.locator(t('op-submit')).click()
  await phone.locator(t('op-consent-error')).waitFor()
  await phone.locator(t('op-consent')).click()
  await phone.locator(t('op-submit')).click()
  const codeEl = phone.locator(t('opinion-code'))
  await codeEl.waitFor()
  const code = (await codeEl.innerText()).trim()
  assert.match(code, /^\d{6}[A-HJ-NP-Z2-9]{6}$/)
  assert.match(await phone.locator(t('opinion-secret-link')).innerText(), new RegExp(`/t/${code}\\?secret=[0-9a-f]{48}$`))
  assert.match(await phone.locator(t('opinion-keep')).innerText(), /妥善保管/)
  assert.ok((await phone.evaluate(() => document.documentElement.scrollWidth)) <= PHONE.width, 'fits the phone')

  // ---- county staff find it by full-text search, classify it and assign it ----
  const staff = await newPage()
  await login(staff, 'county')
  await openInInbox(staff, mark, code)
  await stateIs(staff, '已受理')
  assert.equal(await staff.locator(t('opinion-citizen-phone')).innerText(), mobile) // staff who manage see it whole
  const img = staff.locator(`${t('opinion-photos')} img`).first()
  await img.waitFor()
  await staff.waitForFunction((sel) => document.querySelector(sel)?.complete, `${t('opinion-photos')} img`)
  assert.ok((await img.evaluate((i) => i.naturalWidth)) > 0, 'the photo is shown')
  // staff are not offered the handling unit's steps
  assert.equal(await staff.locator(t('op-act-accept')).count(), 0)
  assert.equal(await staff.locator(t('op-act-reply')).count(), 0)

  await staff.locator(t('op-act-classify')).click()
  await pickOption(staff, 'op-action-category', '市政设施')
  await staff.locator(t('op-action-submit')).click()
  await message(staff, '已分类')
  await stateIs(staff, '已分类')
  assert.equal(await staff.locator(t('op-act-classify')).count(), 0) // classified once

  await staff.locator(t('op-act-assign')).click()
  await pickOption(staff, 'op-action-handler', HANDLER)
  await staff.locator(t('op-action-submit')).click()
  await message(staff, '已交办')
  await stateIs(staff, '已交办')
  assert.equal(await staff.locator(t('opinion-handler')).innerText(), HANDLER)
  assert.equal(await staff.locator(t('op-act-assign')).count(), 0)
  assert.equal(await staff.locator(t('op-act-accept')).count(), 0)
  assert.match(await staff.locator(t('opinion-events')).innerText(), new RegExp(`交办给${HANDLER}`))

  // ---- the handling unit: sign for it first, then reply ----
  const unit = await newPage()
  await login(unit, 'handler')
  await unit.locator(t('menu-desk')).click()
  const row = unit.locator(`${t('opinion-table')} .el-table__body-wrapper tr`, { hasText: code })
  await row.waitFor()
  assert.equal(await row.locator(t('desk-reply')).count(), 0, 'no reply before signing for it')
  await row.locator(t('opinion-code')).click()
  await stateIs(unit, '已交办')
  await unit.locator(t('op-act-accept')).waitFor()
  assert.equal(await unit.locator(t('op-act-reply')).count(), 0, 'no 答复 button before 签收')
  assert.equal(await unit.locator(t('op-act-assign')).count(), 0)
  // the unit sees the citizen's data masked
  assert.match(await unit.locator(t('opinion-citizen-phone')).innerText(), /^\d{3}\*{4}\d{4}$/)
  await unit.locator(t('op-act-accept')).click()
  await message(unit, '已签收')
  await stateIs(unit, '办理中')
  assert.equal(await unit.locator(t('op-act-accept')).count(), 0)
  const reply = `已于今日补装${mark}段井盖并设置警示标志，感谢您的反映。`
  await unit.locator(t('op-act-reply')).click()
  await unit.locator(t('op-action-text')).fill(reply)
  await unit.locator(t('op-action-submit')).click()
  await message(unit, '已答复')
  await stateIs(unit, '已答复')
  assert.equal(await unit.locator(t('op-act-reply')).count(), 0)

  // ---- the citizen looks it up with the code and the phone's last four digits, and rates it ----
  await phone.goto('/t')
  await phone.locator(`${t('track-code')} input`).fill(code)
  await phone.locator(`${t('track-phone4')} input`).fill(mobile.slice(-4))
  await phone.locator(t('track-submit')).click()
  await phone.locator(t('track-state'), { hasText: '已答复' }).waitFor()
  assert.equal(path(phone), '/t/' + code) // the digits stay out of the address
  assert.match(await phone.locator(t('track-reply')).innerText(), new RegExp(reply))
  assert.match(await phone.locator(t('track-handler')).innerText(), new RegExp(HANDLER))
  const events = await phone.locator(t('track-events')).innerText()
  for (const step of ['提交', '分类', '交办', '签收', '答复']) assert.ok(events.includes(step), `the timeline shows ${step}`)
  await phone.locator(t('track-rate-satisfied')).click()
  await phone.locator(`${t('track-comment')} textarea`).fill('处理很及时')
  await phone.locator(t('track-rate-submit')).click()
  await phone.locator(t('track-state'), { hasText: '已办结' }).waitFor()
  assert.match(await phone.locator(t('track-notice')).innerText(), /已办结/)
  assert.match(await phone.locator(t('track-rating')).innerText(), /满意/)
  assert.equal(await phone.locator(t('track-rate')).count(), 0, 'rated once')
  assert.ok((await phone.evaluate(() => document.documentElement.scrollWidth)) <= PHONE.width, 'fits the phone')

  // staff see the outcome
  await staff.reload()
  await stateIs(staff, '已办结')
  assert.equal(await staff.locator(t('opinion-rating')).innerText(), '满意')

  await phone.context().close()
  await staff.context().close()
  await unit.context().close()
})

test('a rating of 不满意 sends the opinion back to the unit, and the secret link needs no phone', async () => {
  const station = await stationCode()
  const mark = marker()

  // set up through the API: submitted without a phone, assigned, signed for and replied
  const phone = await newPhonePage()
  const res = await phone.request.post('/api/v1/public/opinions', {
    data: { station_code: station.code, body: `${mark}村口路面塌陷，下雨后积水严重` },
  })
  assert.equal(res.status(), 201)
  const { tracking_code: code, secret } = await res.json()

  const staff = await newPage()
  await login(staff, 'county')
  const list = await (await staff.request.get('/api/v1/opinions?q=' + encodeURIComponent(mark))).json()
  const id = list.items.find((o) => o.tracking_code === code).id
  const handlers = await (await staff.request.get('/api/v1/handlers?q=' + encodeURIComponent(HANDLER))).json()
  await apiPost(staff, `/api/v1/opinions/${id}/actions`, { action: 'assign', handler_id: handlers.items[0].id })
  const unit = await newPage()
  await login(unit, 'handler')
  await apiPost(unit, `/api/v1/opinions/${id}/actions`, { action: 'accept' })
  await apiPost(unit, `/api/v1/opinions/${id}/actions`, { action: 'reply', reply: '已安排修补路面。' })

  // the citizen opens the secret link and is not satisfied
  await phone.goto(`/t/${code}?secret=${secret}`)
  await phone.locator(t('track-state'), { hasText: '已答复' }).waitFor()
  await phone.locator(t('track-rate-unsatisfied')).click()
  await phone.locator(`${t('track-comment')} textarea`).fill('只修了一半，还在积水')
  await phone.locator(t('track-rate-submit')).click()
  await phone.locator(t('track-state'), { hasText: '已交办' }).waitFor()
  assert.match(await phone.locator(t('track-notice')).innerText(), /重新交办.*再次办理/)
  assert.equal(await phone.locator(t('track-rate')).count(), 0)

  // back on the unit's desk: it must sign for it again before replying
  await unit.goto('/desk')
  const row = unit.locator(`${t('opinion-table')} .el-table__body-wrapper tr`, { hasText: code })
  await row.locator(t('desk-accept')).waitFor()
  assert.equal(await row.locator(t('desk-reply')).count(), 0)
  await unit.goto('/opinions/' + id)
  await stateIs(unit, '已交办')
  assert.equal(await unit.locator(t('op-act-reply')).count(), 0)
  assert.match(await unit.locator(t('opinion-events')).innerText(), /评价不满意，重新办理/)
  assert.match(await unit.locator(t('opinion-events')).innerText(), /只修了一半/)

  // station staff may answer on the spot but neither classify nor assign
  const st = await newPage()
  await login(st, 'station')
  const other = await phone.request.post('/api/v1/public/opinions', {
    data: { station_code: station.code, body: `${mark}菜市场门口早上占道经营` },
  })
  const otherCode = (await other.json()).tracking_code
  await openInInbox(st, mark, otherCode)
  await st.locator(t('op-act-answer_on_spot')).waitFor()
  for (const a of ['classify', 'assign', 'not_accept', 'merge', 'accept', 'reply']) {
    assert.equal(await st.locator(t('op-act-' + a)).count(), 0, `station staff are not offered ${a}`)
  }

  await phone.context().close()
  await staff.context().close()
  await unit.context().close()
  await st.context().close()
})

test('the form checks its fields and shows the server refusing (rate limit); /opinion and a wrong code explain', async () => {
  const station = await stationCode()
  const phone = await newPhonePage()
  await phone.goto(`/s/${station.code}/opinion`)
  await phone.locator(t('op-submit')).click()
  await phone.locator(`${t('op-body')} .van-field__error-message`, { hasText: '至少填写5个字' }).waitFor()
  await phone.locator(`${t('op-body')} textarea`).fill('路灯不亮了很久')
  await phone.locator(`${t('op-phone')} input`).fill('1391234')
  await phone.locator(t('op-submit')).click()
  await phone.locator(`${t('op-phone')} .van-field__error-message`, { hasText: '11位' }).waitFor()
  await phone.locator(`${t('op-phone')} input`).fill('')

  // the server's answer when the address sent too many: shown as it comes
  await phone.route('**/api/v1/public/opinions', (route) =>
    route.fulfill({
      status: 429,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'rate_limited', message: '提交过于频繁，请10分钟后再试' } }),
    }),
  )
  await phone.locator(t('op-submit')).click()
  await phone.locator(t('op-error'), { hasText: '提交过于频繁，请10分钟后再试' }).waitFor()
  assert.equal(await phone.locator(t('opinion-code')).count(), 0)
  await phone.unroute('**/api/v1/public/opinions')

  await phone.goto('/opinion')
  await phone.locator(t('opinion-no-station'), { hasText: '扫描' }).waitFor()
  await phone.locator(t('opinion-to-track')).click()
  await phone.waitForURL('**/t')
  await phone.locator(`${t('track-code')} input`).fill('261129ABCDEF')
  await phone.locator(`${t('track-phone4')} input`).fill('0000')
  await phone.locator(t('track-submit')).click()
  await phone.locator(t('track-error'), { hasText: '查询码或验证信息不正确' }).waitFor()
  await phone.context().close()
})

test('the state filter offers the server\'s names of the states, and the list and the address follow it', async () => {
  const page = await newPage()
  await login(page, 'county')
  const labels = await (await page.request.get('/api/v1/labels')).json()
  await page.locator(t('menu-opinions')).click()
  await page.locator(`${t('opinion-table')} ${t('opinion-code')}`).first().waitFor()

  await page.locator(t('opinion-filter-state')).click()
  // The dropdown opens with a transition (scaled from zero height): wait until its last item shows.
  const names = Object.values(labels.opinion.states)
  await page.locator('.el-select-dropdown__item:visible', { hasText: names[names.length - 1] }).waitFor()
  const offered = await page.locator('.el-select-dropdown__item:visible').allInnerTexts()
  assert.deepEqual(offered.map((x) => x.trim()), Object.values(labels.opinion.states))
  await page.locator('.el-select-dropdown__item:visible', { hasText: labels.opinion.states.assigned }).first().click()
  await page.locator(t('opinion-search')).click()
  await page.waitForURL(/[?&]state=assigned/)
  await page.waitForFunction((sel) => !document.querySelector(sel), `${t('opinion-table')} .el-loading-mask`)
  const states = await page.locator(`${t('opinion-table')} ${t('opinion-state')}`).allInnerTexts()
  assert.ok(states.length > 0)
  assert.deepEqual([...new Set(states.map((x) => x.trim()))], ['已交办'])
  await page.context().close()
})
