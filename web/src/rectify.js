// 整改 (docs/api.md "Rectification"): the names come from the server (labels.rectify); the
// colours and which steps a role is offered stay here.
import { labels } from './labels.js'

export const RECTIFY_TAG = { todo: 'info', in_progress: 'primary', claimed: 'warning', verified: 'success' }
export const rectifyStateName = (s) => labels.rectify?.states?.[s] || s || '—'
export const rectifyStateOptions = () =>
  Object.entries(labels.rectify?.states || {}).map(([value, label]) => ({ value, label }))
export const DUE_TAG = { overdue: ['danger', '已逾期'], warn: ['warning', '即将到期'] }

// The steps a role may take on a problem in its state: the unit's own, the staff's.
export function rectifySteps(role, p) {
  if (!p) return []
  if (role === 'handler')
    return [
      p.state === 'todo' && 'start',
      ['todo', 'in_progress'].includes(p.state) && 'claim',
    ].filter(Boolean)
  return [
    p.state === 'claimed' && 'verify',
    ['claimed', 'verified'].includes(p.state) && 'reopen',
    ['todo', 'in_progress'].includes(p.state) && p.due && 'chase',
  ].filter(Boolean)
}
export const rectifyActionName = (a) => labels.rectify?.actions?.[a] || a

// A file chosen in the browser as {name, data (base64)} for the API.
export function fileToBase64(file) {
  return new Promise((ok, fail) => {
    const r = new FileReader()
    r.onload = () => ok({ name: file.name, data: String(r.result).replace(/^data:[^,]*,/, '') })
    r.onerror = () => fail(new Error('读取文件失败'))
    r.readAsDataURL(file)
  })
}
