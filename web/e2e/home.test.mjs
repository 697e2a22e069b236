// 工作台、搜索、打印：县人大工作人员登录后在工作台看到待办数量，点击“待分类”进入按状态筛选的民意受理清单；
// 在页头搜索框输入查询码找到那件意见；民意受理的关键字框也按查询码找到它；交办后从详情页打印交办单、催办通知，
// 打印页写着承办单位和交办机关的名称；没有待办的代表看到空状态。
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, teardown, newPage, login, t, path } from './helpers.mjs'

before(setup)
after(teardown)

const HANDLER = '清河市交通运输局'

async function apiCall(page, method, url, body) {
  const s = await (await page.request.get('/api/v1/session')).json()
  const res = await page.request.fetch(url, { method, data: body, headers: { 'X-CSRF-Token': s.csrf_token } })
  assert.ok(res.ok(), `${url}: ${res.status()} ${await res.text()}`)
  return res.json()
}

async function register(page, body) {
  const st = (await (await page.request.get('/api/v1/stations?region=329981101&kind=station')).json()).items[0]
  return (await apiCall(page, 'POST', '/api/v1/opinions', { channel: 'visit', station_id: st.id, body })).opinion
}

test('the home page\'s to-do count opens the list filtered by it', async () => {
  const page = await newPage()
  await login(page, 'county')
  await register(page, '镇东路口红绿灯时间太短，老人过马路来不及。')
  await page.goto('/')
  const tile = page.locator(t('todo-opinion.classify'))
  await tile.waitFor()
  const shown = Number(await tile.locator(t('todo-count')).textContent())
  assert.ok(shown >= 1, 'at least the opinion just registered waits to be classified')
  await tile.click()
  await page.waitForURL(/\/opinions\?/)
  assert.equal(path(page), '/opinions')
  assert.equal(new URL(page.url()).searchParams.get('state'), 'received')
  // the list shows as many as the count said, all of them 已受理
  await page.locator(t('opinion-total'), { hasText: String(shown) }).waitFor()
  const states = await page.locator(`${t('opinion-table')} .el-table__body tr`).allTextContents()
  assert.ok(states.length > 0 && states.every((s) => s.includes('已受理')))
  await page.context().close()
})

test('search by tracking code: the header box and the 民意受理 keyword box find the opinion', async () => {
  const page = await newPage()
  await login(page, 'county')
  const op = await register(page, '农贸市场旁的垃圾桶满了没人清运，气味很大。')
  // the header's search box
  await page.locator(t('header-search')).fill(op.tracking_code.toLowerCase())
  await page.locator(t('header-search')).press('Enter')
  await page.waitForURL(/\/search\?q=/)
  const hit = page.locator(t('search-hit-opinion'))
  await hit.waitFor()
  assert.equal(await hit.count(), 1)
  assert.ok((await hit.textContent()).includes(op.tracking_code))
  await hit.click()
  await page.locator(t('opinion-detail-code'), { hasText: op.tracking_code }).waitFor()
  assert.equal(path(page), `/opinions/${op.id}`)
  // a code of nothing: the empty state
  await page.goto('/search?q=' + encodeURIComponent('999999ZZZZZZ'))
  await page.locator(t('search-empty')).waitFor()
  // 民意受理's keyword box
  await page.locator(t('menu-opinions')).click()
  await page.locator(t('opinion-filter-q')).fill(op.tracking_code)
  await page.locator(t('opinion-search')).click()
  await page.locator(t('opinion-total'), { hasText: /^1$/ }).waitFor()
  assert.equal(await page.locator(`${t('opinion-table')} ${t('opinion-code')}`).textContent(), op.tracking_code)
  await page.context().close()
})

test('printing: the assignment slip and the chase notice name the handling unit, the issuing office and the date', async () => {
  const page = await newPage()
  await login(page, 'county')
  const op = await register(page, '学校门口的减速带被压坏了，车辆经过速度很快。')
  const hs = (await (await page.request.get('/api/v1/handlers?region=329981&per_page=100')).json()).items
  const h = hs.find((x) => x.name === HANDLER)
  await apiCall(page, 'POST', `/api/v1/opinions/${op.id}/actions`, { action: 'assign', handler_id: h.id })
  // the detail page offers the documents the item can be printed as now
  await page.goto(`/opinions/${op.id}`)
  await page.locator(t('print-button')).click()
  await page.locator(`.el-dropdown-menu ${t('print-assign')}`).waitFor()
  assert.equal(await page.locator(`.el-dropdown-menu ${t('print-reply')}`).count(), 0, 'no reply letter before a reply')
  const [tab] = await Promise.all([page.context().waitForEvent('page'), page.locator(`.el-dropdown-menu ${t('print-assign')}`).click()])
  await tab.locator(t('print-assign')).waitFor()
  assert.equal(new URL(tab.url()).pathname, `/print/opinion/${op.id}/assign`)
  assert.equal(await tab.locator(t('print-title')).textContent(), '群众意见交办单')
  assert.equal(await tab.locator(t('print-row-承办单位')).textContent(), HANDLER)
  assert.ok((await tab.locator(t('print-row-意见内容')).textContent()).includes('减速带'))
  const issuer = await tab.locator(t('print-issuer')).textContent()
  assert.ok(/人大/.test(issuer), `issued by the congress office: ${issuer}`)
  assert.match(await tab.locator(t('print-date')).textContent(), /^\d{4}年\d{1,2}月\d{1,2}日$/)
  // laid out for A4: the page's controls are left off the paper
  await tab.emulateMedia({ media: 'print' })
  assert.equal(await tab.locator(t('print-now')).isVisible(), false)
  assert.ok(await tab.locator(t('print-title')).isVisible())
  await tab.close()
  // the chase notice is addressed to the unit, with the deadline
  await page.goto(`/print/opinion/${op.id}/chase`)
  await page.locator(t('print-chase')).waitFor()
  assert.equal(await page.locator(t('print-to')).textContent(), `${HANDLER}：`)
  const detail = (await (await page.request.get(`/api/v1/opinions/${op.id}`)).json()).opinion
  const [y, m, d] = detail.deadline.split('-').map(Number)
  assert.ok((await page.locator('.sheet').textContent()).includes(`办理期限为${y}年${m}月${d}日`))
  // a reply letter before a reply is refused on the page
  await page.goto(`/print/opinion/${op.id}/reply`)
  await page.locator(t('print-error')).waitFor()
  await page.context().close()
})

test('printing a suggestion\'s assignment slip names its lead unit and its number', async () => {
  const dep = await newPage()
  await login(dep, 'deputy')
  const sg = (await apiCall(dep, 'POST', '/api/v1/suggestions', { title: '关于修缮松岭镇敬老院的建议',
    body: '松岭镇敬老院房屋老旧，冬季取暖设施不足，建议安排资金修缮。' })).suggestion
  await apiCall(dep, 'POST', `/api/v1/suggestions/${sg.id}/actions`, { action: 'submit' })
  await dep.context().close()
  const page = await newPage()
  await login(page, 'county')
  const hs = (await (await page.request.get('/api/v1/handlers?region=329981&per_page=100')).json()).items
  const h = hs.find((x) => x.name === HANDLER)
  await apiCall(page, 'POST', `/api/v1/suggestions/${sg.id}/actions`, { action: 'accept' })
  await apiCall(page, 'POST', `/api/v1/suggestions/${sg.id}/actions`, { action: 'assign', lead_handler_id: h.id })
  await page.goto(`/suggestions/${sg.id}`)
  await page.locator(t('print-button')).click()
  await page.locator(`.el-dropdown-menu ${t('print-assign')}`).waitFor()
  await page.goto(`/print/suggestion/${sg.id}/assign`)
  await page.locator(t('print-assign')).waitFor()
  assert.equal(await page.locator(t('print-title')).textContent(), '代表建议交办单')
  assert.equal(await page.locator(t('print-row-主办单位')).textContent(), HANDLER)
  assert.ok((await page.locator('.sheet').textContent()).includes(sg.code))
  await page.context().close()
})

test('a handling unit sees its own counts, linking into its desk', async () => {
  const page = await newPage()
  await login(page, 'handler')
  const tile = page.locator(t('todo-opinion.accept'))
  await tile.waitFor()
  assert.equal(await page.locator(t('todo-opinion.classify')).count(), 0, 'not the staff\'s counts')
  await tile.click()
  await page.waitForURL(/\/desk\?/)
  assert.equal(new URL(page.url()).searchParams.get('state'), 'assigned')
  await page.locator(t('opinion-total')).waitFor()
  await page.context().close()
})

test('a user with nothing to do sees the empty state', async () => {
  const page = await newPage()
  await login(page, 'county')
  // every count zero: the same page, given an empty answer
  await page.route('**/api/v1/todo', (route) => route.fulfill({ json: { items: [], total: 0 } }))
  await page.goto('/')
  await page.locator(t('todo-empty')).waitFor()
  await page.context().close()
})
