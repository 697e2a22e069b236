// Citizens' opinions (docs/api.md "Citizens' opinions", DOMAIN §3): the state machine the server
// enforces (so that a page offers only the steps it would accept), the states' colours, and photo
// resizing. The names of states and steps are the server's (src/labels.js).
import { api } from './api.js'
import { actionName, stateName } from './labels.js'
import { chaseNear } from './chase.js'

export const opinionStateName = (s) => stateName('opinion', s)
export const opinionActionName = (a) => actionName('opinion', a)
const STATE_TAG = {
  received: 'primary',
  classified: 'primary',
  assigned: 'warning',
  accepted: 'warning',
  returned: 'danger',
  replied: 'success',
  escalated: 'warning',
}
export const opinionStateTag = (s) => STATE_TAG[s] || 'info'
export const OPEN_STATES = ['received', 'classified', 'escalated', 'assigned', 'accepted', 'returned', 'replied']

export const CHANNELS = [
  { value: 'reception', label: '接待' },
  { value: 'visit', label: '走访' },
  { value: 'phone', label: '电话' },
  { value: 'letter', label: '来信' },
  { value: 'qr', label: '扫码' },
  { value: 'web', label: '网上' },
]
export const REGISTER_CHANNELS = CHANNELS.slice(0, 4)
export const channelName = (c) => CHANNELS.find((x) => x.value === c)?.label || c || '—'

export const RATINGS = [
  { value: 'satisfied', label: '满意', tag: 'success' },
  { value: 'basically', label: '基本满意', tag: 'primary' },
  { value: 'unsatisfied', label: '不满意', tag: 'danger' },
]
export const ratingName = (r) => RATINGS.find((x) => x.value === r)?.label || r || '—'
export const ratingTag = (r) => RATINGS.find((x) => x.value === r)?.tag || 'info'

export const DUE = {
  warn: { label: '即将到期', tag: 'warning' },
  overdue: { label: '已逾期', tag: 'danger' },
}

export const EXTENSION_STATUS = {
  pending: { label: '待审批', tag: 'warning' },
  approved: { label: '已同意', tag: 'success' },
  refused: { label: '未同意', tag: 'info' },
}

// The server's transitions (src/opinion.c): state → the actions taken from it.
const TRANSITIONS = {
  received: ['classify', 'assign', 'answer_on_spot', 'not_accept', 'merge', 'convert', 'escalate'],
  classified: ['assign', 'answer_on_spot', 'not_accept', 'merge', 'convert', 'escalate'],
  escalated: ['assign', 'escalation_return'], // the county's, which it went up to
  assigned: ['accept', 'return'],
  accepted: ['reply'],
  returned: ['assign', 'not_accept', 'answer_on_spot', 'escalate'],
  replied: ['close'], // the citizen's rating moves it on too
}
export const MANAGE_ROLES = ['city_staff', 'county_staff', 'unit_staff']
export const INTAKE_ROLES = ['city_staff', 'county_staff', 'unit_staff', 'station_staff', 'deputy']
const HANDLER_ACTIONS = ['accept', 'return', 'reply']

// Escalation (转交上级, docs/api.md "Escalation"): a township's or street's staff send an item up
// once; on an escalated item only the staff of the county it went to act. The server decides;
// these spare the buttons it would refuse. Shared by opinions and suggestions.
export const canEscalate = (item, user) => user?.role === 'unit_staff' && !item.escalated_to
export const decidesEscalated = (item, user) =>
  MANAGE_ROLES.includes(user?.role) && !!item.escalated_to && user.region_code === item.escalated_to

// The steps this user may take on this opinion now, in the order the buttons show; nearDays is
// chase.near_days of the opinion's region (unknown: no 催办).
export function allowedActions(op, user, nearDays) {
  if (!op || !user) return []
  const role = user.role
  const out = []
  for (const a of TRANSITIONS[op.state] || []) {
    if (op.state === 'escalated') {
      if (decidesEscalated(op, user)) out.push(a)
    } else if (a === 'escalate') {
      if (canEscalate(op, user)) out.push(a)
    } else if (HANDLER_ACTIONS.includes(a)) {
      if (role === 'handler' && op.handler_id === user.handler_id) out.push(a)
    } else if (a === 'answer_on_spot') {
      if (INTAKE_ROLES.includes(role)) out.push(a)
    } else if (MANAGE_ROLES.includes(role)) {
      out.push(a)
    }
  }
  // 催办: staff remind the unit of work in hand near or past its deadline (chase.near_days)
  if (MANAGE_ROLES.includes(role) && ['assigned', 'accepted'].includes(op.state) && chaseNear(op, nearDays)) out.push('chase')
  const pending = (op.extensions || []).some((x) => x.status === 'pending')
  if (role === 'handler' && op.handler_id === user.handler_id && ['assigned', 'accepted'].includes(op.state) && !pending) {
    out.push('extension')
  }
  return out
}

let categories = null
// The opinion categories (public list; the same for staff).
export async function fetchCategories() {
  if (!categories) {
    categories = api
      .get('/public/categories', null, { auth: false })
      .then((d) => d.items || [])
      .catch((e) => {
        categories = null
        throw e
      })
  }
  return categories
}

// ---- photos ----
export const PHOTO_MAX = 3
export const PHOTO_MAX_SIDE = 1600
const PHOTO_MAX_BASE64 = Math.floor((2 * 1024 * 1024) / 3) * 4 // the server's 2 MB per photo

function readAsDataURL(file) {
  return new Promise((ok, fail) => {
    const r = new FileReader()
    r.onload = () => ok(r.result)
    r.onerror = () => fail(r.error)
    r.readAsDataURL(file)
  })
}

// Decodes an image file. createImageBitmap needs no URL; the fallback loads a data: URL (the
// server's Content-Security-Policy allows data: images but not blob:).
async function decode(file) {
  if (typeof createImageBitmap === 'function') {
    try {
      return await createImageBitmap(file, { imageOrientation: 'from-image' })
    } catch {
      /* fall back to an <img> */
    }
  }
  const url = await readAsDataURL(file)
  return new Promise((ok, fail) => {
    const img = new Image()
    img.onload = () => ok(img)
    img.onerror = () => fail(new Error('无法读取该图片'))
    img.src = url
  })
}

// Resizes a photo in the browser to at most PHOTO_MAX_SIDE pixels on its longer side and encodes
// it as JPEG. Resolves to {dataUrl, base64} (base64 without the "data:" prefix, as the API takes).
export async function resizePhoto(file) {
  const img = await decode(file)
  const w0 = img.width || img.naturalWidth
  const h0 = img.height || img.naturalHeight
  if (!w0 || !h0) throw new Error('无法读取该图片')
  const scale = Math.min(1, PHOTO_MAX_SIDE / Math.max(w0, h0))
  const w = Math.max(1, Math.round(w0 * scale))
  const h = Math.max(1, Math.round(h0 * scale))
  const canvas = document.createElement('canvas')
  canvas.width = w
  canvas.height = h
  const ctx = canvas.getContext('2d')
  ctx.fillStyle = '#fff' // transparent PNG areas become white, not black
  ctx.fillRect(0, 0, w, h)
  ctx.drawImage(img, 0, 0, w, h)
  if (typeof img.close === 'function') img.close()
  let quality = 0.85
  let dataUrl = canvas.toDataURL('image/jpeg', quality)
  while (dataUrl.length - dataUrl.indexOf(',') - 1 > PHOTO_MAX_BASE64 && quality > 0.4) {
    quality -= 0.15
    dataUrl = canvas.toDataURL('image/jpeg', quality)
  }
  const base64 = dataUrl.slice(dataUrl.indexOf(',') + 1)
  if (base64.length > PHOTO_MAX_BASE64) throw new Error('照片过大，请换一张')
  return { dataUrl, base64, width: w, height: h }
}

// Copies text to the clipboard (the async API where allowed, else a hidden textarea).
export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text)
      return true
    }
  } catch {
    /* fall through */
  }
  const ta = document.createElement('textarea')
  ta.value = text
  ta.setAttribute('readonly', '')
  ta.style.position = 'fixed'
  ta.style.opacity = '0'
  document.body.appendChild(ta)
  ta.select()
  let ok = false
  try {
    ok = document.execCommand('copy')
  } catch {
    ok = false
  }
  ta.remove()
  return ok
}

// The link a citizen keeps to follow the opinion without a phone number.
export function secretLink(code, secret) {
  return `${location.origin}/t/${encodeURIComponent(code)}?secret=${encodeURIComponent(secret)}`
}
