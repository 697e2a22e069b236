// 登录页、未登录跳转、404 页面；密码超过有效期时登录后须先修改。
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { setup, teardown, newPage, fillLogin, login, t, path, dbUrl, PASSWORD } from './helpers.mjs'

before(setup)
after(teardown)

test('a wrong password shows 用户名或密码错误 and stays on /login', async () => {
  const page = await newPage()
  await fillLogin(page, 'station', 'Wrong@pass1')
  const err = page.locator(t('login-error'))
  await err.waitFor()
  assert.match(await err.innerText(), /用户名或密码错误/)
  // shown once: above the form, not again as a toast
  await page.waitForTimeout(300)
  assert.equal(await page.locator('.el-message').count(), 0)
  assert.equal(await page.getByText('用户名或密码错误').count(), 1)
  assert.equal(path(page), '/login')
  // a correct login afterwards works and lands on the workbench
  await login(page, 'station')
  assert.equal(path(page), '/')
  await page.locator(t('welcome')).waitFor()
  await page.context().close()
})

test('empty fields are refused by the form with Chinese messages', async () => {
  const page = await newPage()
  await page.goto('/login')
  await page.locator(t('login-submit')).click()
  await page.locator('.el-form-item__error', { hasText: '请输入用户名' }).waitFor()
  await page.locator('.el-form-item__error', { hasText: '请输入密码' }).waitFor()
  assert.equal(path(page), '/login')
  await page.context().close()
})

test('a protected page without a session goes to /login and back after login', async () => {
  const page = await newPage()
  await page.goto('/regions')
  await page.locator(t('login-form')).waitFor()
  assert.equal(path(page), '/login')
  assert.equal(new URL(page.url()).searchParams.get('redirect'), '/regions')
  await page.locator(t('login-username')).fill('deputy')
  await page.locator(t('login-password')).fill('Renda@2024')
  await page.locator(t('login-submit')).click()
  await page.locator(t('region-tree')).waitFor()
  assert.equal(path(page), '/regions')
  // the session survives a reload (GET /api/v1/session restores the user)
  await page.reload()
  await page.locator(t('user-name')).waitFor()
  assert.equal(path(page), '/regions')
  await page.context().close()
})

test('an unknown path shows the 404 page', async () => {
  const page = await newPage()
  await page.goto('/no/such/page')
  const nf = page.locator(t('not-found'))
  await nf.waitFor()
  assert.match(await nf.innerText(), /页面不存在/)
  await page.context().close()
})

test('when the session ends elsewhere, the next request leads back to /login', async () => {
  const page = await newPage()
  await login(page, 'city')
  await page.goto('/handlers')
  await page.locator(t('handler-table')).waitFor()
  // log out in a second tab of the same browser session
  const tab = await page.context().newPage()
  await tab.goto('/')
  await tab.locator(t('menu-logout')).click()
  await tab.locator(t('login-form')).waitFor()
  // the first tab still shows the page; its next API call gets 401
  await page.locator(t('handler-search-btn')).click()
  await page.locator(t('login-form')).waitFor()
  assert.equal(path(page), '/login')
  assert.equal(new URL(page.url()).searchParams.get('redirect'), '/handlers')
  await page.locator('.el-message', { hasText: '登录已失效，请重新登录' }).waitFor()
  await page.context().close()
})

test('a password past its age (auth.password_max_days, 90) leads to the forced change, then to work', { skip: !dbUrl() && 'needs the server started here' }, async () => {
  // 91 days ago, as the clock would have it
  const old = Math.floor(Date.now() / 1000) - 91 * 86400
  execFileSync('sqlite3', ['-cmd', '.timeout 5000', dbUrl().slice(7), `UPDATE accounts SET password_changed_at = ${old} WHERE username = 'handler'`])
  const page = await newPage()
  await fillLogin(page, 'handler', PASSWORD)
  await page.locator(t('password-form')).waitFor()
  assert.equal(path(page), '/password')
  assert.match(await page.locator(t('must-change-notice')).innerText(), /有效期/)
  // nothing else opens until it is changed
  await page.goto('/')
  await page.locator(t('password-form')).waitFor()
  assert.equal(path(page), '/password')
  await page.locator(t('pw-old')).fill(PASSWORD)
  await page.locator(t('pw-new')).fill('Handler#2025a')
  await page.locator(t('pw-confirm')).fill('Handler#2025a')
  await page.locator(t('pw-submit')).click()
  await page.locator('.el-message', { hasText: '密码修改成功' }).waitFor()
  await page.locator(t('welcome')).waitFor()
  assert.equal(path(page), '/')
  await page.context().close()
})
