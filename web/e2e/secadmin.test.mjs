// 安全管理员：新建账号（不含三员角色）、密码策略、锁定/解锁、重置密码；新账号首次登录须修改密码；
// 集成服务账号与限定权限范围、有效期的 API 令牌。
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, teardown, newPage, login, fillLogin, t, uniq, pickOption, pickRegion, confirmBox, message, row, path } from './helpers.mjs'

const POLICY = '密码至少8位，并包含小写字母、大写字母、数字、符号中的至少三类'
before(setup)
after(teardown)

async function openCreate(page) {
  await page.locator(t('account-create')).click()
  await page.locator(t('account-dialog') + ' ' + t('account-form-username')).waitFor()
  return page.locator(t('account-dialog'))
}

async function fillAccount(page, dialog, { username, name, password }) {
  await dialog.locator(t('account-form-username')).fill(username)
  await dialog.locator(t('account-form-name')).fill(name)
  await pickOption(page, 'account-form-role', '联络站工作人员')
  await pickRegion(page, 'account-form-region', '329981')
  await dialog.locator(t('account-form-password')).fill(password)
  await dialog.locator(t('account-form-confirm')).fill(password)
}

async function findAccount(page, username) {
  await page.locator(t('account-search')).fill(username)
  await page.locator(t('account-search-btn')).click()
  const r = row(page, 'account-table', username)
  await r.waitFor()
  return r
}

test('secadmin creates an account, locks it, the list shows it locked and it cannot log in; then unlocks it', async () => {
  const page = await newPage()
  await login(page, 'secadmin')
  await page.locator(t('menu-accounts')).click()
  await page.waitForURL('**/accounts')
  await page.locator(t('account-table')).waitFor()

  const username = 'e2e' + uniq()
  const dialog = await openCreate(page)
  await fillAccount(page, dialog, { username, name: '测试联络员', password: 'Station#2024' })
  await dialog.locator(t('account-form-submit')).click()
  await message(page, `已创建账号“${username}”`)

  let r = await findAccount(page, username)
  assert.match(await r.innerText(), /联络站工作人员/)
  assert.match(await r.innerText(), /清河市/)
  assert.match(await r.locator(t('account-status')).innerText(), /正常/)

  await r.locator(t('account-lock')).click()
  await confirmBox(page, '锁定')
  await row(page, 'account-table', username).locator(t('account-status'), { hasText: '已锁定' }).waitFor()
  await page.reload()
  r = await findAccount(page, username)
  await r.locator(t('account-status'), { hasText: '已锁定' }).waitFor()

  // the locked account is refused at the login page with the server's message
  const other = await newPage()
  await fillLogin(other, username, 'Station#2024')
  await other.locator(t('login-error')).waitFor()
  assert.equal(path(other), '/login')
  assert.match(await other.locator(t('login-error')).innerText(), /锁定/)

  await r.locator(t('account-unlock')).click()
  await confirmBox(page, '解锁')
  await row(page, 'account-table', username).locator(t('account-status'), { hasText: '正常' }).waitFor()

  // unlocked, the new account logs in and must change its password first
  await fillLogin(other, username, 'Station#2024')
  await other.locator(t('password-form')).waitFor()
  assert.equal(path(other), '/password')
  await other.locator(t('must-change-notice')).waitFor()
  // other pages are not reachable until the password is changed
  await other.goto('/regions')
  await other.locator(t('password-form')).waitFor()
  assert.equal(path(other), '/password')
  await other.locator(t('pw-old')).fill('Station#2024')
  await other.locator(t('pw-new')).fill('weakpass')
  await other.locator(t('pw-confirm')).fill('weakpass')
  await other.locator(t('pw-submit')).click()
  await other.locator('.el-form-item__error', { hasText: POLICY }).waitFor()
  await other.locator(t('pw-new')).fill('Better#2025')
  await other.locator(t('pw-confirm')).fill('Better#2025')
  await other.locator(t('pw-submit')).click()
  await message(other, '密码修改成功')
  await other.locator(t('welcome')).waitFor()
  assert.equal(path(other), '/')
  await other.context().close()
  await page.context().close()
})

test('a weak password is refused with the policy message, by the form and by the server', async () => {
  const page = await newPage()
  await login(page, 'secadmin')
  await page.goto('/accounts')
  const username = 'e2eweak' + uniq()
  const dialog = await openCreate(page)
  await fillAccount(page, dialog, { username, name: '弱密码测试', password: 'abcdefgh' })
  await dialog.locator(t('account-form-submit')).click()
  await dialog.locator('.el-form-item__error', { hasText: POLICY }).waitFor()
  assert.ok(await dialog.isVisible())

  // the server applies the same policy (bypassing the form)
  const res = await page.evaluate(async (u) => {
    const s = await (await fetch('/api/v1/session')).json()
    const r = await fetch('/api/v1/accounts', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token },
      body: JSON.stringify({ username: u, display_name: '弱密码测试', role: 'station_staff', region_code: '329981', password: 'abcdefgh' }),
    })
    return { status: r.status, body: await r.json() }
  }, username)
  assert.equal(res.status, 400)
  assert.match(res.body.error.message, /至少三类/)

  await dialog.getByRole('button', { name: '取消' }).click()
  await page.locator(t('account-search')).fill(username)
  await page.locator(t('account-search-btn')).click()
  await page.locator(t('account-table') + ' .el-table__empty-text').waitFor()
  assert.equal(await row(page, 'account-table', username).count(), 0)
  await page.context().close()
})

test('the account form offers no administrator role, and the administrators\' rows are for the command line', async () => {
  const page = await newPage()
  await login(page, 'secadmin')
  await page.goto('/accounts')
  await page.locator(t('account-table')).waitFor()
  const dialog = await openCreate(page)
  await page.locator(t('account-form-role')).click()
  await page.locator(t('role-option-county_staff') + ':visible').waitFor()
  await page.locator(t('role-option-service') + ':visible').waitFor()
  for (const r of ['sysadmin', 'secadmin', 'auditor']) assert.equal(await page.locator(t('role-option-' + r)).count(), 0, r)
  await page.keyboard.press('Escape')
  await dialog.getByRole('button', { name: '取消' }).click()
  const r = await findAccount(page, 'auditor')
  await r.locator(t('account-cli-only')).waitFor()
  assert.equal(await r.locator(t('account-edit')).count(), 0)
  assert.equal(await r.locator(t('account-reset')).count(), 0)
  assert.equal(await r.locator(t('account-lock')).count(), 0)
  // the server refuses what the form does not offer
  const res = await page.evaluate(async () => {
    const s = await (await fetch('/api/v1/session')).json()
    const r = await fetch('/api/v1/accounts', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token },
      body: JSON.stringify({ username: 'sneakyaudit', display_name: '审计员二', role: 'auditor', region_code: '329900', password: 'Audit#2024x' }),
    })
    return { status: r.status, body: await r.json() }
  })
  assert.equal(res.status, 403)
  assert.match(res.body.error.message, /命令行/)
  await page.context().close()
})

test('secadmin creates a service account, issues it a read-only token with an expiry, sees the secret once, and revokes it', async () => {
  const page = await newPage()
  await login(page, 'secadmin')
  await page.goto('/accounts')
  await page.locator(t('account-table')).waitFor()
  const svc = 'svc' + uniq()
  const dialog = await openCreate(page)
  await dialog.locator(t('account-form-username')).fill(svc)
  await dialog.locator(t('account-form-name')).fill('政务服务平台对接')
  await pickOption(page, 'account-form-role', '集成服务账号')
  await dialog.locator(t('service-hint')).waitFor()
  assert.equal(await dialog.locator(t('account-form-password')).count(), 0)
  await pickRegion(page, 'account-form-region', '329981')
  await dialog.locator(t('account-form-submit')).click()
  await message(page, `已创建账号“${svc}”`)
  const ar = await findAccount(page, svc)
  assert.match(await ar.innerText(), /集成服务账号/)
  assert.equal(await ar.locator(t('account-reset')).count(), 0)

  await page.locator(t('menu-tokens')).click()
  await page.locator(t('token-table')).waitFor()
  const name = 'e2e对接令牌' + uniq()
  await page.locator(t('token-create')).click()
  const tdialog = page.locator(t('token-dialog'))
  // person accounts are not offered
  await page.locator(t('token-form-account')).click()
  await page.keyboard.type('city')
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__empty, .el-select-dropdown:visible .el-select-dropdown__item').first().waitFor()
  assert.equal(await page.locator('.el-select-dropdown__item:visible', { hasText: '（city）' }).count(), 0)
  await page.keyboard.press('Control+A')
  await page.keyboard.type(svc)
  await page.locator('.el-select-dropdown__item:visible', { hasText: `（${svc}）` }).first().click()
  await tdialog.locator(t('token-form-name')).fill(name)
  // a scope is required
  await tdialog.locator(t('token-form-submit')).click()
  await tdialog.locator('.el-form-item__error', { hasText: '请至少选择一项权限范围' }).waitFor()
  await tdialog.locator(t('token-scope-read')).click()
  await tdialog.locator(t('token-form-days') + ' input').fill('30')
  await tdialog.locator(t('token-form-submit')).click()
  const secretDialog = page.locator(t('token-secret-dialog'))
  await secretDialog.waitFor()
  const secret = await secretDialog.locator(t('token-secret')).inputValue()
  assert.match(secret, /^rnd_/)

  // the token reads, and does nothing else
  const res = await page.evaluate(async (s) => {
    const h = { Authorization: 'Bearer ' + s }
    const get = await fetch('/api/v1/regions', { headers: h, credentials: 'omit' })
    const post = await fetch('/api/v1/handlers', { method: 'POST', credentials: 'omit',
      headers: { ...h, 'Content-Type': 'application/json' }, body: JSON.stringify({ region_code: '329981', name: '令牌单位' }) })
    return [get.status, post.status, (await post.json()).error.code]
  }, secret)
  assert.deepEqual(res, [200, 403, 'token_scope'])

  await secretDialog.locator(t('token-secret-close')).click()
  const r = row(page, 'token-table', name)
  await r.locator(t('token-status'), { hasText: '有效' }).waitFor()
  assert.match(await r.locator(t('token-scope')).innerText(), /只读/)
  // expires in 30 days
  const exp = new Date(Date.now() + 30 * 86400 * 1000)
  const ymd = `${exp.getFullYear()}-${String(exp.getMonth() + 1).padStart(2, '0')}-${String(exp.getDate()).padStart(2, '0')}`
  assert.ok((await r.innerText()).includes(ymd), `${ymd} in ${await r.innerText()}`)
  await r.locator(t('token-revoke')).click()
  await confirmBox(page, '撤销')
  await row(page, 'token-table', name).locator(t('token-status'), { hasText: '已撤销' }).waitFor()
  await page.context().close()
})

test('secadmin creates a 承办单位 account bound to a handling unit, edits it and resets its password', async () => {
  const page = await newPage()
  await login(page, 'secadmin')
  await page.goto('/accounts')
  const username = 'e2eh' + uniq()
  const dialog = await openCreate(page)
  await dialog.locator(t('account-form-username')).fill(username)
  await dialog.locator(t('account-form-name')).fill('承办联络人')
  await pickOption(page, 'account-form-role', '承办单位')
  await pickRegion(page, 'account-form-region', '329981')
  await dialog.locator(t('account-form-password')).fill('Handler#2024')
  await dialog.locator(t('account-form-confirm')).fill('Handler#2024')
  // the handling unit is required for this role
  await dialog.locator(t('account-form-submit')).click()
  await dialog.locator('.el-form-item__error', { hasText: '承办单位角色须选择所属承办单位' }).waitFor()
  await page.locator(t('account-form-handler')).click()
  await page.locator('.el-select-dropdown__item:visible').first().click()
  await dialog.locator(t('account-form-submit')).click()
  await message(page, `已创建账号“${username}”`)

  let r = await findAccount(page, username)
  assert.match(await r.innerText(), /承办单位/)
  await r.locator(t('account-edit')).click()
  await dialog.locator(t('account-form-name')).fill('承办联络人（改）')
  await dialog.locator(t('account-form-submit')).click()
  await message(page, '账号信息已更新')
  await row(page, 'account-table', '承办联络人（改）').waitFor()

  r = row(page, 'account-table', username)
  await r.locator(t('account-reset')).click()
  const reset = page.locator(t('account-reset-dialog'))
  await reset.locator(t('reset-password')).fill('short')
  await reset.locator(t('reset-confirm')).fill('short')
  await reset.locator(t('reset-submit')).click()
  await reset.locator('.el-form-item__error', { hasText: POLICY }).waitFor()
  await reset.locator(t('reset-password')).fill('Reset#2024x')
  await reset.locator(t('reset-confirm')).fill('Reset#2024x')
  await reset.locator(t('reset-submit')).click()
  await confirmBox(page, '重置')
  await message(page, '密码已重置')

  // the user logs in with the new password and must change it first
  const other = await newPage()
  await fillLogin(other, username, 'Reset#2024x')
  await other.locator(t('password-form')).waitFor()
  assert.equal(path(other), '/password')
  await other.context().close()
  await page.context().close()
})
