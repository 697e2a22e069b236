// 民意受理的批量办理和催办：县人大工作人员在列表中勾选两条意见，一次交办给同一承办单位，结果逐条列出；
// 在一件即将到期的意见页面上催办承办单位，催办出现在办理过程中。
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { setup, teardown, newPage, login, t, pickOption, message } from './helpers.mjs'

before(setup)
after(teardown)

const HANDLER = '清河市交通运输局'
const TOWNSHIP = '329981101'

// A few characters no demo text has, so that a full-text search finds exactly these opinions.
function marker() {
  const chars = '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥'
  let s = ''
  for (let i = 0; i < 4; i++) s += chars[Math.floor(Math.random() * chars.length)]
  return s
}

async function apiPost(page, url, body) {
  const s = await (await page.request.get('/api/v1/session')).json()
  const res = await page.request.post(url, { data: body, headers: { 'X-CSRF-Token': s.csrf_token } })
  assert.ok(res.ok(), `${url}: ${res.status()} ${await res.text()}`)
  return res.json()
}

async function register(page, body) {
  const st = await (await page.request.get(`/api/v1/stations?region=${TOWNSHIP}&kind=station`)).json()
  return (await apiPost(page, '/api/v1/opinions', { station_id: st.items[0].id, channel: 'visit', body })).opinion
}

test('batch assign: two opinions selected in the list go to one handling unit', async () => {
  const page = await newPage()
  await login(page, 'county')
  const mark = marker()
  const a = await register(page, `批量交办${mark}：东门桥的护栏松动，孩子上学经过很危险。`)
  const b = await register(page, `批量交办${mark}：东门桥下的排水口堵塞，雨后积水。`)

  await page.locator(t('menu-opinions')).click()
  await page.locator(t('opinion-filter-q')).fill(mark)
  await page.locator(t('opinion-search')).click()
  await page.locator(t('opinion-total'), { hasText: '2' }).waitFor()
  // nothing selected: the batch buttons wait
  assert.equal(await page.locator(t('batch-assign')).isDisabled(), true)
  const boxes = page.locator(`${t('opinion-table')} .el-table__body .el-checkbox`)
  assert.equal(await boxes.count(), 2)
  await boxes.nth(0).click()
  await boxes.nth(1).click()
  await page.locator(t('batch-count'), { hasText: '2' }).waitFor()
  // the rows selected, exported: a CSV with Chinese headers and both codes
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator(t('batch-export')).click()])
  assert.equal(file.suggestedFilename(), '所选群众意见.csv')
  const csv = readFileSync(await file.path(), 'utf8')
  assert.match(csv, /^\ufeff查询码,意见内容/)
  for (const o of [a, b]) assert.ok(csv.includes(o.tracking_code), o.tracking_code)
  assert.equal(csv.trim().split('\r\n').length, 3)
  await page.locator(t('batch-assign')).click()
  // the unit is required
  await page.locator(t('batch-submit')).click()
  await page.locator(`${t('batch-dialog')} .el-form-item__error`, { hasText: '请选择承办单位' }).waitFor()
  await pickOption(page, 'batch-handler', HANDLER)
  await page.locator(t('batch-days')).locator('input').fill('10')
  await page.locator(t('batch-submit')).click()
  await page.locator(t('batch-result')).waitFor()
  assert.equal((await page.locator(t('batch-done')).textContent()).trim(), '2')
  assert.equal((await page.locator(t('batch-failed')).textContent()).trim(), '0')
  await page.locator(t('batch-result')).getByRole('button', { name: '知道了' }).click()
  // the list shows both with the unit, and each item was assigned
  await page.locator(`${t('opinion-table')} ${t('opinion-state')}`, { hasText: '已交办' }).nth(1).waitFor()
  for (const o of [a, b]) {
    const got = (await (await page.request.get(`/api/v1/opinions/${o.id}`)).json()).opinion
    assert.equal(got.state, 'assigned')
    assert.equal(got.handler_name, HANDLER)
  }
  // a second batch assign of the same two: each refused, the reasons listed
  await page.locator(`${t('opinion-table')} .el-table__header .el-checkbox`).click()
  await page.locator(t('batch-count'), { hasText: '2' }).waitFor()
  await page.locator(t('batch-assign')).click()
  await pickOption(page, 'batch-handler', HANDLER)
  await page.locator(t('batch-submit')).click()
  await page.locator(t('batch-result')).waitFor()
  assert.equal((await page.locator(t('batch-failed')).textContent()).trim(), '2')
  await page.locator(`${t('batch-result')} .el-table`, { hasText: '不能执行' }).waitFor()
  await page.context().close()
})

test('a chase from an opinion\'s page appears in its history', async () => {
  const page = await newPage()
  await login(page, 'county')
  const mark = marker()
  const o = await register(page, `催办${mark}：西街的路灯连续一周不亮。`)
  // due in one working day: near its deadline
  await apiPost(page, `/api/v1/opinions/${o.id}/actions`, { action: 'assign', handler_id: (await (await page.request.get('/api/v1/handlers?region=329981&per_page=100')).json()).items.find((h) => h.name === HANDLER).id, days: 1 })
  await page.goto(`/opinions/${o.id}`)
  await page.locator(t('opinion-detail-code'), { hasText: o.tracking_code }).waitFor()
  await page.locator(t('op-act-chase')).click()
  await page.locator(t('op-action-submit')).click()
  await page.locator(`${t('op-action-dialog')} .el-form-item__error`, { hasText: '请填写催办内容' }).waitFor()
  await page.locator(t('op-action-text')).fill('该件明天到期，请抓紧办理并按期答复群众')
  await page.locator(t('op-action-submit')).click()
  await message(page, '已催办')
  const ev = page.locator(t('opinion-event'), { hasText: '该件明天到期，请抓紧办理并按期答复群众' })
  await ev.waitFor()
  assert.match(await ev.textContent(), /催办/)
  assert.match(await ev.textContent(), new RegExp(HANDLER))
  // the unit's count on the handling-unit list
  await page.goto('/handlers')
  await page.locator(t('handler-chases'), { hasText: '1' }).first().waitFor()
  await page.context().close()
})

test('staff sign in many members of a meeting at once', async () => {
  const page = await newPage()
  await login(page, 'unit')
  const m = (await apiPost(page, '/api/v1/meetings', { kind: 'session', title: `批量签到${marker()}`, region_code: TOWNSHIP,
    term: 18, starts_on: '2026-06-10', notice_on: '2026-06-01', place: '镇政府会议室' })).meeting
  await apiPost(page, `/api/v1/meetings/${m.id}/actions`, { action: 'open_signin' })
  await page.goto(`/meetings/${m.id}`)
  await page.locator('#tab-attendance').click()
  assert.equal(await page.locator(t('member-batch-sign-in')).isDisabled(), true)
  const boxes = page.locator(`${t('member-table')} .el-table__body .el-checkbox`)
  await boxes.nth(0).click()
  await boxes.nth(1).click()
  await boxes.nth(2).click()
  await page.locator(t('member-batch-sign-in'), { hasText: '3' }).click()
  await message(page, '已为 3 人签到')
  await page.locator(t('count-present'), { hasText: '3' }).waitFor()
  const roll = await (await page.request.get(`/api/v1/meetings/${m.id}/attendance`)).json()
  assert.equal(roll.attendance.present, 3)
  assert.equal(roll.items.filter((p) => p.status === 'present' && p.via === 'staff').length, 3)
  await page.context().close()
})

test('batch assign of suggestions: the accepted ones go to one lead unit, each item\'s outcome listed', async () => {
  const page = await newPage()
  await login(page, 'county')
  await page.goto('/suggestions?state=accepted')
  const rows = page.locator(`${t('sg-table')} .el-table__body-wrapper tr.el-table__row`)
  await rows.first().waitFor()
  assert.ok((await rows.count()) >= 2, 'the demo has accepted suggestions')
  const codes = [(await rows.nth(0).locator(t('sg-code')).innerText()).trim(), (await rows.nth(1).locator(t('sg-code')).innerText()).trim()]
  const ids = []
  for (const code of codes) {
    const found = await (await page.request.get(`/api/v1/suggestions?q=${encodeURIComponent(code)}`)).json()
    ids.push(found.items.find((x) => x.code === code).id)
  }
  // the second one is assigned meanwhile from its own page: the batch must refuse it alone
  const unit = (await (await page.request.get(`/api/v1/handlers?q=${encodeURIComponent(HANDLER)}`)).json()).items[0]
  await apiPost(page, `/api/v1/suggestions/${ids[1]}/actions`, { action: 'assign', lead_handler_id: unit.id })
  assert.equal(await page.locator(t('batch-assign')).isDisabled(), true)
  await rows.nth(0).locator('.el-checkbox').click()
  await rows.nth(1).locator('.el-checkbox').click()
  await page.locator(t('batch-count'), { hasText: '2' }).waitFor()
  await page.locator(t('batch-assign')).click()
  const dialog = page.locator(t('batch-dialog'))
  await dialog.getByText('主办单位').waitFor()
  await page.locator(t('batch-submit')).click()
  await page.locator(`${t('batch-dialog')} .el-form-item__error`, { hasText: '请选择主办单位' }).waitFor()
  await pickOption(page, 'batch-handler', HANDLER)
  await page.locator(t('batch-submit')).click()
  const result = page.locator(t('batch-result'))
  await result.waitFor()
  assert.equal((await page.locator(t('batch-done')).textContent()).trim(), '1')
  assert.equal((await page.locator(t('batch-failed')).textContent()).trim(), '1')
  // the refused one named by its number, with the reason
  await result.locator('.el-table', { hasText: codes[1] }).waitFor()
  await result.getByRole('button', { name: '知道了' }).click()
  const got = (await (await page.request.get(`/api/v1/suggestions/${ids[0]}`)).json()).suggestion
  assert.equal(got.state, 'assigned')
  assert.ok(got.handlers.some((h) => h.role === 'lead' && h.name === HANDLER), JSON.stringify(got.handlers))
  await page.context().close()
})

test('the list offers 催办 by chase.near_days: absent far from the deadline, present near it, the setting read', async () => {
  const page = await newPage()
  await login(page, 'county')
  const settings = async () => Object.fromEntries((await (await page.request.get(`/api/v1/settings?region=${TOWNSHIP}`)).json()).items.map((i) => [i.key, Number(i.value)]))
  const near = (await settings())['chase.near_days']
  const unit = (await (await page.request.get(`/api/v1/handlers?q=${encodeURIComponent(HANDLER)}`)).json()).items[0]
  const mark = marker()
  const far = await register(page, `催办按钮${mark}：期限还远的一件，村道两侧杂草丛生。`)
  const close = await register(page, `催办按钮${mark}：期限临近的一件，村口路灯坏了半个月。`)
  await apiPost(page, `/api/v1/opinions/${far.id}/actions`, { action: 'assign', handler_id: unit.id, days: near + 1 })
  await apiPost(page, `/api/v1/opinions/${close.id}/actions`, { action: 'assign', handler_id: unit.id, days: near })
  const rowOf = (o) => page.locator(`${t('opinion-table')} .el-table__body-wrapper tr`, { hasText: o.tracking_code })
  const open = async () => {
    await page.goto(`/opinions?q=${encodeURIComponent(mark)}`)
    await page.locator(t('opinion-total'), { hasText: '2' }).waitFor()
    await rowOf(close).locator(t('opinion-chase')).waitFor()
  }
  await open()
  assert.equal(await rowOf(far).locator(t('opinion-chase')).count(), 0, 'near+1 working days left: no 催办')
  // 批量催办 waits for a selected row that may be chased
  await rowOf(far).locator('.el-checkbox').click()
  await page.locator(t('batch-count'), { hasText: '1' }).waitFor()
  assert.equal(await page.locator(t('batch-chase')).isDisabled(), true)
  await rowOf(close).locator('.el-checkbox').click()
  await page.locator(t('batch-count'), { hasText: '2' }).waitFor()
  assert.equal(await page.locator(t('batch-chase')).isDisabled(), false)
  // the page follows the setting, not a number of its own: one day more and both are offered
  const s = await (await page.request.get('/api/v1/session')).json()
  const put = async (v) => {
    const res = await page.request.put('/api/v1/settings?region=329981', { data: { 'chase.near_days': v }, headers: { 'X-CSRF-Token': s.csrf_token } })
    assert.ok(res.ok(), await res.text())
  }
  await put(near + 1)
  try {
    await open()
    await rowOf(far).locator(t('opinion-chase')).waitFor()
  } finally {
    await put(near)
  }
  await open()
  assert.equal(await rowOf(far).locator(t('opinion-chase')).count(), 0)
  // the opinion's own page follows the same rule
  for (const [o, offered] of [[close, true], [far, false]]) {
    const read = page.waitForResponse((r) => r.url().includes('/api/v1/settings?region='))
    await page.goto(`/opinions/${o.id}`)
    await page.locator(t('opinion-detail-code'), { hasText: o.tracking_code }).waitFor()
    await read
    if (offered) await page.locator(t('op-act-chase')).waitFor()
    else {
      await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))))
      assert.equal(await page.locator(t('op-act-chase')).count(), 0)
    }
  }
  await open()
  // the chase itself: a message is required, then it is on the item's history
  await rowOf(close).locator(t('opinion-chase')).click()
  const box = page.locator('.el-message-box')
  await box.waitFor()
  await box.getByRole('button', { name: '发送催办' }).click()
  await box.getByText('请填写催办内容（至少2个字）').waitFor()
  await box.locator('textarea').fill('请抓紧修好路灯并答复群众')
  await box.getByRole('button', { name: '发送催办' }).click()
  await message(page, `已催办 ${close.tracking_code}`)
  const got = (await (await page.request.get(`/api/v1/opinions/${close.id}`)).json()).opinion
  assert.ok(got.events.some((e) => e.action === 'chase' && e.note.includes('请抓紧修好路灯')), JSON.stringify(got.events))
  await page.context().close()
})

test('the suggestions list offers 催办 only on assigned items near or past the deadline', async () => {
  const page = await newPage()
  await login(page, 'county')
  const items = (await (await page.request.get('/api/v1/suggestions?state=assigned&per_page=100')).json()).items
  const near = Object.fromEntries((await (await page.request.get(`/api/v1/settings?region=${items[0].region_code}`)).json()).items.map((i) => [i.key, Number(i.value)]))['chase.near_days']
  const late = items.find((x) => x.workdays_left < 0 && x.region_code === items[0].region_code)
  const ahead = items.find((x) => x.workdays_left > near && x.region_code === items[0].region_code)
  assert.ok(late && ahead, 'the demo has assigned suggestions late and in time')
  for (const [x, offered] of [[late, true], [ahead, false]]) {
    // the page reads the region's settings after the list: the answer decides the button
    const read = page.waitForResponse((r) => r.url().includes(`/api/v1/settings?region=${x.region_code}`))
    await page.goto(`/suggestions?q=${encodeURIComponent(x.code)}`)
    const row = page.locator(`${t('sg-table')} .el-table__body-wrapper tr`, { hasText: x.code })
    await row.waitFor()
    await read
    if (offered) await row.locator(t('sg-chase')).waitFor()
    else {
      await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))))
      assert.equal(await row.locator(t('sg-chase')).count(), 0, x.code)
    }
  }
  await page.context().close()
})
