// 监督工作：乡镇人大工作人员在年度监督计划中新增监督事项（日期先后不对时提示），会前时间线不足
// 时显示提醒，审议后送交审议意见；承办单位在承办工作台的“监督事项”中看到本单位的事项并报告办理
// 情况；测评过的事项显示满意度测评结果。
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, teardown, newPage, newPhonePage, login, t, message, pickOption, confirmBox, uniq, PASSWORD } from './helpers.mjs'

const input = (page, name) => page.locator(`input${t(name)}, ${t(name)} input`).first()

before(setup)
after(teardown)

test('the plan: filters, a new item with its timeline warning, heard and its opinion sent', async () => {
  const page = await newPage()
  await login(page, 'unit')
  await page.locator(t('menu-supervision')).click()
  await page.locator(`${t('supervision-table')} .el-table__body-wrapper tr`).first().waitFor()
  const all = Number(await page.locator(t('supervision-total')).innerText())
  assert.ok(all > 5, `${all} items`)
  // a filter by state narrows the list and keeps it in the address
  await pickOption(page, 'supervision-filter-state', '测评通过')
  await page.locator(t('supervision-search')).click()
  await page.waitForURL(/state=rated/)
  // the filtered page has come when the count changes (the old rows show until then)
  const totalBox = page.locator(t('supervision-total'))
  for (let i = 0; i < 100 && Number(await totalBox.innerText()) === all; i++) await page.waitForTimeout(100)
  await page.locator(t('supervision-state'), { hasText: '测评通过' }).first().waitFor()
  const rated = Number(await totalBox.innerText())
  assert.ok(rated > 0 && rated < all)
  for (const s of await page.locator(t('supervision-state')).allInnerTexts()) assert.equal(s.trim(), '测评通过')
  // a rated item shows its rating result
  await page.locator(t('supervision-title')).first().click()
  await page.locator(t('supervision-rating'), { hasText: '通过' }).waitFor()
  assert.match(await page.locator(t('supervision-rating')).innerText(), /满意 \d+ 票/)
  // the rating's result as a printed sheet
  const ratedId = page.url().match(/supervision\/(\d+)/)[1]
  await page.locator(t('print-button')).click()
  await page.locator(t('print-rating')).waitFor()
  await page.goto(`/print/supervision/${ratedId}/rating`)
  await page.locator(t('print-title'), { hasText: '满意度测评结果' }).waitFor()
  assert.match(await page.locator(t('print-row-测评结果')).innerText(), /^通过$/)
  assert.match(await page.locator(t('print-row-计票情况')).innerText(), /满意和基本满意 \d+ 票超过有效票/)
  await page.goto('/supervision?state=rated')

  // a new item: dates in the wrong order are refused on the form
  await page.locator(t('supervision-create')).click()
  const dialog = page.locator('.el-dialog', { hasText: '新增监督事项' })
  const title = '就农村供水开展专题询问' + uniq()
  await pickOption(page, 'supervision-form-kind', '专题询问')
  await input(page, 'supervision-form-title').fill(title)
  await input(page, 'supervision-form-handler').fill('社会事务')
  await page.locator('.el-select-dropdown__item:visible', { hasText: '松岭镇社会事务办公室' }).click()
  const date = async (name, v) => {
    const box = input(page, name)
    await box.fill(v)
    await box.press('Enter')
  }
  await date('supervision-form-draft-on', '2026-12-20')
  await date('supervision-form-final-on', '2026-12-10')
  await dialog.locator(t('supervision-form-submit')).click()
  await dialog.locator('.el-form-item__error', { hasText: '定稿送达日期不能早于初稿送达日期' }).waitFor()
  // in order, but the draft only 15 days before the meeting: saved, with the warning
  await date('supervision-form-draft-on', '2026-12-01')
  await date('supervision-form-final-on', '2026-12-04')
  await date('supervision-form-members-on', '2026-12-08')
  await date('supervision-form-meeting-on', '2026-12-16')
  await dialog.locator(t('supervision-form-submit')).click()
  await page.waitForURL(/\/supervision\/\d+$/)
  await page.locator(t('supervision-detail-title'), { hasText: title }).waitFor()
  await page.locator(t('supervision-detail-warning'), { hasText: '报告初稿应在会前20日送达，实际为会前15日' }).waitFor()
  assert.equal(await page.locator(t('supervision-detail-warning')).count(), 1)

  // heard, then the deliberation opinion
  await page.locator(t('supervision-act-hear')).click()
  await page.locator(`${t('supervision-act-text')} textarea, textarea${t('supervision-act-text')}`).first().fill('供水管网老化，水质检测不及时。')
  await page.locator(t('supervision-act-submit')).click()
  await message(page, '已审议')
  await page.locator(t('supervision-detail-state'), { hasText: '已审议' }).waitFor()
  await page.locator(t('supervision-findings'), { hasText: '供水管网老化' }).waitFor()
  await page.locator(t('supervision-act-send_opinion')).click()
  await page.locator(`${t('supervision-act-text')} textarea, textarea${t('supervision-act-text')}`).first().fill('一、加快管网改造；二、建立水质检测公示制度。')
  await page.locator(t('supervision-act-submit')).click()
  await page.locator(t('supervision-detail-state'), { hasText: '审议意见办理中' }).waitFor()
  await page.locator(t('supervision-opinion'), { hasText: '加快管网改造' }).waitFor()
  // the body's step is not offered to staff
  assert.equal(await page.locator(t('supervision-act-report')).count(), 0)
  // 审议意见书, to the body, with the opinion and its deadline
  const id = page.url().match(/supervision\/(\d+)/)[1]
  await page.goto(`/print/supervision/${id}/opinion`)
  await page.locator(t('print-title'), { hasText: '审议意见书' }).waitFor()
  assert.equal((await page.locator(t('print-to')).innerText()).trim(), '松岭镇社会事务办公室：')
  await page.locator(t('print-quote'), { hasText: '加快管网改造' }).waitFor()
  await page.context().close()
})

test('the handling unit\'s desk: its supervision items, a report on the opinion', async () => {
  const page = await newPage()
  await login(page, 'handler')
  await page.goto('/desk?tab=supervision')
  await page.locator(t('desk-supervision')).waitFor()
  const rows = page.locator(`${t('supervision-table')} .el-table__body-wrapper tr`)
  await rows.first().waitFor()
  await pickOption(page, 'supervision-filter-state', '审议意见办理中')
  await page.locator(t('supervision-search')).click()
  await page.locator(t('supervision-state'), { hasText: '审议意见办理中' }).first().waitFor()
  await page.locator(t('supervision-title')).first().click()
  await page.waitForURL(/\/supervision\/\d+$/)
  // the staff's steps are not offered to the body
  await page.locator(t('supervision-act-report')).waitFor()
  assert.equal(await page.locator(t('supervision-act-check')).count(), 0)
  await page.locator(t('supervision-act-report')).click()
  const text = page.locator(`${t('supervision-act-text')} textarea, textarea${t('supervision-act-text')}`).first()
  await text.fill('已办理')
  await page.locator(t('supervision-act-submit')).click()
  await page.locator('.el-form-item__error', { hasText: '办理情况报告' }).waitFor()
  await text.fill('收到审议意见后召开专题会议，已完成管网改造3.2公里，建立每月水质公示制度。')
  await page.locator(t('supervision-act-submit')).click()
  await page.locator(t('supervision-detail-state'), { hasText: '已报告' }).waitFor()
  await page.locator(t('supervision-report'), { hasText: '已完成管网改造' }).waitFor()
  await page.context().close()
})

async function apiCall(page, method, url, body) {
  const s = await (await page.request.get('/api/v1/session')).json()
  const res = await page.request.fetch(url, { method, data: body, headers: { 'X-CSRF-Token': s.csrf_token } })
  assert.ok(res.ok(), `${url}: ${res.status()} ${await res.text()}`)
  return res.json()
}

test('the rating on the meeting console (paper count) and on a deputy\'s phone (one grade)', async () => {
  const staff = await newPage()
  await login(staff, 'unit')
  // a township session in progress, every member present
  const m = (await apiCall(staff, 'POST', '/api/v1/meetings', { kind: 'session', title: '测评会议' + uniq(), region_code: '329981101',
    term: 18, starts_on: '2026-06-10', place: '镇政府大会议室' })).meeting
  await apiCall(staff, 'POST', `/api/v1/meetings/${m.id}/actions`, { action: 'open_signin' })
  const members = (await apiCall(staff, 'GET', `/api/v1/meetings/${m.id}/attendance`)).items.map((x) => x.deputy_id)
  await apiCall(staff, 'POST', `/api/v1/meetings/${m.id}/attendance/batch`, { action: 'sign_in', deputy_ids: members })
  await apiCall(staff, 'POST', `/api/v1/meetings/${m.id}/actions`, { action: 'open' })

  // a rating of a reported supervision item, counted on paper
  await staff.goto(`/meetings/${m.id}`)
  await staff.locator('#tab-votes').click()
  await staff.locator(t('vote-add')).click()
  const vtitle = '对专项工作报告的满意度测评'
  await input(staff, 'vote-form-title').fill(vtitle)
  await staff.locator(t('vote-form-kind')).getByText('满意度测评').click()
  await staff.locator(t('vote-form-submit')).click()
  await staff.locator('.el-form-item__error', { hasText: '请选择测评对象' }).waitFor()
  await staff.locator(t('vote-form-subject')).click()
  await staff.locator('.el-select-dropdown__item:visible').first().click()
  await staff.locator(t('vote-form-mode')).getByText('举手或纸质表决').click()
  await staff.locator(t('vote-form-submit')).click()
  const vote = staff.locator(t('vote'), { hasText: vtitle })
  await vote.locator(t('vote-open')).click()
  await confirmBox(staff, '开始表决')
  // 4 of 8 valid ballots satisfied or basic: exactly half, not passed; 2 invalid out of the base
  for (const [k, n] of [['satisfied', 3], ['basic', 1], ['unsatisfied', 4], ['invalid', 2]]) {
    const box = vote.locator(`${t('tally-' + k)} input`)
    await box.fill(String(n))
    await box.press('Tab')
  }
  await vote.locator(t('tally-save')).click()
  await message(staff, '票数已录入')
  await vote.locator(t('vote-close')).click()
  await confirmBox(staff, '结束表决')
  await vote.locator(t('vote-passed'), { hasText: '未通过' }).waitFor()
  assert.equal((await vote.locator(t('vote-invalid')).innerText()).trim(), '2')
  assert.match(await vote.locator(t('vote-rule')).innerText(), /满意和基本满意 4 票未超过有效票 8 票的50%/)

  // a device rating: a deputy taps one grade on the phone
  const subject = (await apiCall(staff, 'GET', '/api/v1/supervision?region=329981101&state=reported&per_page=1')).items[0]
  const v2 = (await apiCall(staff, 'POST', `/api/v1/meetings/${m.id}/votes`, { title: '手机测评', kind: 'rating', subject_kind: 'supervision', subject_id: subject.id })).vote
  await apiCall(staff, 'POST', `/api/v1/votes/${v2.id}/actions`, { action: 'open' })
  const phone = await newPhonePage()
  await phone.goto('/login?redirect=' + encodeURIComponent(`/my-meetings/${m.id}`))
  await phone.locator(t('login-username')).fill('d' + members[0])
  await phone.locator(t('login-password')).fill(PASSWORD)
  await phone.locator(t('login-submit')).click()
  await phone.locator(t('mm-vote-title'), { hasText: '手机测评' }).waitFor()
  assert.equal(await phone.locator(t('mm-cast-for')).count(), 0)
  await phone.locator(t('mm-cast-basic')).click()
  await phone.locator('.van-dialog__confirm').click()
  await phone.locator(t('mm-voted')).waitFor()
  const after = (await apiCall(staff, 'GET', `/api/v1/votes/${v2.id}`)).vote
  assert.equal(after.cast, 1)
  await phone.context().close()
  await staff.context().close()
})
