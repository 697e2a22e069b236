// 办公中的小毛病（issue "The office's day", What stalls today）：导出与屏幕上的列表一致；表格在
// 1366 和 1920 宽的屏幕上不被固定的“操作”列遮住；会期的日期与时间分开、会议记录的标题不重复
// 乡镇名；大会期间提出的建议写“大会期间”，所属会议从会议列表中选择，联名代表可以搜索；填好的
// 内容不再留着“请至少填写5个字”；每个工作页面的“?”打开本页的短指南。
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { setup, teardown, newPage, newPhonePage, login, t } from './helpers.mjs'

before(setup)
after(teardown)

const rows = (page, table) => page.locator(`${t(table)} .el-table__body-wrapper tr`)

test('the roster export holds the rows on screen, not a keyword typed or cleared since the search', async () => {
  const page = await newPage()
  await login(page, 'county')
  await page.goto('/deputies')
  await rows(page, 'deputy-table').first().waitFor()
  const all = Number(await page.locator(t('deputy-total')).innerText())
  await page.locator(t('deputy-filter-q')).fill('张')
  await page.locator(t('deputy-search')).click()
  await page.waitForFunction(([sel, n]) => Number(document.querySelector(sel)?.textContent) !== n, [t('deputy-total'), all])
  const shown = Number(await page.locator(t('deputy-total')).innerText())
  assert.ok(shown > 0 && shown < all, `${shown} of ${all}`)
  // the keyword is cleared in the form but not searched: the list still shows the 张 rows
  await page.locator(t('deputy-filter-q')).fill('')
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator(t('deputy-export-csv')).click()])
  const csv = (await readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '').trim().split(/\r?\n/)
  assert.equal(csv.length - 1, shown, `exported ${csv.length - 1}, shown ${shown}`)
  const name = csv[0].split(',').indexOf('姓名')
  for (const line of csv.slice(1)) assert.match(line.split(',')[name], /张/)
  await page.context().close()
})

test('at 1366 and 1920 wide the fixed 操作 column hides neither 状态 nor 联系电话', async () => {
  const page = await newPage()
  await login(page, 'county')
  for (const [width, height] of [[1366, 768], [1920, 1080]]) {
    await page.setViewportSize({ width, height })
    for (const [path, table] of [['/handlers', 'handler-table'], ['/deputies', 'deputy-table'], ['/stations', 'station-table']]) {
      await page.goto(path)
      await rows(page, table).first().waitFor()
      const r = await page.evaluate((sel) => {
        const tbl = document.querySelector(sel)
        const fixed = tbl.querySelector('th.el-table-fixed-column--right')?.getBoundingClientRect()
        const wrap = tbl.querySelector('.el-table__body-wrapper .el-scrollbar__wrap')
        const hidden = []
        for (const th of tbl.querySelectorAll('thead th')) {
          const name = th.innerText.trim()
          if (!['状态', '联系电话'].includes(name)) continue
          const b = th.getBoundingClientRect()
          if (fixed && b.right > fixed.left + 1) hidden.push(name)
        }
        return { hidden, overflow: wrap ? wrap.scrollWidth - wrap.clientWidth : 0 }
      }, t(table))
      assert.deepEqual(r.hidden, [], `${path} at ${width}: under the 操作 column`)
      assert.ok(r.overflow <= 1, `${path} at ${width}: ${r.overflow}px to scroll sideways`)
    }
  }
  await page.context().close()
})

test('a meeting says when it sits with the date and the time apart; its record is not titled with the township twice', async () => {
  const page = await newPage()
  await login(page, 'unit')
  const s = await (await page.request.get('/api/v1/session')).json()
  const res = await page.request.post('/api/v1/meetings', {
    data: { kind: 'session', title: '松岭镇第十八届人民代表大会第九次会议', region_code: '329981101', term: 18, starts_on: '2026-03-10', starts_time: '09:00', ends_on: '2026-03-11', place: '镇政府大会议室' },
    headers: { 'X-CSRF-Token': s.csrf_token },
  })
  assert.equal(res.status(), 201, await res.text())
  const id = (await res.json()).meeting.id
  await page.goto('/meetings/' + id)
  assert.equal((await page.locator(t('meeting-when')).innerText()).trim(), '2026-03-10 09:00 至 2026-03-11')
  await page.goto(`/meetings/${id}/record`)
  assert.equal((await page.locator(t('record-title')).innerText()).trim(), '松岭镇第十八届人民代表大会第九次会议')
  assert.equal((await page.locator(t('record-when')).innerText()).trim(), '2026-03-10 09:00 至 2026-03-11')
  // the demo's session, titled without its township: the township goes before it once
  await page.goto('/meetings')
  const when = page.locator(t('meeting-when'), { hasText: '2026-01-10' }).first()
  assert.equal((await when.innerText()).trim(), '2026-01-10 09:00')
  await page.context().close()
})

test('staff register a suggestion raised during the session: the meeting is chosen from the list, co-signers are searched, the page says 大会期间', async () => {
  const page = await newPage()
  await login(page, 'county')
  await page.goto('/suggestions')
  await page.locator(t('sg-register')).click()
  const dialog = page.locator(t('sg-register-dialog'))
  await dialog.locator(t('sg-reg-deputy')).click()
  await page.keyboard.type('王')
  const leadItem = page.locator('.el-select-dropdown__item:visible').first()
  const lead = (await leadItem.innerText()).split('\n')[0].trim()
  await leadItem.click()
  // the co-signer picker searches as one types
  await dialog.locator(t('sg-reg-cosigners')).click()
  // (the lead deputy is listed too, disabled: a co-signer is another deputy)
  // (the co-signers' own list: the lead's list may still be fading out)
  const opts = '.sg-cosigners-popper .el-select-dropdown__item'
  const first = page.locator(`${opts}:visible:not(.is-disabled)`).filter({ hasNotText: lead }).first()
  await first.waitFor()
  const peer = (await first.innerText()).split('\n')[0].trim()
  await page.keyboard.type(peer)
  const hit = page.locator(`${opts}:visible:not(.is-disabled)`, { hasText: peer }).first()
  await hit.waitFor()
  await page.waitForFunction(([sel, n]) => [...document.querySelectorAll(sel)].filter((x) => x.offsetParent).every((x) => x.textContent.includes(n)), [opts, peer])
  await hit.click()
  await page.keyboard.press('Escape')
  await dialog.locator(t('sg-reg-title')).fill('关于松岭镇集镇排水管网改造的建议')
  await dialog.locator(t('sg-reg-body')).fill('松岭镇集镇排水管网老化，雨季积水严重，建议纳入年度改造计划。')
  // the session: a meeting from the list, not free text
  await dialog.locator(t('sg-reg-session')).click()
  const option = page.locator('.el-select-dropdown__item:visible', { hasText: '第十八届人民代表大会第五次会议' }).first()
  await option.waitFor()
  const label = (await option.innerText()).split('\n')[0].trim()
  assert.match(label, /^松岭镇第十八届人民代表大会第五次会议/)
  await option.click()
  await dialog.locator(t('sg-reg-submit')).click()
  await page.waitForURL(/\/suggestions\/\d+$/)
  const text = await page.locator(t('sg-session-text')).innerText()
  assert.ok(text.includes('大会期间') && !text.includes('闭会期间'), text)
  assert.ok(text.includes('第十八届人民代表大会第五次会议'), text)
  await page.context().close()
})

test('the 至少5个字 message goes as soon as the text is long enough', async () => {
  const staff = await newPage()
  await login(staff, 'county')
  const st = await (await staff.request.get('/api/v1/stations?region=329981101&kind=station')).json()
  await staff.context().close()
  const phone = await newPhonePage()
  await phone.goto(`/s/${st.items[0].public_code}/opinion`)
  await phone.locator(`${t('op-body')} textarea`).fill('路灯')
  await phone.locator(t('op-submit')).click()
  const msg = phone.locator(`${t('op-body')} .van-field__error-message`, { hasText: '至少填写5个字' })
  await msg.waitFor()
  await phone.locator(`${t('op-body')} textarea`).fill('路灯坏了好几天了')
  await msg.waitFor({ state: 'detached' })
  await phone.context().close()
})

test('the ? of a staff page opens the short guide of that page', async () => {
  const page = await newPage()
  await login(page, 'county')
  await page.goto('/deputies/import')
  await page.locator(t('help-open')).click()
  const drawer = page.locator('.el-drawer', { hasText: '使用指南 · 导入代表' })
  await drawer.waitFor()
  assert.match(await drawer.innerText(), /标题行/)
  assert.ok((await drawer.locator(t('help-step')).count()) >= 2)
  await page.keyboard.press('Escape')
  await drawer.waitFor({ state: 'hidden' })
  await page.goto('/opinions')
  await page.locator(t('help-open')).click()
  await page.locator('.el-drawer', { hasText: '使用指南 · 民意受理' }).waitFor()
  await page.context().close()
})
