// 催办 from the staff's lists (docs/api.md "Chasing"): offered for work in hand at most
// chase.near_days working days before its deadline, or past it, the server's rule (src/chase.c).
// The number is the setting of each item's region as the server reads it (useSettings), never a
// copy written here; the working days left are the server's (`workdays_left`, its holiday calendar).
import { ElMessage, ElMessageBox } from 'element-plus'
import { api, showError } from './api.js'
import { useSettings } from './settings.js'

// The rule itself: work in hand with at most `near` working days left, or past its deadline.
export const chaseNear = (item, near) =>
  typeof near === 'number' && typeof item?.workdays_left === 'number' && item.workdays_left <= near

export function useChase() {
  const settings = useSettings()
  // reads the settings of the regions of the items shown (once per region for the page's life)
  const loadFor = (items) =>
    Promise.all([...new Set((items || []).map((x) => x.region_code).filter(Boolean))].map((r) => settings.load(r)))
  const nearDays = (item) => settings.get(item.region_code, 'chase.near_days')
  const canChase = (item) => chaseNear(item, nearDays(item))
  return { loadFor, nearDays, canChase }
}

// Asks for the message and sends the chase of an opinion or a suggestion; true when sent.
export async function chaseItem(kind, item) {
  const code = kind === 'opinion' ? item.tracking_code : item.code
  let value
  try {
    ;({ value } = await ElMessageBox.prompt(`催办 ${code}（办理期限 ${item.deadline}），将通知承办单位并记入办理过程。`, '催办', {
      inputType: 'textarea',
      inputPlaceholder: '如：该件即将到期，请抓紧办理并按期答复',
      inputValidator: (v) => [...(v || '').trim()].length >= 2 || '请填写催办内容（至少2个字）',
      confirmButtonText: '发送催办',
      cancelButtonText: '取消',
    }))
  } catch {
    return false
  }
  try {
    await api.post(`/${kind}s/${item.id}/actions`, { action: 'chase', message: value.trim() })
    ElMessage.success(`已催办 ${code}`)
    return true
  } catch (e) {
    showError(e)
    return false
  }
}
