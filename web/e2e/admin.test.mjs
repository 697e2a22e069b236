// 系统管理员：行政区划树、承办单位的新增与持久化、退出登录；不管理账号和令牌（三员分立）。
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, teardown, newPage, login, t, uniq, pickRegion, message, row, path, confirmBox } from './helpers.mjs'

before(setup)
after(teardown)

test('admin sees the header, the region tree and expands 清河市 to a township', async () => {
  const page = await newPage()
  await login(page, 'admin')
  assert.equal(await page.locator(t('app-title')).textContent(), 'renda 基层人大工作平台')
  assert.equal(await page.locator(t('user-role')).innerText(), '系统管理员')
  assert.match(await page.locator(t('user-region')).innerText(), /示范市/)

  await page.locator(t('menu-regions')).click()
  await page.waitForURL('**/regions')
  await page.locator(t('breadcrumb'), { hasText: '行政区划与人大机构' }).waitFor()

  const qinghe = page.locator(t('region-node-329981'))
  await qinghe.waitFor()
  assert.match(await qinghe.innerText(), /清河市/)
  // townships are hidden until 清河市 is expanded
  assert.equal(await page.locator(`${t('region-node-329981101')}:visible`).count(), 0)
  await qinghe.click()
  await page.locator(t('region-node-329981101')).waitFor({ state: 'visible' })
  await page.locator(t('region-detail-name'), { hasText: '清河市' }).waitFor()
  // the detail lists the townships as children
  await page.locator(`${t('region-children')} tr`, { hasText: '329981101' }).waitFor()
  await page.context().close()
})

test('admin creates a handling unit, it is listed and persists after reload, then logs out', async () => {
  const page = await newPage()
  await login(page, 'admin')
  await page.locator(t('menu-handlers')).click()
  await page.locator(t('handler-table')).waitFor()

  const name = `e2e测试承办局${uniq()}`
  await page.locator(t('handler-create')).click()
  const dialog = page.locator(`${t('handler-dialog')}`)
  await dialog.locator(t('handler-form-name')).waitFor()
  await pickRegion(page, 'handler-form-region', '329981')
  await dialog.locator(t('handler-form-name')).fill(name)
  await dialog.locator(t('handler-form-contact')).fill('张三')
  await dialog.locator(t('handler-form-phone')).fill('0571-88886666')
  await dialog.locator(t('handler-form-submit')).click()
  await message(page, `已新增承办单位“${name}”`)

  const search = async () => {
    await page.locator(t('handler-search')).fill(name)
    await page.locator(t('handler-search-btn')).click()
    const r = row(page, 'handler-table', name)
    await r.waitFor()
    assert.match(await r.innerText(), /清河市/)
    assert.match(await r.innerText(), /启用/)
    return r
  }
  await search()

  await page.reload()
  await page.locator(t('handler-table')).waitFor()
  const r = await search()

  // disabling asks first, then shows 停用
  await r.locator(t('handler-toggle')).click()
  await confirmBox(page, '停用')
  await row(page, 'handler-table', name).locator(t('handler-status'), { hasText: '停用' }).waitFor()

  await page.locator(t('menu-logout')).click()
  await page.locator(t('login-form')).waitFor()
  assert.equal(path(page), '/login')
  // the session is really gone: a protected page sends us back to the login page
  await page.goto('/handlers')
  await page.locator(t('login-form')).waitFor()
  assert.equal(path(page), '/login')
  await page.context().close()
})

test('a duplicate handling unit name in the same region shows the server message', async () => {
  const page = await newPage()
  await login(page, 'admin')
  await page.goto('/handlers')
  const name = `e2e重复单位${uniq()}`
  for (let i = 0; i < 2; i++) {
    await page.locator(t('handler-create')).click()
    const dialog = page.locator(t('handler-dialog'))
    await pickRegion(page, 'handler-form-region', '329981')
    await dialog.locator(t('handler-form-name')).fill(name)
    await dialog.locator(t('handler-form-submit')).click()
    if (i === 0) {
      await message(page, `已新增承办单位“${name}”`)
      await dialog.waitFor({ state: 'hidden' })
    }
  }
  // 409 duplicate: the dialog stays open and the server's message is shown
  await page.locator('.el-message--error').first().waitFor()
  assert.ok(await page.locator(t('handler-dialog')).isVisible())

  // delete it, after a confirmation
  await page.locator(t('handler-dialog')).getByRole('button', { name: '取消' }).click()
  await page.locator(t('handler-search')).fill(name)
  await page.locator(t('handler-search-btn')).click()
  await row(page, 'handler-table', name).locator(t('handler-delete')).click()
  await confirmBox(page, '删除')
  await message(page, `已删除“${name}”`)
  await row(page, 'handler-table', name).waitFor({ state: 'detached' })
  await page.context().close()
})

test('the system administrator manages no accounts or tokens: no menu, and the API refuses', async () => {
  const page = await newPage()
  await login(page, 'admin')
  await page.locator(t('menu-regions')).waitFor()
  assert.equal(await page.locator(t('menu-accounts')).count(), 0)
  assert.equal(await page.locator(t('menu-tokens')).count(), 0)
  const res = await page.evaluate(async () => {
    const s = await (await fetch('/api/v1/session')).json()
    const post = (url, body) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token }, body: JSON.stringify(body) })
    const a = await post('/api/v1/accounts', { username: 'admin2', display_name: '第二管理员', role: 'sysadmin', region_code: '329900', password: 'Admin#2024x' })
    const tk = await post('/api/v1/tokens', { account_id: s.user.id, name: '自用', scopes: ['read'] })
    return [a.status, tk.status]
  })
  assert.deepEqual(res, [403, 403])
  await page.context().close()
})
