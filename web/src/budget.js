// The township budget's pages (docs/api.md "Township budgets"): amounts come in fen (integers).
export const KINDS = [
  { value: 'budget', label: '预算' },
  { value: 'adjustment', label: '预算调整方案' },
  { value: 'final', label: '决算' },
]
export const STATE_TAG = { draft: 'info', review: 'warning', approved: 'success' }
export const WARNING_TAG = { low: 'warning', high: 'danger', adjust: 'danger', key_unspent: 'danger' }

// 123456 fen → "1,234.56" (yuan)
export function yuan(fen) {
  if (fen === null || fen === undefined) return '—'
  const neg = fen < 0
  const a = Math.abs(fen)
  const int = Math.floor(a / 100).toLocaleString('en-US')
  return (neg ? '-' : '') + int + '.' + String(a % 100).padStart(2, '0')
}
// fen → 万元 with two decimals
export const wan = (fen) => (fen === null || fen === undefined ? '—' : (fen / 1000000).toFixed(2))
// spent against planned, as a percentage with one decimal ("—" without a plan)
export function pct(spent, plan) {
  if (spent === null || spent === undefined || !plan) return '—'
  return ((spent * 100) / plan).toFixed(1) + '%'
}
// A warning in words: 第2季度末执行 3,999.99 元，序时计划 5,000.00 元
export function warningText(w) {
  if (w.kind === 'adjust') return `由 ${yuan(w.plan_fen)} 元调整为 ${yuan(w.actual_fen)} 元`
  const due = Math.round((w.plan_fen * w.quarter) / 4)
  return `第${w.quarter}季度末累计执行 ${yuan(w.actual_fen)} 元，序时计划 ${yuan(due)} 元（${pct(w.actual_fen, due)}）`
}
