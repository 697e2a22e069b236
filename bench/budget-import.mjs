// A 5,000-line budget (50 类 × 9 款 × 10 项 of the functional classification, with its 合计 row)
// imported as .csv and as .xlsx by the city's staff: preview (read, check every row, stage) and
// confirm (one transaction: the document, its lines, the warnings), each timed at the client.
// Usage: node bench/budget-import.mjs URL REGION [runs]   (bench/budget.sh calls it)
import { writeXlsx } from '../web/e2e/xlsx.mjs'

const [base, region, runsArg] = process.argv.slice(2)
const runs = Number(runsArg || 3)
const login = await fetch(base + '/api/v1/session', { method: 'POST', headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ username: 'city', password: 'Renda@2024' }) })
const cookie = login.headers.get('set-cookie').split(';')[0]
const csrf = (await login.json()).csrf_token

const rows = [['某镇一般公共预算支出表'], ['科目编码', '科目名称', '金额（元）', '重点项目']]
let total = 0
for (let c = 0; c < 50; c++) {
  const lei = String(201 + c)
  rows.push([lei, `类${lei}`, '90000.00', '否'])
  for (let k = 1; k <= 9; k++) {
    const kuan = lei + String(k).padStart(2, '0')
    rows.push([kuan, `款${kuan}`, '10000.00', '否'])
    for (let x = 1; x <= 10; x++) rows.push([kuan + String(x).padStart(2, '0'), `项${kuan}${x}`, '1000.00', x === 1 ? '是' : '否'])
  }
  total += 90000
}
rows.push(['', '合计', total.toFixed(2)])
const lines = rows.length - 3
const csv = Buffer.from(rows.map((r) => r.join(',')).join('\r\n') + '\r\n')
const xlsx = writeXlsx(rows)

async function post(path, body, type) {
  const headers = { Cookie: cookie, 'X-CSRF-Token': csrf }
  if (type) headers['Content-Type'] = type
  const r = await fetch(base + path, { method: 'POST', headers, body })
  const j = await r.json()
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(j).slice(0, 300)}`)
  return j
}

console.log(`| file | lines | bytes | preview | confirm | preview + confirm |`)
console.log(`|---|---|---|---|---|---|`)
let year = 2060
for (const [name, body, type] of [['csv', csv, 'text/csv'],
  ['xlsx', xlsx, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']]) {
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    const p = await post(`/api/v1/budgets/import?region=${region}&year=${year++}&kind=budget`, body, type)
    if (!p.preview.import_id) throw new Error('errors: ' + JSON.stringify(p.preview.errors.slice(0, 3)))
    const t1 = performance.now()
    await post(`/api/v1/budgets/import/${p.preview.import_id}/confirm`)
    const t2 = performance.now()
    console.log(`| ${name} | ${lines} | ${body.length} | ${(t1 - t0).toFixed(0)} ms | ${(t2 - t1).toFixed(0)} ms | ${(t2 - t0).toFixed(0)} ms |`)
  }
}
