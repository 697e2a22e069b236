// 打印: the documents an office prints from an opinion's or a suggestion's page, laid out for A4
// by the browser's print (PrintView.vue, its @media print rules): 交办单 (the assignment slip to
// the handling unit), 答复函 (the reply letter), 催办通知 (the chase notice, from the item's
// deadline and handling unit).
export const PRINT_DOCS = {
  assign: '交办单',
  reply: '答复函',
  chase: '催办通知',
  opinion: '审议意见书',
  rating: '满意度测评结果',
  notice: '整改通知书',
}

// Which documents an item can be printed as now: a slip once assigned, a letter once replied,
// a chase while it is being handled with a deadline.
export function printDocs(kind, x) {
  if (!x) return []
  // a supervision item: its deliberation opinion once sent, its rating's result once recorded
  if (kind === 'supervision') return [...((x.opinions || []).length ? ['opinion'] : []), ...(x.rating_text ? ['rating'] : [])]
  const out = []
  const handler = kind === 'opinion' ? x.handler_name : leadOf(x)?.name
  if (handler) out.push('assign')
  if (kind === 'opinion' ? x.reply : (x.replies || []).length) out.push('reply')
  const open = kind === 'opinion' ? ['assigned', 'accepted'].includes(x.state) : ['assigned', 'solving'].includes(x.state)
  if (open && handler && x.deadline) out.push('chase')
  return out
}

// The lead handling unit of a suggestion (its latest assignment that is not removed).
export function leadOf(s) {
  const hs = (s?.handlers || []).filter((h) => h.role === 'lead' && h.status !== 'removed')
  return hs[hs.length - 1] || null
}

// "2026-12-07" → "2026年12月7日"
export function cnDate(s) {
  if (!s) return '　　年　月　日'
  const [y, m, d] = String(s).slice(0, 10).split('-').map(Number)
  return `${y}年${m}月${d}日`
}
