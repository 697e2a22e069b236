// Deputies' suggestions (代表建议) and motions (议案) (docs/api.md "Deputies' suggestions", DOMAIN §1.6, §4):
// the steps each state allows (so that a page offers only what the server would accept), the
// colours of states, and reading a file as base64 for the API. The names of states and steps are
// the server's (src/labels.js); suggestions and motions share one machine.
import { actionName, stateName } from './labels.js'
import { canEscalate, decidesEscalated } from './opinions.js'
import { chaseNear } from './chase.js'

export const suggestionStateName = (s) => stateName('suggestion', s)
export const suggestionActionName = (a) => actionName('suggestion', a)
const STATE_TAG = {
  submitted: 'primary',
  accepted: 'primary',
  assigned: 'warning',
  replied: 'success',
  solving: 'warning',
  returned: 'danger',
  on_agenda: 'success',
  escalated: 'warning',
}
export const suggestionStateTag = (s) => STATE_TAG[s] || 'info'

export const KINDS = { suggestion: '建议', motion: '议案' }
// The API path of a kind: /suggestions or /motions.
export const kindPath = (kind) => (kind === 'motion' ? '/motions' : '/suggestions')

export const GRADES = [
  { value: 'A', label: 'A 类', desc: '所提问题已经解决或基本解决', tag: 'success' },
  { value: 'B', label: 'B 类', desc: '所提问题正在解决或列入计划逐步解决', tag: 'primary' },
  { value: 'C', label: 'C 类', desc: '所提问题因条件限制或其他原因需要以后解决', tag: 'warning' },
  { value: 'D', label: 'D 类', desc: '所提问题因法律法规、政策或条件限制无法解决，作出解释说明', tag: 'info' },
]
export const gradeTag = (g) => GRADES.find((x) => x.value === g)?.tag || 'info'

export const RATINGS = [
  { value: 'satisfied', label: '满意', tag: 'success' },
  { value: 'basically', label: '基本满意', tag: 'primary' },
  { value: 'unsatisfied', label: '不满意', tag: 'danger' },
]
export const ratingName = (r) => RATINGS.find((x) => x.value === r)?.label || r || '—'
export const ratingTag = (r) => RATINGS.find((x) => x.value === r)?.tag || 'info'

export const SIGNER_STATUS = {
  invited: { label: '待确认', tag: 'warning' },
  accepted: { label: '已联名', tag: 'success' },
  declined: { label: '已谢绝', tag: 'info' },
  lapsed: { label: '已失效', tag: 'info' },
}
export const HANDLER_STATUS = {
  assigned: { label: '办理中', tag: 'warning' },
  returned: { label: '已退回', tag: 'danger' },
  answered: { label: '已答复', tag: 'success' },
  removed: { label: '已撤销', tag: 'info' },
}

// The meeting a suggestion was raised at and when: 大会期间 or 闭会期间 follows during_session,
// whether or not a meeting is named.
export function sessionText(s) {
  if (!s) return ''
  const when = s.during_session ? '大会期间' : '闭会期间'
  return s.session_label ? `${s.session_label}（${when}）` : when
}

export const DUE = {
  warn: { label: '即将到期', tag: 'warning' },
  overdue: { label: '已超期', tag: 'danger' },
}

export const MANAGE_ROLES = ['city_staff', 'county_staff', 'unit_staff']

// The staff's steps for an item (me.staff), by state and kind; an escalated one is its county's.
// nearDays is chase.near_days of the item's region (unknown: no 催办).
export function staffActions(s, user, nearDays) {
  if (!s || !s.me?.staff) return []
  if (s.state === 'escalated') return decidesEscalated(s, user) ? ['assign', 'escalation_return'] : []
  const out = []
  const st = s.state
  if (s.kind === 'motion') {
    if (st === 'submitted') out.push('agenda', 'reject', 'to_suggestion')
  } else {
    if (st === 'submitted') out.push('accept', 'return', 'refer')
    if (st === 'accepted') out.push('assign', 'refer')
    if (st === 'accepted' && canEscalate(s, user)) out.push('escalate')
    if (['replied', 'solving'].includes(st)) out.push('close')
  }
  if (['accepted', 'assigned', 'replied', 'solving'].includes(st)) out.push('supervise', 'progress')
  // 催办: the units in hand, near or past the deadline (chase.near_days)
  if (st === 'assigned' && chaseNear(s, nearDays)) out.push('chase')
  if (['replied', 'solving', 'closed'].includes(st)) out.push('publish')
  return out
}

// A handling unit's steps (me.handler_role) on an item assigned to it.
export function handlerActions(s, user) {
  if (!s || !s.me?.handler_role || user?.role !== 'handler') return []
  const mine = (s.handlers || []).find((h) => h.handler_id === user.handler_id && h.status !== 'removed')
  const out = []
  if (s.state === 'assigned' && mine && mine.status === 'assigned') {
    if (s.me.handler_role === 'lead') out.push('reply')
    else out.push('view')
    out.push('handler_return')
  }
  if (s.me.handler_role === 'lead' && ['assigned', 'replied', 'solving'].includes(s.state)) out.push('progress')
  if (s.me.handler_role === 'lead' && ['replied', 'solving', 'closed'].includes(s.state)) out.push('publish')
  return out
}

// The latest reply and whether the signer `deputyId` has rated it.
export function latestReply(s) {
  const r = s?.replies || []
  return r.length ? r[r.length - 1] : null
}
export function hasRated(s, deputyId) {
  const r = latestReply(s)
  return !!r && (s.ratings || []).some((x) => x.reply_id === r.id && x.deputy_id === deputyId)
}

// A File as base64 (without the data: prefix), as the API takes attachments.
export function fileBase64(file) {
  return new Promise((ok, fail) => {
    const r = new FileReader()
    r.onload = () => {
      const s = String(r.result)
      ok(s.slice(s.indexOf(',') + 1))
    }
    r.onerror = () => fail(r.error)
    r.readAsDataURL(file)
  })
}
export const FILE_MAX = 5 * 1024 * 1024
export const fmtSize = (n) => (n >= 1048576 ? (n / 1048576).toFixed(1) + ' MB' : Math.max(1, Math.round(n / 1024)) + ' KB')
