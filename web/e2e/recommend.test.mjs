// 分类、交办时的推荐：同一乡镇已办理的相似意见是什么类别、交给了哪个承办单位，对话框里给出推荐和
// 所依据的意见（查询码可点开）；工作人员点“采用”才填入，确认后才生效。
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, teardown, newPage, login, t, message } from './helpers.mjs'

before(setup)
after(teardown)

const TOWNSHIP = '329981101'
const UNIT = '松岭镇村镇建设办公室'

async function apiCall(page, method, url, body) {
  const s = await (await page.request.get('/api/v1/session')).json()
  const res = await page.request.fetch(url, { method, data: body, headers: { 'X-CSRF-Token': s.csrf_token } })
  assert.ok(res.ok(), `${url}: ${res.status()} ${await res.text()}`)
  return res.json()
}

test('the classify and assign dialogs propose what similar handled opinions had, show them, and fill in only when adopted', async () => {
  const page = await newPage()
  await login(page, 'county')
  const station = (await apiCall(page, 'GET', `/api/v1/stations?region=${TOWNSHIP}&kind=station`)).items[0]
  const cats = (await apiCall(page, 'GET', '/api/v1/public/categories')).items
  const category = cats.find((c) => c.name === '城市管理')
  const unit = (await apiCall(page, 'GET', `/api/v1/handlers?region=${TOWNSHIP}&q=${encodeURIComponent(UNIT)}`)).items[0]
  assert.ok(station && category && unit)
  const body = '樱花苑小区楼顶有人违规搭建鸽子棚，养了上百只鸽子，鸽子粪便污染楼道和晾晒的衣服'
  const reg = async (text) =>
    (await apiCall(page, 'POST', '/api/v1/opinions', { station_id: station.id, channel: 'visit', body: text })).opinion
  const act = (id, action, extra) => apiCall(page, 'POST', `/api/v1/opinions/${id}/actions`, { action, ...extra })
  const sources = []
  for (const n of ['一号楼', '二号楼']) {
    const o = await reg(`${body}，${n}。`)
    await act(o.id, 'classify', { category_id: category.id })
    await act(o.id, 'assign', { handler_id: unit.id })
    sources.push(o)
  }
  const o = await reg(`${body}，三号楼也是。`)

  await page.goto(`/opinions/${o.id}`)
  await page.locator(t('opinion-detail-code'), { hasText: o.tracking_code }).waitFor()
  await page.locator(t('op-act-classify')).click()
  const dlg = page.locator(t('op-action-dialog'))
  await dlg.locator(t('op-recommend-choice'), { hasText: '城市管理' }).waitFor()
  // the opinions it learned from, each a link to its page
  const listed = dlg.locator(t('op-recommend-source'))
  assert.equal(await listed.count(), 2)
  for (const s of sources) {
    const link = dlg.locator(`${t('op-recommend-sources')} a`, { hasText: s.tracking_code })
    assert.equal(await link.getAttribute('href'), `/opinions/${s.id}`)
  }
  assert.match(await dlg.locator(t('op-recommend-sources')).innerText(), new RegExp(`城市管理 · ${UNIT} · 相似度 \\d+%`))
  // nothing is filled in until adopted
  assert.equal((await dlg.locator(`${t('op-action-category')} input`).inputValue()).trim(), '')
  await dlg.locator(t('op-recommend-adopt')).click()
  await dlg.locator(t('op-action-category'), { hasText: '城市管理' }).waitFor()
  await dlg.locator(t('op-action-submit')).click()
  await message(page, '已分类')
  await page.locator(t('opinion-detail-state'), { hasText: '已分类' }).waitFor()

  await page.locator(t('op-act-assign')).click()
  await dlg.locator(t('op-recommend-choice'), { hasText: UNIT }).waitFor()
  await dlg.locator(t('op-recommend-adopt')).click()
  await dlg.locator(t('op-action-handler'), { hasText: UNIT }).waitFor()
  await dlg.locator(t('op-action-submit')).click()
  await message(page, '已交办')
  assert.equal(await page.locator(t('opinion-handler')).innerText(), UNIT)

  // an opinion like no handled one: the dialog says so and proposes nothing
  const lone = await reg('想咨询一下今年冬季征兵体检的时间和报名地点。')
  await page.goto(`/opinions/${lone.id}`)
  await page.locator(t('opinion-detail-code'), { hasText: lone.tracking_code }).waitFor()
  await page.locator(t('op-act-classify')).click()
  await dlg.locator(t('op-recommend-none')).waitFor()
  assert.equal(await dlg.locator(t('op-recommend-choice')).count(), 0)
  await page.context().close()
})
