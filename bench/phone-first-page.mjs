// Benchmark of a citizen's first visit to a station's page (the QR code's page) on a slow phone:
// headless Chromium, an empty cache, 390×844, the network throttled to 150 ms round trip and
// 4 Mbit/s each way, the CPU slowed 4× (both through the DevTools protocol). For each built web
// directory it reports, as the median of the runs: the bytes of scripts and stylesheets
// transferred (compressed, as sent, headers included), all bytes transferred, and the time from
// the navigation's start until the page is usable (the station's name and 我要反映意见 visible).
// Also the sizes on disk of the same scripts and stylesheets' .br twins (the body bytes alone).
//
// Usage: node bench/phone-first-page.mjs [--runs 5] [--web label=dir]...
//   default --web now=web/dist; add e.g. --web before=/tmp/dist-of-main to compare two builds
//   (the server falls back to index.html for a build without phone.html, as before).
// Env: RENDA_BIN (default build/renda), CHROMIUM (default /usr/bin/chromium).
import { spawn, execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
// playwright-core is the web UI's development dependency (web/node_modules).
const { chromium } = createRequire(join(ROOT, 'web', 'package.json'))('playwright-core')
const STATION = '松岭镇人大代表联络站'
const PROFILE = { latency: 150, down: 4e6 / 8, up: 4e6 / 8, cpu: 4, width: 390, height: 844 }

const args = process.argv.slice(2)
let runs = 5
const webs = []
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i])
  else if (args[i] === '--web') {
    const [label, dir] = args[++i].split('=')
    webs.push({ label, dir: resolve(dir) })
  } else throw new Error('unknown argument ' + args[i])
}
if (!webs.length) webs.push({ label: 'now', dir: join(ROOT, 'web', 'dist') })
const bin = resolve(process.env.RENDA_BIN || join(ROOT, 'build', 'renda'))
for (const w of webs) if (!existsSync(join(w.dir, 'index.html'))) throw new Error(`no build at ${w.dir}: make web`)

const work = mkdtempSync(join(tmpdir(), 'renda-bench-phone-'))
const dbFile = join(work, 'b.db')
execFileSync(bin, ['demo', '--db', 'sqlite:' + dbFile, '--size', 'small', '--seed', '1'], { stdio: 'ignore' })
const code = execFileSync('sqlite3', [dbFile, `SELECT public_code FROM stations WHERE name = '${STATION}'`])
  .toString()
  .trim()
if (!code) throw new Error('the demo has no ' + STATION)

function serve(web) {
  const proc = spawn(bin, ['serve', '--db', 'sqlite:' + dbFile, '--listen', '127.0.0.1:0', '--web', web, '--quiet'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('server did not start: ' + out)), 15000)
    const onData = (d) => {
      out += d
      const m = out.match(/listening on (http:\/\/[0-9.:]+)/)
      if (m) {
        clearTimeout(timer)
        ok({ url: m[1], proc })
      }
    }
    proc.stdout.on('data', onData)
    proc.stderr.on('data', onData)
    proc.on('exit', (c) => fail(new Error(`server exited ${c}: ${out}`)))
  })
}

// The .br twin's size of a built file (its own size when it has none).
function brotliSize(dir, path) {
  const file = join(dir, path)
  if (existsSync(file + '.br')) return statSync(file + '.br').size
  return existsSync(file) ? statSync(file).size : 0
}

async function visit(browser, url, dir) {
  const context = await browser.newContext({ viewport: { width: PROFILE.width, height: PROFILE.height }, locale: 'zh-CN' })
  const page = await context.newPage()
  const cdp = await context.newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: PROFILE.latency,
    downloadThroughput: PROFILE.down,
    uploadThroughput: PROFILE.up,
  })
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: PROFILE.cpu })
  const requests = new Map()
  cdp.on('Network.responseReceived', (e) => {
    const h = e.response.headers
    requests.set(e.requestId, { url: e.response.url, type: e.type, coding: h['Content-Encoding'] || h['content-encoding'] || '' })
  })
  const done = []
  cdp.on('Network.loadingFinished', (e) => done.push(e))
  await page.goto(url, { waitUntil: 'commit' })
  const usable = await page.waitForFunction(
    () => {
      const name = document.querySelector('[data-test="public-name"]')
      const act = document.querySelector('[data-test="public-opinion"]')
      const shown = (el) => el && el.offsetParent !== null && el.textContent.trim()
      return shown(name) && shown(act) ? performance.now() : 0
    },
    null,
    { polling: 'raf', timeout: 60000 },
  )
  const ms = await usable.jsonValue()
  await page.waitForLoadState('networkidle')
  let assets = 0, total = 0, assetsBr = 0, files = 0
  const codings = new Set()
  for (const e of done) {
    const r = requests.get(e.requestId)
    if (!r) continue
    total += e.encodedDataLength
    if (r.type === 'Script' || r.type === 'Stylesheet') {
      assets += e.encodedDataLength
      assetsBr += brotliSize(dir, new URL(r.url).pathname)
      codings.add(r.coding || 'identity')
      files++
    }
  }
  await context.close()
  return { ms, assets, assetsBr, total, files, codings: [...codings].join(',') }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const kb = (n) => (n / 1024).toFixed(1) + ' KB'
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
})
const rows = []
try {
  for (const w of webs) {
    const server = await serve(w.dir)
    const results = []
    try {
      for (let i = 0; i < runs; i++) {
        const r = await visit(browser, `${server.url}/s/${code}`, w.dir)
        results.push(r)
        console.log(`${w.label} run ${i + 1}: usable ${r.ms.toFixed(0)} ms, JS+CSS ${kb(r.assets)} (${r.files} files, ${r.codings}), brotli ${kb(r.assetsBr)}, all ${kb(r.total)}`)
      }
    } finally {
      server.proc.kill('SIGTERM')
    }
    const pick = (k) => median(results.map((r) => r[k]))
    rows.push({ label: w.label, ms: pick('ms'), assets: pick('assets'), assetsBr: pick('assetsBr'), total: pick('total'), files: pick('files') })
  }
} finally {
  await browser.close()
  rmSync(work, { recursive: true, force: true })
}
console.log(`\nstation page, first visit, ${runs} runs, median (150 ms RTT, 4 Mbit/s, CPU 4×, ${PROFILE.width}×${PROFILE.height}):`)
console.log('| build | JS+CSS files | JS+CSS sent (with headers) | JS+CSS .br twins | all bytes sent | usable after |')
console.log('|---|---:|---:|---:|---:|---:|')
for (const r of rows) console.log(`| ${r.label} | ${r.files} | ${kb(r.assets)} | ${kb(r.assetsBr)} | ${kb(r.total)} | ${(r.ms / 1000).toFixed(2)} s |`)
