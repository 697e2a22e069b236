// 系统管理员维护行政区划与人大机构：新增、重命名、设置人大机构、删除（含确认与服务器拒绝）。
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, teardown, newPage, login, t, confirmBox, message, pickOption } from './helpers.mjs'

before(setup)
after(teardown)

const code = '329971' + String(500 + Math.floor(Math.random() * 500))

test('admin adds a street under the development zone, renames it, sets its congress unit', async () => {
  const page = await newPage()
  await login(page, 'admin')
  await page.goto('/regions')
  await page.locator(t('region-node-329971')).click()
  await page.locator(t('region-detail-name'), { hasText: '示范经济开发区' }).waitFor()

  await page.locator(t('region-add-child')).click()
  const dialog = page.locator(t('region-create-dialog'))
  await dialog.getByText('街道', { exact: true }).click()
  // a code that does not start with the parent's digits is refused by the form
  await dialog.locator(t('region-code')).fill('330100001')
  await dialog.locator(t('region-name')).fill('e2e新区街道')
  await dialog.locator(t('region-create-submit')).click()
  await dialog.locator('.el-form-item__error', { hasText: '须以 “329971” 开头' }).waitFor()
  await dialog.locator(t('region-code')).fill(code)
  await dialog.locator(t('region-create-submit')).click()
  await message(page, '已新增区划“e2e新区街道”')
  const node = page.locator(t('region-node-' + code))
  await node.waitFor({ state: 'visible' })

  await node.click()
  await page.locator(t('region-detail-name'), { hasText: 'e2e新区街道' }).waitFor()
  await page.locator(t('region-rename')).click()
  await page.locator(t('region-rename-input')).fill('e2e科创街道')
  await page.locator(t('region-rename-submit')).click()
  await page.locator(t('region-detail-name'), { hasText: 'e2e科创街道' }).waitFor()
  await page.locator(t('region-node-' + code), { hasText: 'e2e科创街道' }).waitFor()

  await page.locator(t('region-set-unit')).click()
  await page.locator(t('unit-name')).fill('e2e科创街道人大工委')
  // the kind defaults from the level: a street gets 街道人大工委
  assert.match(await page.locator(t('unit-kind')).innerText(), /街道人大工委/)
  await pickOption(page, 'unit-kind', '街道人大工委')
  await page.locator(t('unit-submit')).click()
  await message(page, '人大机构已保存')
  await page.locator(t('region-unit'), { hasText: 'e2e科创街道人大工委' }).waitFor()

  // the change survives a reload
  await page.reload()
  await page.locator(t('region-node-329971')).click()
  await page.locator(t('region-node-' + code), { hasText: 'e2e科创街道' }).click()
  await page.locator(t('region-unit'), { hasText: 'e2e科创街道人大工委' }).waitFor()
  await page.context().close()
})

// Opens a region's detail from the tree. The tree may still re-render after its first paint on a
// busy machine, which can swallow a click: click again until the detail shows (three tries).
async function openNode(page, code, name) {
  for (let i = 0; ; i++) {
    await page.locator(t('region-node-' + code)).click()
    try {
      await page.locator(t('region-detail-name'), { hasText: name }).waitFor({ timeout: 5000 })
      return
    } catch (e) {
      if (i === 2) throw e
    }
  }
}

test('deleting asks for confirmation; a region in use is refused with the server message', async () => {
  const page = await newPage()
  await login(page, 'admin')
  await page.goto('/regions')
  await openNode(page, '329981', '清河市')

  // cancelling keeps it
  await page.locator(t('region-delete')).click()
  await confirmBox(page, '取消')
  // confirming is refused by the server: it still has townships
  await page.locator(t('region-delete')).click()
  await confirmBox(page, '删除')
  await page.locator('.el-message--error', { hasText: '不能删除' }).waitFor()
  await page.locator(t('region-node-329981')).waitFor()

  // a new empty region can be deleted
  const tmp = '329971' + String(100 + Math.floor(Math.random() * 400))
  await openNode(page, '329971', '示范经济开发区')
  await page.locator(t('region-add-child')).click()
  const dialog = page.locator(t('region-create-dialog'))
  await dialog.getByText('街道', { exact: true }).click()
  await dialog.locator(t('region-code')).fill(tmp)
  await dialog.locator(t('region-name')).fill('e2e临时街道')
  await dialog.locator(t('region-create-submit')).click()
  await page.locator(t('region-node-' + tmp)).click()
  await page.locator(t('region-detail-name'), { hasText: 'e2e临时街道' }).waitFor()
  await page.locator(t('region-delete')).click()
  await confirmBox(page, '删除')
  await message(page, '已删除“e2e临时街道”')
  await page.locator(t('region-node-' + tmp)).waitFor({ state: 'detached' })
  await page.locator(t('region-detail-name'), { hasText: '示范经济开发区' }).waitFor()
  await page.context().close()
})

test('non-administrators see the regions read-only', async () => {
  const page = await newPage()
  await login(page, 'city')
  await page.goto('/regions')
  await page.locator(t('region-detail-name'), { hasText: '示范市' }).waitFor()
  assert.equal(await page.locator(t('region-add-child')).count(), 0)
  assert.equal(await page.locator(t('region-delete')).count(), 0)
  assert.equal(await page.locator(t('region-set-unit')).count(), 0)
  await page.context().close()
})
