// Shared helpers for the browser tests (node:test + playwright-core driving Debian's chromium).
import { chromium } from 'playwright-core'

export const BASE = (process.env.RENDA_URL || '').replace(/\/$/, '')
if (!BASE) {
  throw new Error('RENDA_URL is not set: start a server (renda serve --web web/dist) and point RENDA_URL at it')
}
export const PASSWORD = 'Renda@2024'

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
}

// A fresh context (own cookies) and page.
export async function newPage(browser) {
  const context = await browser.newContext({ baseURL: BASE, locale: 'zh-CN', viewport: { width: 1440, height: 900 } })
  const page = await context.newPage()
  page.setDefaultTimeout(15000)
  page.on('pageerror', (err) => console.error('[pageerror]', err.message))
  return page
}

export const t = (name) => `[data-test="${name}"]`

// A suffix that keeps names unique across runs against the same database.
export function uniq() {
  return Date.now().toString(36) + Math.floor(Math.random() * 1296).toString(36)
}

export async function fillLogin(page, username, password) {
  await page.goto('/login')
  await page.locator(t('login-username') + ' input').fill(username)
  await page.locator(t('login-password') + ' input').fill(password)
  await page.locator(t('login-submit')).click()
}

// Log in through the form and wait for the app shell.
export async function login(page, username, password = PASSWORD) {
  await fillLogin(page, username, password)
  await page.locator(t('user-name')).waitFor()
}

export function path(page) {
  return new URL(page.url()).pathname
}

// Pick an option of an Element Plus select whose root carries data-test=`name`.
export async function pickOption(page, name, optionText) {
  await page.locator(t(name)).click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: optionText }).first().click()
}

// Pick a region in a RegionSelect (tree select) whose root carries data-test=`name`.
export async function pickRegion(page, name, code) {
  await page.locator(t(name)).click()
  await page.locator(`${t('region-option-' + code)}:visible`).click()
}

// Click the confirm button of the open ElMessageBox.
export async function confirmBox(page, buttonText) {
  const box = page.locator('.el-message-box')
  await box.waitFor()
  await box.getByRole('button', { name: buttonText }).click()
  await box.waitFor({ state: 'hidden' })
}

// Wait until an ElMessage with this text shows up.
export async function message(page, text) {
  await page.locator('.el-message', { hasText: text }).first().waitFor()
}

export function row(page, table, text) {
  return page.locator(`${t(table)} .el-table__body-wrapper tr`, { hasText: text })
}
