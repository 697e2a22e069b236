// 代表建议闭环：代表在手机上起草建议并邀请一位代表联名；联名代表同意；代表提交；县人大工作人员
// 受理并交办（主办：清河市交通运输局）；承办单位答复 B 类；两位代表评价，一位不满意；承办单位
// 重新办理后答复 A 类；两位代表都满意，建议办结；承办单位的统计中 A 类和重新办理都有记录。
// Every step a person takes goes through the pages; only the second deputy's account is made
// through the API (as secadmin, with its forced password change).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, teardown, newPage, newPhonePage, login, t, pickOption, confirmBox, message, uniq, PASSWORD, PHONE } from './helpers.mjs'

before(setup)
after(teardown)

const HANDLER = '清河市交通运输局' // the `handler` demo account's unit

function marker() {
  const chars = '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥'
  let s = ''
  for (let i = 0; i < 4; i++) s += chars[Math.floor(Math.random() * chars.length)]
  return s
}

async function apiCall(page, method, url, body) {
  const s = await (await page.request.get('/api/v1/session')).json()
  const res = await page.request.fetch(url, { method, data: body, headers: { 'X-CSRF-Token': s.csrf_token } })
  assert.ok(res.ok(), `${url}: ${res.status()} ${await res.text()}`)
  return res.status() === 204 ? null : res.json()
}

// A deputy account for deputy `deputyId` of 松岭镇, its first password already changed.
async function deputyAccount(deputyId) {
  const sec = await newPage()
  await login(sec, 'secadmin')
  const username = 'dep.' + uniq()
  await apiCall(sec, 'POST', '/api/v1/accounts', { username, display_name: '联名代表', password: 'Start#2024a', role: 'deputy', region_code: '329981101', deputy_id: deputyId })
  await sec.context().close()
  const p = await newPage()
  await apiCall(p, 'POST', '/api/v1/session', { username, password: 'Start#2024a' }).catch(async () => {
    const res = await p.request.post('/api/v1/session', { data: { username, password: 'Start#2024a' } })
    assert.ok(res.ok())
  })
  await apiCall(p, 'POST', '/api/v1/session/password', { old_password: 'Start#2024a', new_password: PASSWORD })
  await p.context().close()
  return username
}

// On a phone: sign in and open 我的建议 from the home page.
async function deputyPhone(username) {
  const p = await newPhonePage()
  await login(p, username)
  await p.locator(t('entry-mySuggestions')).click()
  await p.locator(t('my-sg-page')).waitFor()
  return p
}
async function openMine(p, title, tab) {
  await p.goto('/my-suggestions') // back to the list (the header link on a detail page does the same)
  await p.locator('.van-tab', { hasText: tab }).click()
  await p.locator(t('my-sg-item'), { hasText: title }).click()
  await p.locator(t('my-sg-detail-title'), { hasText: title }).waitFor()
}
const phoneState = (p, name) => p.locator(t('my-sg-detail-state'), { hasText: name }).waitFor()
const staffState = (p, name) => p.locator(t('sg-detail-state'), { hasText: name }).waitFor()

async function rate(p, title, tab, result, comment) {
  await openMine(p, title, tab)
  await p.locator(t('my-sg-rate')).waitFor()
  await p.locator(t('my-sg-attitude-satisfied')).click()
  await p.locator(t('my-sg-result-' + result)).click()
  if (comment) await p.locator(`${t('my-sg-comment')} textarea`).fill(comment)
  await p.locator(t('my-sg-rate-submit')).click()
  await p.locator(t('my-sg-rate')).waitFor({ state: 'detached' })
}

async function reply(h, code, grade, text) {
  await h.reload()
  await h.locator(t('sg-detail-code'), { hasText: code }).waitFor()
  await h.locator(t('sg-act-reply')).click()
  await h.locator(t('sg-action-dialog')).waitFor()
  await h.locator(t('sg-grade-' + grade)).click()
  await h.locator(t('sg-action-text')).fill(text) // Element Plus puts data-test on the textarea itself
  await h.locator(t('sg-action-submit')).click()
  await message(h, '已答复')
  await staffState(h, '已答复')
}

test('a deputy drafts with a co-signer, staff assign, the unit replies B, is re-handled to A, both deputies rate it closed', async () => {
  const mark = marker()
  const title = `关于整治松岭镇${mark}路段路灯的建议`

  // ---- the deputy drafts on a phone and invites a co-signer ----
  const dep = await deputyPhone('deputy')
  await dep.locator(t('my-sg-new')).click()
  await dep.locator(`${t('sg-title')} input`).fill(title)
  await dep.locator(`${t('sg-body')} textarea`).fill(`松岭镇${mark}路段路灯损坏多年，夜间出行不便，建议尽快维修并纳入养护计划。`)
  // the session is a meeting chosen from the list, not typed
  await dep.locator(t('sg-session')).click()
  await dep.locator('.van-picker-column__item', { hasText: '第十八届人民代表大会第五次会议' }).first().click()
  await dep.locator('.van-picker__confirm:visible').click()
  assert.match(await dep.locator(`${t('sg-session')} input`).inputValue(), /^松岭镇第十八届人民代表大会第五次会议$/)
  await dep.locator(t('sg-cosigners')).click()
  const peer = dep.locator('[data-test^="sg-peer-"]').first()
  await peer.waitFor()
  // the co-signer picker finds a deputy by name
  const peerName = (await peer.locator('.van-cell__title').innerText()).split('\n')[0].trim()
  await dep.locator(`${t('sg-peers-search')} input`).fill(peerName)
  await dep.waitForFunction((n) => [...document.querySelectorAll('[data-test^="sg-peer-"] .van-cell__title')].every((x) => x.textContent.includes(n)), peerName)
  await dep.locator(`${t('sg-peers-search')} input`).fill('')
  const peerId = Number((await peer.getAttribute('data-test')).replace('sg-peer-', ''))
  await peer.click()
  await dep.locator(t('sg-peers-done')).click()
  await dep.locator(t('sg-cosigner-chip')).first().waitFor()
  await dep.locator(t('sg-save')).click()
  await dep.waitForURL(/\/my-suggestions\/\d+$/)
  await phoneState(dep, '草稿')
  assert.match(await dep.locator(t('my-sg-signers')).innerText(), /待确认/)
  assert.ok((await dep.evaluate(() => document.documentElement.scrollWidth)) <= PHONE.width, 'fits the phone')

  // ---- the co-signer accepts the invitation ----
  const coName = await deputyAccount(peerId)
  const co = await deputyPhone(coName)
  await openMine(co, title, '联名邀请')
  await co.locator(t('my-sg-cosign-accept')).click()
  await co.locator(t('my-sg-invite')).waitFor({ state: 'detached' })

  // ---- the deputy submits ----
  await dep.reload()
  await dep.locator(t('my-sg-detail-title')).waitFor()
  assert.doesNotMatch(await dep.locator(t('my-sg-signers')).innerText(), /待确认/)
  await dep.locator(t('my-sg-submit')).click()
  await dep.locator('.van-dialog__confirm').click()
  await phoneState(dep, '已提交')

  // ---- county staff accept and assign ----
  const staff = await newPage()
  await login(staff, 'county')
  await staff.locator(t('menu-suggestions')).click()
  await staff.locator(t('sg-filter-q')).fill(mark)
  await staff.locator(t('sg-search')).click()
  await staff.locator(`${t('sg-table')} ${t('sg-title')}`, { hasText: title }).click()
  await staffState(staff, '已提交')
  const code = (await staff.locator(t('sg-detail-code')).innerText()).trim()
  assert.equal(await staff.locator(t('sg-act-reply')).count(), 0) // not the unit's step
  await staff.locator(t('sg-act-accept')).click()
  await confirmBox(staff, '受理')
  await staffState(staff, '已受理')
  await staff.locator(t('sg-act-assign')).click()
  // the longer period of a difficult suggestion is the region's setting
  const sid = new URL(staff.url()).pathname.split('/').pop()
  const region = (await (await staff.request.get('/api/v1/suggestions/' + sid)).json()).suggestion.region_code
  const months = (await (await staff.request.get('/api/v1/settings?region=' + region)).json()).items.find(
    (x) => x.key === 'suggestion.reply_months_difficult',
  ).value
  await staff.locator(t('sg-assign-difficult'), { hasText: `办理期限延长至 ${months} 个月` }).waitFor()
  await pickOption(staff, 'sg-assign-lead', HANDLER)
  await staff.locator(t('sg-action-submit')).click()
  await message(staff, '已交办')
  await staffState(staff, '办理中')
  assert.match(await staff.locator(t('sg-handlers')).innerText(), new RegExp(HANDLER))

  // ---- the handling unit finds it on the desk and replies B ----
  const h = await newPage()
  await login(h, 'handler')
  await h.locator(t('menu-desk')).click()
  await h.locator(`${t('desk-tabs')} .el-tabs__item`, { hasText: '代表建议' }).click()
  await h.locator(`${t('sg-table')} ${t('sg-code')}`, { hasText: code }).click()
  await h.waitForURL(/\/suggestions\/\d+$/)
  await reply(h, code, 'B', '已列入明年道路养护计划，先行修复损坏最严重的10盏路灯。')

  // ---- both deputies rate: one not satisfied → handled again ----
  await rate(dep, title, '我领衔的', 'satisfied')
  await rate(co, title, '我联名的', 'unsatisfied', '只修了一部分，其余路灯仍不亮')
  await phoneState(co, '办理中')

  // ---- the unit's second reply: A ----
  await reply(h, code, 'A', '已全部更换为LED路灯并纳入日常养护，经现场核查全部正常照明。')
  assert.equal(await h.locator(t('sg-reply')).count(), 2)

  // ---- both satisfied: closed ----
  await rate(dep, title, '我领衔的', 'satisfied')
  await rate(co, title, '我联名的', 'satisfied')
  await phoneState(co, '已办结')
  await staff.reload()
  await staffState(staff, '已办结')
  assert.match(await staff.locator(t('sg-events')).innerText(), /不满意，重新办理/)

  // ---- the unit's scorecard ----
  await h.locator(t('menu-desk')).click()
  await h.locator(`${t('desk-tabs')} .el-tabs__item`, { hasText: '建议办理统计' }).click()
  const row = h.locator(`${t('sg-report-table')} .el-table__body-wrapper tr`, { hasText: HANDLER })
  await row.waitFor()
  assert.ok(Number(await row.locator(t('sg-report-a')).innerText()) >= 1, 'A replies counted')
  assert.ok(Number(await row.locator(t('sg-report-rehandled')).innerText()) >= 1, 're-handled counted')

  for (const p of [dep, co, staff, h]) await p.context().close()
})

test('the link from the deputy\'s list to the published replies opens the citizens\' phone page', async () => {
  const dep = await deputyPhone('deputy')
  await dep.locator(t('my-sg-public')).click()
  await dep.waitForURL(/\/public\/suggestions$/)
  await dep.locator(`${t('public-sg-item')}, ${t('public-sg-empty')}`).first().waitFor()
  // drawn by the phone entry (the deputy's pages are in it too), not the desktop application
  const now = await dep.evaluate(() => document.querySelector('script[type="module"]')?.src || '')
  assert.match(now, /\/assets\/phone-[^/]+\.js$/)
  assert.equal(await dep.locator('.el-menu, .el-container').count(), 0)
  assert.ok((await dep.evaluate(() => document.documentElement.scrollWidth)) <= PHONE.width, 'fits the phone')
  // an unknown public path shows the phone page's own not-found page
  await dep.goto('/public/nothing-here')
  await dep.locator(t('not-found'), { hasText: '页面不存在' }).waitFor()
  await dep.context().close()
})
