// Meetings, attendance, votes and elections (docs/api.md "Meetings (会议), attendance, votes and
// elections", DOMAIN §1, §2, §5): names, the rules the server applies (so that a page can say
// why a step is not available yet) and the live events of a meeting.
// The names of the states of meetings, votes and rounds are the server's (src/labels.js).
import { onBeforeUnmount, ref } from 'vue'
import { stateName } from './labels.js'

export const meetingStateName = (s) => stateName('meeting', s)
// When a meeting sits: "2026-01-10 09:00 至 2026-01-12", built as one string (a template's leading
// blank before an interpolation is dropped by the compiler, which ran date and time together).
export function meetingWhen(m) {
  if (!m) return ''
  let s = m.starts_on || ''
  if (m.starts_time) s += ' ' + m.starts_time
  if (m.ends_on && m.ends_on !== m.starts_on) s += ' 至 ' + m.ends_on
  return s
}
// A meeting's full name: its region before the title, unless the title already begins with it
// (松岭镇第十八届人民代表大会… is not 松岭镇松岭镇第十八届…).
export function meetingFullTitle(m) {
  if (!m) return ''
  const region = m.region_name || ''
  const title = m.title || ''
  return region && !title.startsWith(region) ? region + title : title
}
export const voteStateName = (s) => stateName('vote', s)
export const roundStateName = (s) => stateName('round', s)
const STATE_TAG = { signin_open: 'warning', in_session: 'success', closed: 'primary' }
export const meetingStateTag = (s) => STATE_TAG[s] || 'info'

export const ATTEND_STATUS = [
  { value: 'present', label: '已签到', tag: 'success' },
  { value: 'absent', label: '缺席', tag: 'danger' },
  { value: 'leave', label: '请假', tag: 'warning' },
  { value: 'left', label: '已签退', tag: 'info' },
]
export const attendName = (s) => ATTEND_STATUS.find((x) => x.value === s)?.label || s || '—'
export const attendTag = (s) => ATTEND_STATUS.find((x) => x.value === s)?.tag || 'info'
export const VIA = { staff: '工作人员代签', self: '本人签到', qr: '扫码签到' }

export const VOTE_MODES = [
  { value: 'device', label: '电子表决器（代表在手机上表决）' },
  { value: 'tally', label: '举手或纸质表决（计票人录入票数）' },
]
export const voteModeName = (m) => (m === 'tally' ? '举手/纸质表决' : '电子表决')
export const BASES = [
  { value: 'all', label: '全体组成人员' },
  { value: 'present', label: '出席人员' },
  { value: 'cast', label: '投票人数' },
]
export const THRESHOLDS = [
  { value: 'half', label: '过半数' },
  { value: 'two_thirds', label: '三分之二以上' },
]
export const basisName = (b) => BASES.find((x) => x.value === b)?.label || b
export const thresholdName = (t) => THRESHOLDS.find((x) => x.value === t)?.label || t
export const ruleName = (v) => `${basisName(v.basis)}的${thresholdName(v.threshold)}`

export const CHOICES = [
  { value: 'for', label: '赞成' },
  { value: 'against', label: '反对' },
  { value: 'abstain', label: '弃权' },
]
export const choiceName = (c) => CHOICES.find((x) => x.value === c)?.label || c || '—'

export const OFFICE_KINDS = [
  { value: 'chair', label: '主席（人大主席）' },
  { value: 'head', label: '乡镇长' },
  { value: 'vice', label: '副职（副主席、副乡镇长）' },
  { value: 'other', label: '其他职务' },
  { value: 'project', label: '民生实事项目票决' },
]
export const officeKindName = (k) => OFFICE_KINDS.find((x) => x.value === k)?.label || k
export const ROUND_KINDS = { regular: '正式选举', preliminary: '预选', runoff: '再次投票', further: '另行选举' }
export const CAND_STATUS = {
  elected: { label: '当选', tag: 'success' },
  not_elected: { label: '未当选', tag: 'info' },
  tie: { label: '票数相等', tag: 'warning' },
  advanced: { label: '进入正式选举', tag: 'primary' },
}

// The candidate-count rule of an election, from the jurisdiction settings `s` (useSettings().of):
// the candidates are the seats plus extraMin … extraMax (null: no upper bound), and for livelihood
// projects at least ratioPct % of the seats, as the server applies it (src/election.c
// candidate_rule); an unknown kind takes the rule of other offices. null while `s` is not known.
const RULE_KEYS = {
  chair: ['election.head_extra_min', 'election.head_extra_max', null],
  head: ['election.head_extra_min', 'election.head_extra_max', null],
  vice: ['election.vice_extra_min', 'election.vice_extra_max', null],
  project: ['election.project_extra_min', null, 'project.candidate_ratio_pct'],
  other: ['election.other_extra_min', null, null],
}
export function candidateRule(kind, s) {
  const [kmin, kmax, kratio] = RULE_KEYS[kind] || RULE_KEYS.other
  if (!s || [kmin, kmax, kratio].some((k) => k && !Number.isFinite(s[k]))) return null
  const extraMin = s[kmin]
  return { extraMin, extraMax: kmax ? Math.max(s[kmax], extraMin) : null, ratioPct: kratio ? s[kratio] : 0 }
}

// The smallest and largest candidate count (max null: no bound) for `seats` under `rule`.
export function candidateRange(rule, seats) {
  let min = seats + rule.extraMin
  if (rule.ratioPct > 0) min = Math.max(min, Math.ceil((seats * rule.ratioPct) / 100))
  return { min, max: rule.extraMax === null ? null : seats + rule.extraMax }
}

// "候选人数……" in words, with the jurisdiction's numbers.
function countPhrase({ extraMin: lo, extraMax: hi }) {
  if (hi === null) return lo ? `应比应选人数至少多 ${lo} 人` : '不得少于应选人数'
  if (hi === lo) return lo ? `应比应选人数多 ${lo} 人` : '应等于应选人数'
  if (!lo) return `可以等于应选人数，或比应选人数多出不超过 ${hi} 人`
  return `应比应选人数多 ${lo} 至 ${hi} 人`
}

// The rule of an office kind in words, without the preliminary vote.
function ruleHead(kind, rule) {
  switch (kind) {
    case 'chair':
    case 'head':
      return `${kind === 'chair' ? '人大主席' : '乡镇长'}的候选人数${countPhrase(rule)}`
    case 'vice':
      return `副职${rule.extraMin > 0 ? '实行差额选举' : '选举'}：候选人数${countPhrase(rule)}`
    case 'project':
      return `民生实事候选项目数应比票决项目数至少多 ${rule.extraMin} 个，且不少于票决项目数的 ${rule.ratioPct}%`
    default:
      return `候选人数${countPhrase(rule)}`
  }
}

// The rule of an office kind as a sentence for the page ('' while the settings are not known).
export function candidateRuleText(kind, rule, seats) {
  if (!rule) return ''
  if (kind === 'project') return `${ruleHead(kind, rule)}；每张选票至多选 ${seats} 项。`
  return `${ruleHead(kind, rule)}${rule.extraMax === null ? '' : '；多于此数的先进行预选'}。`
}

// The candidate count the server checks when a round opens (docs/api.md), or null when it fits:
// { text, blocks } where `blocks` is true when the round cannot open (too few) and false when it
// opens as a preliminary vote (too many). A runoff is among the tied, whom the server chose.
export function candidateProblem(kind, seats, n, rule, roundKind = 'regular') {
  seats = Number(seats) || 0
  const [unit, what] = kind === 'project' ? ['项', '候选项目'] : ['名', '候选人']
  if (!n) return { text: `尚无${what}`, blocks: true }
  if (!rule || roundKind === 'runoff') return null
  const { min, max } = candidateRange(rule, seats)
  if (n < min)
    return { text: `${ruleHead(kind, rule)}（应选 ${seats} ${unit}，至少需要 ${min} ${unit}${what}，现有 ${n} ${unit}）`, blocks: true }
  if (max !== null && n > max && roundKind !== 'preliminary')
    return { text: `候选人多于 ${max} 名（应选 ${seats} 名，现有 ${n} 名），将先进行预选`, blocks: false }
  return null
}

// Why a vote (or a ballot round) cannot open now, or ''.
export function openBlocker(meeting, att) {
  if (!meeting) return ''
  if (meeting.state !== 'in_session') return '会议尚未宣布开会，不能开始表决'
  if (att && !att.quorum_met) return `出席人数未达法定人数（应到 ${att.members} 人，实到 ${att.present} 人，需 ${att.quorum_needed} 人）`
  return ''
}

// The `state` events of a meeting (text/event-stream), reconnecting after an error with a growing
// delay. `connected` is false while the stream is down.
export function useMeetingEvents(url, onState) {
  const connected = ref(false)
  let es = null
  let timer = null
  let delay = 1000
  let stopped = false
  function open() {
    if (stopped) return
    const u = typeof url === 'function' ? url() : url
    if (!u) return
    es = new EventSource(u, { withCredentials: true })
    es.addEventListener('state', (ev) => {
      connected.value = true
      delay = 1000
      let data
      try {
        data = JSON.parse(ev.data)
      } catch {
        return
      }
      onState(data)
    })
    es.onopen = () => {
      connected.value = true
    }
    es.onerror = () => {
      connected.value = false
      // The browser retries by itself while the stream is CONNECTING; a closed stream (an error
      // answer, a server restart) is opened again here.
      if (es && es.readyState === EventSource.CLOSED) {
        es.close()
        es = null
        clearTimeout(timer)
        timer = setTimeout(open, delay)
        delay = Math.min(delay * 2, 15000)
      }
    }
  }
  function close() {
    stopped = true
    clearTimeout(timer)
    es?.close()
    es = null
  }
  function start() {
    stopped = false
    close()
    stopped = false
    open()
  }
  onBeforeUnmount(close)
  return { connected, start, close }
}

// Calls fn at most once per `ms`, the last call always running.
export function throttle(fn, ms = 300) {
  let t = null
  let again = false
  return () => {
    if (t) {
      again = true
      return
    }
    fn()
    t = setTimeout(function tick() {
      t = null
      if (again) {
        again = false
        fn()
        t = setTimeout(tick, ms)
      }
    }, ms)
  }
}
