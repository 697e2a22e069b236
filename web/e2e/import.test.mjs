// 导入代表：.xlsx 中有一行错误时显示行号和说明、不能导入；改正后导入，新代表出现在名册中。
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, teardown, newPage, login, t, uniq, confirmBox, message, path } from './helpers.mjs'
import { readFile } from 'node:fs/promises'
import { writeXlsx } from './xlsx.mjs'

before(setup)
after(teardown)

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

// A row for the template's columns, by header name.
function rowFor(header, values) {
  return header.map((h) => values[h] ?? '')
}

test('an .xlsx with a bad row shows the row error; the fixed file imports and the deputy is listed', async () => {
  const page = await newPage()
  await login(page, 'county')
  await page.goto('/deputies')
  await page.locator(t('deputy-import')).click()
  await page.locator(t('import-upload')).waitFor()
  assert.equal(path(page), '/deputies/import')

  // the template downloads from the page; its header row gives the columns
  const [tpl] = await Promise.all([page.waitForEvent('download'), page.locator(t('import-template-xlsx')).click()])
  assert.match(tpl.suggestedFilename(), /\.xlsx$/)
  const csv = await page.request.get('/api/v1/deputies/import/template?format=csv')
  assert.equal(csv.status(), 200)
  const header = (await csv.text()).replace(/^\uFEFF/, '').split(/\r?\n/)[0].split(',')
  assert.ok(header.includes('姓名') && header.includes('出生日期'))

  const u = uniq()
  const good = {
    姓名: `导入甲${u}`, 性别: '男', 民族: '汉族', 出生日期: '1978-03-15', 政治面貌: '中共党员', 学历: '大学本科',
    代表构成类别: '农民', 工作单位: '松岭镇农业专业合作社', 职务: '社长', 联系电话: '13800001111',
    所属区划代码: '329981101', 代表层级: '乡镇', 届次: '18', 人大所在区划代码: '329981101', 选区: '第7选区', 当选日期: '2021-11-20',
  }
  const badRow = { ...good, 姓名: `导入乙${u}`, 性别: '女', 出生日期: '1985-02-30', 联系电话: '13800002222' }
  const upload = page.locator(`${t('import-upload')} input[type=file]`)

  // 1. one bad row (the third line of the sheet): its error is listed and nothing can be imported
  await upload.setInputFiles({ name: '代表名单.xlsx', mimeType: XLSX, buffer: writeXlsx([header, rowFor(header, good), rowFor(header, badRow)]) })
  await page.locator(t('import-preview')).waitFor()
  assert.equal(await page.locator(t('import-total')).innerText(), '2')
  assert.equal(await page.locator(t('import-error-count')).innerText(), '1')
  const err = page.locator(`${t('import-errors')} .el-table__body-wrapper tr`).first()
  assert.equal(await err.locator(t('import-error-row')).innerText(), '第3行')
  assert.match(await err.innerText(), /出生日期/)
  assert.match(await err.innerText(), /1985-02-30/)
  assert.equal(await page.locator(t('import-confirm')).isDisabled(), true)
  await page.locator(t('import-has-errors')).waitFor()

  // 2. the corrected file passes; 确认导入 stores it
  const fixed = { ...badRow, 出生日期: '1985-02-28' }
  await upload.setInputFiles({ name: '代表名单（改）.xlsx', mimeType: XLSX, buffer: writeXlsx([header, rowFor(header, good), rowFor(header, fixed)]) })
  await page.locator(t('import-ok')).waitFor()
  assert.equal(await page.locator(t('import-valid')).innerText(), '2')
  assert.equal(await page.locator(t('import-errors')).count(), 0)
  await page.locator(`${t('import-rows')} .el-table__body-wrapper tr`, { hasText: fixed.姓名 }).waitFor()
  const confirm = page.locator(t('import-confirm'))
  assert.equal(await confirm.isEnabled(), true)
  await confirm.click()
  await confirmBox(page, '导入')
  await message(page, '已成功导入 2 名代表')
  await page.waitForURL(/\/deputies(\?.*)?$/)

  // 3. the new deputies are on the roster
  await page.locator(t('deputy-filter-q')).fill(`导入乙${u}`)
  await page.locator(t('deputy-search')).click()
  const row = page.locator(`${t('deputy-table')} .el-table__body-wrapper tr`, { hasText: fixed.姓名 })
  await row.waitFor()
  assert.match(await row.innerText(), /女/)
  assert.match(await row.innerText(), /1985\.02/)
  await page.context().close()
})

test('a LibreOffice roster with an empty first sheet, a merged title row and date cells previews without errors', async () => {
  const page = await newPage()
  await login(page, 'county')
  await page.goto('/deputies/import')
  // made by writeRosterXlsx (xlsx.mjs), kept as tests/fixtures/import/roster-title-row.xlsx
  const buffer = await readFile(new URL('../../tests/fixtures/import/roster-title-row.xlsx', import.meta.url))
  await page.locator(`${t('import-upload')} input[type=file]`).setInputFiles({ name: '柳溪乡代表名册.xlsx', mimeType: XLSX, buffer })
  await page.locator(t('import-ok')).waitFor()
  assert.equal(await page.locator(t('import-total')).innerText(), '3')
  assert.equal(await page.locator(t('import-errors')).count(), 0)
  const row = page.locator(`${t('import-rows')} .el-table__body-wrapper tr`, { hasText: '标题行导入乙' })
  await row.waitFor()
  assert.match(await row.innerText(), /1982/)
  await page.context().close()
})
