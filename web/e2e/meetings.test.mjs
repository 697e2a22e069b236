// 乡镇人代会：工作人员新建会议、开始签到；十名代表在手机上登录签到（一人从“我的履职”进入，一人扫会场
// 二维码链接），其余代表由工作人员代签到直至达到法定人数；会场大屏（另一浏览器，无需登录）实时显示出席
// 和表决进度；工作人员宣布开会、发起表决，代表在手机上投票，大屏的已表决人数随之变化；工作人员结束表决，
// 大屏和代表手机显示结果及决定结果的规则。随后的无记名选举中，手机页面拦下赞成票多于应选人数的选票。
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, teardown, newPage, newPhonePage, login, t, confirmBox, path, uniq, PASSWORD } from './helpers.mjs'

before(setup)
after(async () => {
  for (const p of phones) await p.page.context().close().catch(() => {})
  await teardown()
})

const phones = [] // { id, page }
let staff = null
let screen = null
let meetingId = 0

const input = (page, name) => page.locator(`input${t(name)}, ${t(name)} input`).first()
const text = async (loc) => (await loc.innerText()).trim()
// Wait until a locator's text is exactly `want` (the live pages change under the test).
async function textIs(loc, want) {
  await loc.filter({ hasText: new RegExp(`^\\s*${want}\\s*$`) }).waitFor()
}
function tomorrow() {
  const d = new Date(Date.now() + 86400000)
  const p = (n) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

// The jurisdiction settings as they apply to a region (the actor's own without one): key → value.
async function settingsOf(page, region) {
  const res = await page.request.get('/api/v1/settings' + (region ? '?region=' + region : ''))
  assert.ok(res.ok(), `settings: ${res.status()}`)
  return Object.fromEntries((await res.json()).items.map((x) => [x.key, x.value]))
}

// Changes settings of a region with the page's session (the CSRF token from GET /session).
async function putSettings(page, region, body) {
  const s = await (await page.request.get('/api/v1/session')).json()
  const res = await page.request.put('/api/v1/settings?region=' + region, { data: body, headers: { 'X-CSRF-Token': s.csrf_token } })
  assert.ok(res.ok(), `settings: ${res.status()} ${await res.text()}`)
}

// A deputy logs in on a phone straight to a page (the login form takes ?redirect=).
async function phoneLogin(username, to) {
  const page = await newPhonePage()
  await page.goto('/login?redirect=' + encodeURIComponent(to))
  await page.locator(t('login-username')).fill(username)
  await page.locator(t('login-password')).fill(PASSWORD)
  await page.locator(t('login-submit')).click()
  return page
}

test('ten deputies sign in and vote on phones while the projector follows the count', async () => {
  // ---- staff: a new session of the township congress ----
  staff = await newPage()
  await login(staff, 'unit')
  await staff.locator(t('menu-meetings')).click()
  await staff.waitForURL('**/meetings')
  await staff.locator(t('meeting-create')).click()
  const title = '第十八届人民代表大会临时会议' + uniq()
  await input(staff, 'meeting-form-title').fill(title)
  // the meeting is tomorrow and the notice goes out today: less than the region's notice period
  const noticeDays = (await settingsOf(staff))['meeting.notice_days']
  assert.ok(noticeDays > 1, 'the notice period is longer than a day')
  const starts = input(staff, 'meeting-form-starts')
  await starts.fill(tomorrow())
  await starts.press('Enter')
  await staff.locator(t('meeting-form-notice-warning'), { hasText: `不足 ${noticeDays} 日` }).waitFor()
  await input(staff, 'meeting-form-place').fill('镇政府大会议室')
  await staff.locator(t('meeting-form-submit')).click()
  await staff.waitForURL(/\/meetings\/\d+$/)
  meetingId = Number(path(staff).split('/').pop())
  await staff.locator(t('meeting-detail-title'), { hasText: title }).waitFor()
  await staff.locator(t('meeting-warning'), { hasText: '不足' }).waitFor()
  await textIs(staff.locator(t('meeting-detail-state')), '筹备中')

  // an agenda item
  await staff.locator('#tab-items').click()
  await staff.locator(t('item-add')).click()
  await input(staff, 'item-form-title').fill('审议关于增补民生实事项目的议案')
  await staff.locator(t('item-form-submit')).click()
  await staff.locator(t('item-title'), { hasText: '审议关于增补民生实事项目的议案' }).waitFor()

  // sign-in opens: the member list is taken from the roster
  await staff.locator(t('meeting-open-signin')).click()
  await confirmBox(staff, '开始签到')
  await textIs(staff.locator(t('meeting-detail-state')), '签到中')
  await textIs(staff.locator(t('quorum-state')), '未达到法定人数')
  // 宣布开会 waits for the quorum
  assert.equal(await staff.locator(t('meeting-open')).isDisabled(), true)

  // ---- the projector: another browser, no login ----
  const screenHref = await staff.locator(t('meeting-screen')).getAttribute('href')
  assert.match(screenHref, /^\/screen\/[0-9a-f]+$/)
  screen = await newPage()
  await screen.goto(screenHref)
  await screen.locator(t('screen-title'), { hasText: title }).waitFor()
  await textIs(screen.locator(t('screen-present')), '0')
  await screen.locator(t('screen-quorum'), { hasText: '未达到法定人数' }).waitFor()

  const signinUrl = await text(staff.locator(`${t('meeting-signin-link')} .mono`))
  const token = new URL(signinUrl).searchParams.get('t')
  assert.ok(token)

  // ---- ten deputies on their phones ----
  const roll = await (await staff.request.get(`/api/v1/meetings/${meetingId}/attendance`)).json()
  const members = roll.attendance.members
  assert.ok(members >= 10, 'the session has at least ten members')
  const ids = roll.items.map((p) => p.deputy_id).slice(0, 10)
  for (let i = 0; i < ids.length; i++) {
    const user = 'd' + ids[i]
    let page
    if (i === 0) {
      // from 我的履职 → 我的会议 → the meeting
      page = await phoneLogin(user, '/me')
      await page.locator(t('me-meetings')).click()
      await page.waitForURL('**/my-meetings')
      await page.locator(t('my-meeting'), { hasText: title }).click()
      await page.locator(t('mm-title'), { hasText: title }).waitFor()
      await textIs(page.locator(t('mm-my-status')), '缺席')
      await page.locator(t('mm-sign-in')).click()
    } else if (i === 1) {
      // the QR code on the door: signed in by opening the link
      page = await phoneLogin(user, `/m/signin?t=${token}`)
      await page.waitForURL(`**/my-meetings/${meetingId}`)
    } else {
      page = await phoneLogin(user, `/my-meetings/${meetingId}`)
      await page.locator(t('mm-title'), { hasText: title }).waitFor()
      await page.locator(t('mm-sign-in')).click()
    }
    await textIs(page.locator(t('mm-my-status')), '已签到')
    phones.push({ id: ids[i], page })
    await textIs(screen.locator(t('screen-present')), String(i + 1))
  }
  // the console's counts followed the phones
  await textIs(staff.locator(t('count-present')), '10')

  // ---- staff: one leave, then the others present are checked in until the quorum is met ----
  await staff.locator('#tab-attendance').click()
  await staff.locator(t('member-filter')).getByText('缺席').click()
  const absentRow = staff.locator(`${t('member-table')} .el-table__body-wrapper tr`).first()
  await absentRow.locator(t('member-leave')).click()
  const box = staff.locator('.el-message-box')
  await box.locator('input').fill('因公出差')
  await confirmBox(staff, '登记请假')
  await textIs(staff.locator(t('count-leave')), '1')
  await textIs(screen.locator(t('screen-leave')), '1')
  for (let present = 10; (await text(staff.locator(t('quorum-state')))) !== '达到法定人数'; present++) {
    await absentRow.locator(t('member-sign-in')).click()
    await textIs(staff.locator(t('count-present')), String(present + 1))
  }
  const present = Number(await text(staff.locator(t('count-present'))))
  // the quorum the meeting was created with (the region's meeting.quorum_num/den)
  const q = (await (await staff.request.get(`/api/v1/meetings/${meetingId}`)).json()).meeting
  const settings = await settingsOf(staff, q.region_code)
  assert.deepEqual([q.quorum_num, q.quorum_den], [settings['meeting.quorum_num'], settings['meeting.quorum_den']])
  assert.equal(present * q.quorum_den >= members * q.quorum_num, true)
  // staff signed deputies in one at a time until it was met: one fewer did not meet it
  if (present > ids.length) assert.equal((present - 1) * q.quorum_den >= members * q.quorum_num, false)
  await screen.locator(t('screen-quorum'), { hasText: '达到法定人数' }).filter({ hasNotText: '未达到' }).waitFor()
  await textIs(screen.locator(t('screen-present')), String(present))

  await staff.locator(t('meeting-open')).click()
  await confirmBox(staff, '宣布开会')
  await textIs(staff.locator(t('meeting-detail-state')), '会议进行中')
  await textIs(screen.locator(t('screen-state')), '会议进行中')

  // ---- a vote on the item, by the default rule (more than half of all members) ----
  await staff.locator('#tab-votes').click()
  await staff.locator(t('vote-add')).click()
  const voteTitle = '关于增补民生实事项目的决议'
  await input(staff, 'vote-form-title').fill(voteTitle)
  await staff.locator(t('vote-form-submit')).click()
  const vote = staff.locator(t('vote'), { hasText: voteTitle })
  await textIs(vote.locator(t('vote-state')), '未开始')
  await vote.locator(t('vote-open')).click()
  await confirmBox(staff, '开始表决')
  await textIs(vote.locator(t('vote-state')), '进行中')
  await screen.locator(t('screen-vote-title'), { hasText: voteTitle }).waitFor()
  await textIs(screen.locator(t('screen-cast')), '0')

  // the deputies vote on their phones; the projector counts them
  const choices = ['for', 'for', 'for', 'for', 'for', 'for', 'for', 'for', 'against', 'abstain']
  for (let i = 0; i < phones.length; i++) {
    const page = phones[i].page
    await page.locator(t('mm-vote-title'), { hasText: voteTitle }).waitFor()
    await page.locator(t('mm-cast-' + choices[i])).click()
    await page.locator('.van-dialog__confirm').click()
    await page.locator(t('mm-voted')).waitFor()
    await textIs(screen.locator(t('screen-cast')), String(i + 1))
  }
  // while the vote is open nobody sees how others voted
  assert.equal(await screen.locator(t('screen-for')).count(), 0)
  await textIs(vote.locator(t('vote-cast')), '10')

  // ---- staff close the vote: the rule that decided it is shown everywhere ----
  await vote.locator(t('vote-close')).click()
  await confirmBox(staff, '结束表决')
  await textIs(vote.locator(t('vote-state')), '已结束')
  const needed = Math.floor(members / 2) + 1
  const rule = `赞成 8 票，未超过全体组成人员 ${members} 人的半数（至少 ${needed} 票），未通过`
  await textIs(vote.locator(t('vote-rule')), rule)
  await textIs(vote.locator(t('vote-passed')), '未通过')

  await textIs(screen.locator(t('screen-rule')), rule)
  await textIs(screen.locator(t('screen-for')), '8')
  await textIs(screen.locator(t('screen-against')), '1')
  await textIs(screen.locator(t('screen-abstain')), '1')
  await textIs(screen.locator(t('screen-passed')), '未通过')
  for (const { page } of phones) {
    await textIs(page.locator(`${t('mm-vote-result')} ${t('mm-vote-rule')}`).first(), rule)
  }
})

test('a secret ballot with more "for" marks than seats is stopped on the phone; tellers who disagree are told so', async () => {
  assert.ok(meetingId && phones.length, 'the first test ran')
  await staff.locator('#tab-elections').click()
  await staff.locator(t('election-add')).click()
  await input(staff, 'election-form-office').fill('副镇长')
  await staff.locator(t('election-form-submit')).click()
  const election = staff.locator(t('election'), { hasText: '副镇长' })
  const meeting = (await (await staff.request.get(`/api/v1/meetings/${meetingId}`)).json()).meeting
  const viceMin = 1 + (await settingsOf(staff, meeting.region_code))['election.vice_extra_min']
  assert.equal(viceMin, 2, 'two candidates for one vice post are a contested vote in this region')
  for (const name of ['王志远', '李春梅']) {
    await election.locator(t('candidate-add')).click()
    await input(staff, 'candidate-form-name').fill(name)
    await staff.locator(t('candidate-form-submit')).click()
    await election.locator(t('candidate-name'), { hasText: name }).waitFor()
    if (name === '王志远') {
      // one candidate for one vice post: not contested, the round cannot open
      await election.locator(t('candidate-check'), { hasText: `至少需要 ${viceMin} 名候选人` }).waitFor()
      assert.equal(await election.locator(t('round-open')).isDisabled(), true)
    }
  }
  await election.locator(t('round-open')).click()
  await confirmBox(staff, '确定')
  await textIs(election.locator(t('round-state')), '进行中')

  // the projector at 1920×1080: the election running now replaces the previous vote's result,
  // and its panel is on screen without scrolling
  await screen.setViewportSize({ width: 1920, height: 1080 })
  await screen.locator(t('screen-round-title'), { hasText: '副镇长' }).waitFor()
  assert.equal(await screen.locator(t('screen-vote')).count(), 0, 'the closed vote is no longer shown')
  const box = await screen.locator(t('screen-round')).boundingBox()
  assert.ok(box && box.y >= 0 && box.y + box.height <= 1080, `the election panel within the screen: ${JSON.stringify(box)}`)
  assert.ok(await screen.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight + 1), 'nothing below the fold')

  const page = phones[0].page
  const ballot = page.locator(t('mm-ballot'))
  await ballot.waitFor()
  const cands = ballot.locator(t('mm-candidate'))
  await cands.nth(0).locator(t('mm-mark-for')).click()
  await cands.nth(1).locator(t('mm-mark-for')).click()
  await ballot.locator(t('mm-ballot-submit')).click()
  await ballot.locator(t('mm-ballot-error'), { hasText: '多于应选数的选票无效' }).waitFor()
  await page.locator('.van-dialog', { hasText: '赞成票多于应选人数' }).waitFor()
  await page.locator('.van-dialog__confirm').click()
  // nothing was sent
  const r = await (await staff.request.get(`/api/v1/meetings/${meetingId}`)).json()
  assert.equal(r.meeting.elections.at(-1).rounds[0].returned, 0)

  await cands.nth(1).locator(t('mm-mark-against')).click()
  await ballot.locator(t('mm-ballot-submit')).click()
  await page.locator('.van-dialog__confirm').click()
  await ballot.locator(t('mm-ballot-done')).waitFor()

  // two tellers enter the paper ballots; different counts are refused with the difference
  const cand0 = r.meeting.elections.at(-1).rounds[0].candidates[0].id
  async function teller(page, forVotes, againstVotes) {
    const el = page.locator(t('election'), { hasText: '副镇长' })
    await el.locator(t('round-paper')).click()
    const dlg = page.locator(t('paper-dialog'))
    await dlg.locator(`${t('paper-returned')} input`).fill('1')
    await dlg.locator(`${t('paper-for-' + cand0)} input`).fill(String(forVotes))
    await dlg.locator(`${t('paper-against-' + cand0)} input`).fill(String(againstVotes))
    await dlg.locator(t('paper-submit')).click()
    return dlg
  }
  await teller(staff, 1, 0)
  await staff.locator('.el-message', { hasText: '等待另一名计票人' }).first().waitFor()
  const county = await newPage()
  await login(county, 'county')
  await county.goto(`/meetings/${meetingId}`)
  await county.locator('#tab-elections').click()
  const dlg = await teller(county, 0, 1)
  await dlg.locator(t('paper-disagree'), { hasText: '两名计票人录入的票数不一致' }).waitFor()
  await county.context().close()
  const after = await (await staff.request.get(`/api/v1/meetings/${meetingId}`)).json()
  assert.equal(after.meeting.elections.at(-1).rounds[0].paper_entered, false)

  await election.locator(t('round-count')).click()
  await confirmBox(staff, '确定')
  await textIs(election.locator(t('round-state')), '已计票')
  await election.locator(t('round-result'), { hasText: '应到' }).waitFor()
  await page.locator(t('mm-round-result'), { hasText: '副镇长' }).waitFor()
})

test("the candidate-count and joint-nomination hints follow the region's settings", async () => {
  assert.ok(meetingId && staff, 'the first test ran')
  const region = (await (await staff.request.get(`/api/v1/meetings/${meetingId}`)).json()).meeting.region_code
  const before = await settingsOf(staff, region)
  const extraMin = before['election.vice_extra_min'] + 1
  const nominators = before['election.nominators_min'] + 1
  assert.ok(extraMin < before['election.vice_extra_max'], 'the new minimum keeps a range')
  const county = await newPage()
  await login(county, 'county')
  await putSettings(county, region, { 'election.vice_extra_min': extraMin, 'election.nominators_min': nominators })
  try {
    await staff.reload()
    await staff.locator('#tab-elections').click()
    const office = '副职' + uniq()
    await staff.locator(t('election-add')).click()
    await input(staff, 'election-form-office').fill(office)
    // the rule in the dialog is the region's
    await staff.locator(t('election-form-rule'), { hasText: `多 ${extraMin} 至 ${before['election.vice_extra_max']} 人` }).waitFor()
    await staff.locator(t('election-form-submit')).click()
    const election = staff.locator(t('election'), { hasText: office })
    // n − 1 candidates: refused; n: the round may open
    for (let n = 1; n <= 1 + extraMin; n++) {
      await election.locator(t('candidate-add')).click()
      await input(staff, 'candidate-form-name').fill('候选人' + n)
      await staff.locator(t('candidate-form-submit')).click()
      await election.locator(t('candidate-name'), { hasText: '候选人' + n }).waitFor()
      if (n === extraMin) {
        await election.locator(t('candidate-check'), { hasText: `至少需要 ${1 + extraMin} 名候选人，现有 ${n} 名` }).waitFor()
        assert.equal(await election.locator(t('round-open')).isDisabled(), true)
      }
    }
    await election.locator(t('candidate-check')).waitFor({ state: 'detached' })
    assert.equal(await election.locator(t('round-open')).isDisabled(), false)
    // a joint nomination needs the region's number of deputies
    await election.locator(t('candidate-add')).click()
    await staff.locator(t('candidate-form-by')).getByText('代表联名提名').click()
    await staff.locator(t('candidate-form-nominators-hint'), { hasText: `须有 ${nominators} 名以上代表` }).waitFor()
    await staff.locator(t('candidate-dialog')).getByRole('button', { name: '取消' }).click()
  } finally {
    await putSettings(county, region, {
      'election.vice_extra_min': before['election.vice_extra_min'],
      'election.nominators_min': before['election.nominators_min'],
    })
    await county.context().close()
  }
})

test('the projector keeps the closing totals, and its link stops working once the meeting is closed', async () => {
  assert.ok(meetingId && staff && screen, 'the first test ran')
  const s = await (await staff.request.get('/api/v1/session')).json()
  const res = await staff.request.post(`/api/v1/meetings/${meetingId}/actions`, { data: { action: 'close' }, headers: { 'X-CSRF-Token': s.csrf_token } })
  assert.ok(res.ok(), `close: ${res.status()} ${await res.text()}`)
  // the open screen gets the closing snapshot and stays on it: the last thing done, the
  // election's count after the vote, is what it shows (not the vote before it)
  await textIs(screen.locator(t('screen-state')), '已闭会')
  await screen.locator(t('screen-round-title'), { hasText: '副镇长' }).waitFor()
  await screen.locator(t('screen-round-result'), { hasText: '应到' }).waitFor()
  assert.equal(await screen.locator(t('screen-vote')).count(), 0)
  // a screen opened from now on is told, in Chinese, that the link has ended
  await screen.reload()
  await screen.locator(t('screen-error'), { hasText: '会议已结束，大屏链接已失效' }).waitFor()
  assert.equal(await screen.locator(t('screen-title')).count(), 0)
})
