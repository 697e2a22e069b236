// Shared helpers for the browser tests (node:test + playwright-core driving Debian's chromium).
//
// The server under test is either
//   - RENDA_URL: one that is already running (small demo, serving web/dist), or
//   - otherwise one started here per test file: RENDA_BIN (default ../build/renda) on a fresh
//     small-demo SQLite database, serving RENDA_WEB (default web/dist), on a free loopback port.
import { chromium } from 'playwright-core'
import { spawn, execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const PASSWORD = 'Renda@2024'
const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..')

let browser = null
let server = null
let base = ''

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

async function startServer() {
  const bin = resolve(process.env.RENDA_BIN || join(WEB_DIR, '..', 'build', 'renda'))
  const web = resolve(process.env.RENDA_WEB || join(WEB_DIR, 'dist'))
  if (!existsSync(bin)) throw new Error(`no server binary at ${bin}: build it, or set RENDA_URL or RENDA_BIN`)
  if (!existsSync(join(web, 'index.html'))) throw new Error(`no built UI at ${web}: run npm run build`)
  const dir = mkdtempSync(join(tmpdir(), 'renda-e2e-'))
  const db = 'sqlite:' + join(dir, 'e2e.db')
  execFileSync(bin, ['demo', '--db', db, '--size', 'small', '--seed', '1'], { stdio: 'ignore' })
  const proc = spawn(bin, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--web', web, '--quiet'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('server did not start: ' + out)), 15000)
    const onData = (d) => {
      out += d
      const m = out.match(/listening on (http:\/\/[0-9.:]+)/)
      if (m) {
        clearTimeout(timer)
        ok(m[1])
      }
    }
    proc.stdout.on('data', onData)
    proc.stderr.on('data', onData)
    proc.on('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`server exited ${code}: ${out}`))
    })
  })
  const exited = new Promise((ok) => proc.on('exit', ok))
  return {
    url,
    db,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM')
      await exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

// Call from before(): starts the browser (and a server unless RENDA_URL is set).
export async function setup() {
  if (process.env.RENDA_URL) {
    base = process.env.RENDA_URL.replace(/\/$/, '')
  } else {
    server = await startServer()
    base = server.url
  }
  browser = await launch()
}

// The database URL of the server started here (null against RENDA_URL): for tests that set
// what only time would (a password's age).
export const dbUrl = () => server?.db || null

// Call from after().
export async function teardown() {
  await browser?.close()
  browser = null
  await server?.stop()
  server = null
}

// A fresh context (own cookies) and page.
export async function newPage() {
  const context = await browser.newContext({ baseURL: base, locale: 'zh-CN', viewport: { width: 1440, height: 900 } })
  const page = await context.newPage()
  page.setDefaultTimeout(15000)
  page.on('pageerror', (err) => console.error('[pageerror]', err.message))
  return page
}

// The phone the public pages are tested on (a common 6.1-inch phone in CSS pixels).
export const PHONE = { width: 390, height: 844 }

// A fresh context the size of a phone (touch), for the public pages.
export async function newPhonePage() {
  const context = await browser.newContext({
    baseURL: base,
    locale: 'zh-CN',
    viewport: PHONE,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  })
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
  await page.locator(t('login-username')).fill(username)
  await page.locator(t('login-password')).fill(password)
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
