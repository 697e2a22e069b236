// 民生实事项目：工作人员在“民生实事”页面征集项目、初审（不通过须选理由）、列入候选，公布票决通过的项目，
// 制定实施计划（节点日期须按先后排列）并做年中评估；公众在手机上（390×844）看到本镇当年公布的项目及进展。
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, teardown, newPage, newPhonePage, login, t, confirmBox, message, row, pickOption, uniq, PHONE } from './helpers.mjs'

before(setup)
after(teardown)

const TOWNSHIP = '329981101'
const YEAR = new Date().getFullYear()
// An Element Plus input, whose data-test lands on the <input> or on its wrapper.
const input = (scope, name) => scope.locator(`input${t(name)}, textarea${t(name)}, ${t(name)} input, ${t(name)} textarea`).first()

async function create(page, title) {
  await page.locator(t('project-create')).click()
  const dlg = page.locator(t('project-create-dialog'))
  await input(dlg, 'project-form-title').fill(title)
  await dlg.locator(t('project-form-submit')).click()
  await message(page, '已征集')
}

test('staff: collect, screen with a reason, shortlist; publish a chosen project, plan it in order, review it mid-year', async () => {
  const page = await newPage()
  await login(page, 'unit')
  await page.goto('/projects')
  await page.locator(`${t('project-table')} .el-table__body-wrapper tr`).first().waitFor()

  // collection, then screening: the reason is asked for before a rejection
  const a = '路灯改造' + uniq(), b = '游乐场' + uniq()
  await create(page, a)
  await create(page, b)
  await input(page, 'project-search').fill(b)
  await page.locator(t('project-search-btn')).click()
  await row(page, 'project-table', b).locator(t('project-title')).click()
  await page.locator(t('project-reject')).click()
  const rej = page.locator(t('project-reject-dialog'))
  await rej.locator(t('project-reject-submit')).click()
  await rej.getByText('请选择不通过的理由').waitFor()
  await pickOption(page, 'project-reject-reason', '资金不能保障')
  await rej.locator(t('project-reject-submit')).click()
  await page.locator(t('project-drawer-state'), { hasText: '初审未通过' }).waitFor()
  await page.locator('.el-drawer__close-btn').click()

  await input(page, 'project-search').fill(a)
  await page.locator(t('project-search-btn')).click()
  await row(page, 'project-table', a).locator(t('project-title')).click()
  await page.locator(t('project-shortlist')).click()
  await page.locator(t('project-drawer-state'), { hasText: '候选项目' }).waitFor()
  await page.locator('.el-drawer__close-btn').click()

  // a project the deputies chose this year: published, then planned
  await input(page, 'project-search').fill('')
  await pickOption(page, 'project-filter-state', '票决通过')
  await page.locator(t('project-search-btn')).click()
  // the filtered list has come back: every row is a chosen one
  await page.waitForFunction(() => {
    const tags = [...document.querySelectorAll('[data-test="project-table"] [data-test="project-state"]')]
    return tags.length > 0 && tags.every((x) => x.textContent.trim() === '票决通过')
  })
  await page.locator(`${t('project-table')} ${t('project-title')}`).first().click()
  await page.locator(t('project-drawer-state'), { hasText: '票决通过' }).waitFor()
  const title = (await page.locator('.el-drawer__title').textContent()).trim()
  await page.locator(t('project-publish')).click()
  await confirmBox(page, '确定')
  await page.locator(t('project-drawer-state'), { hasText: '已公布' }).waitFor()
  await page.locator(t('project-plan')).click()
  const plan = page.locator(t('project-plan-dialog'))
  await plan.locator(t('project-plan-handler')).click()
  await page.locator('.el-select-dropdown__item:visible').first().click()
  await input(plan, 'project-plan-budget').fill('560000')
  await input(plan, 'project-ms-title-0').fill('完成设计')
  await plan.getByPlaceholder('完成日期').nth(0).fill(`${YEAR}-06-30`)
  await plan.getByPlaceholder('完成日期').nth(0).press('Enter')
  await plan.locator(t('project-ms-add')).click()
  await input(plan, 'project-ms-title-1').fill('开工建设')
  await plan.getByPlaceholder('完成日期').nth(1).fill(`${YEAR}-05-01`)
  await plan.getByPlaceholder('完成日期').nth(1).press('Enter')
  await plan.locator(t('project-plan-submit')).click()
  await plan.getByText('节点应按时间先后排列').waitFor()
  await plan.getByPlaceholder('完成日期').nth(1).fill(`${YEAR}-09-30`)
  await plan.getByPlaceholder('完成日期').nth(1).press('Enter')
  await plan.locator(t('project-plan-submit')).click()
  await page.locator(t('project-drawer-state'), { hasText: '实施中' }).waitFor()
  const steps = page.locator(`${t('project-milestones')} .el-step`)
  assert.equal(await steps.count(), 2)

  await page.locator(t('project-review-btn')).click()
  await input(page, 'project-review-text').fill('年中评估：设计按期完成，资金已到位')
  await page.locator(t('project-review-submit')).click()
  await page.locator(t('project-review'), { hasText: '设计按期完成' }).waitFor()

  // what the page shows is what was stored
  const res = await page.request.get(`/api/v1/projects?q=${encodeURIComponent(title)}&state=implementing&year=${YEAR}`)
  const stored = (await res.json()).items.find((x) => x.title === title)
  assert.equal(stored.budget, 560000)
  assert.match(stored.review, /设计按期完成/)
  await page.context().close()
})

test('the public phone page (390×844): this year\'s published projects with their progress, nothing else', async () => {
  const phone = await newPhonePage()
  const api = await (await phone.request.get(`/api/v1/public/projects?region=${TOWNSHIP}&year=${YEAR}`)).json()
  assert.ok(api.items.length > 0)
  await phone.goto(`/public/projects/${TOWNSHIP}`)
  await phone.locator(t('public-project')).first().waitFor()
  assert.equal(await phone.locator(t('public-project')).count(), api.items.length)
  const titles = await phone.locator(t('public-project-title')).allTextContents()
  assert.deepEqual(titles.map((s) => s.trim()).sort(), api.items.map((x) => x.title).sort())
  await phone.locator(t('public-project-progress')).first().waitFor()
  assert.match(await phone.locator(t('public-projects-summary')).textContent(), new RegExp(`共 ${api.items.length} 项`))
  // fits the phone: nothing wider than the screen
  const width = await phone.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(width <= PHONE.width, `page is ${width}px wide`)
  // no candidate that was not published
  const staffView = await (await phone.request.get(`/api/v1/public/projects?region=${TOWNSHIP}&year=${YEAR}`)).json()
  assert.ok(staffView.items.every((x) => ['published', 'implementing', 'done'].includes(x.state)))
  // last year's tab
  await phone.locator(`${t('public-projects-years')} .van-tab`, { hasText: `${YEAR - 1}年` }).click()
  await phone.locator('.pm-title', { hasText: `${YEAR - 1} 年民生实事项目` }).waitFor()
  const last = await (await phone.request.get(`/api/v1/public/projects?region=${TOWNSHIP}&year=${YEAR - 1}`)).json()
  await phone.waitForFunction((n) => document.querySelectorAll('[data-test="public-project"]').length === n, last.items.length)
  await phone.context().close()
})

test('a deputy on the phone (390×844): the projects being carried out, and a supervision visit recorded', async () => {
  const phone = await newPhonePage()
  await login(phone, 'deputy')
  await phone.locator(t('m-home')).waitFor()
  await phone.locator(t('entry-myProjects')).click()
  await phone.locator(t('my-project')).first().waitFor()
  const shown = await phone.locator(t('my-project')).count()
  const listed = await (await phone.request.get('/api/v1/projects?state=implementing&per_page=20')).json()
  assert.equal(shown, Math.min(listed.total, 20))
  assert.ok((await phone.evaluate(() => document.documentElement.scrollWidth)) <= PHONE.width, 'fits the phone')
  const card = phone.locator(t('my-project')).first()
  await card.locator(t('my-project-visit')).click()
  await card.locator(t('my-project-save')).click()
  await card.getByText('请填写视察情况（至少 5 个字）').waitFor()
  const note = '视察施工现场，建议加快进度' + uniq()
  await card.locator(`${t('my-project-body')} textarea`).fill(note)
  await card.locator(t('my-project-save')).click()
  await card.locator(t('my-project-done')).waitFor()
  const id = listed.items[0].id
  const one = await (await phone.request.get('/api/v1/projects/' + id)).json()
  assert.ok(one.project.reports.some((r) => r.kind === 'visit' && r.body === note))
  await phone.context().close()
})
