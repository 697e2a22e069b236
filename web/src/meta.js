// Names and rules shared by the pages (docs/api.md, docs/DOMAIN vocabulary). The names of roles,
// states and actions come from the server: src/labels.js.

// Who may open which page (mirrors the API's role rules).
export const PAGE_ROLES = {
  regions: ['sysadmin', 'secadmin', 'city_staff', 'county_staff', 'unit_staff', 'station_staff', 'deputy', 'handler'],
  handlers: ['sysadmin', 'city_staff', 'county_staff', 'unit_staff'],
  accounts: ['secadmin'],
  tokens: ['secadmin'],
  audit: ['auditor'],
}

export const LEVELS = {
  city: '市',
  county: '县(市)',
  district: '区',
  township: '乡镇',
  street: '街道',
  devzone: '开发区',
}
export const levelName = (l) => LEVELS[l] || l
export const LEVEL_TAG = {
  city: 'danger',
  county: 'primary',
  district: 'primary',
  devzone: 'warning',
  township: 'success',
  street: 'success',
}

// Which levels may be created under a parent of the given level.
export const CHILD_LEVELS = {
  city: ['county', 'district', 'devzone'],
  county: ['township', 'street'],
  district: ['street', 'township'],
  devzone: ['street', 'township'],
  township: [],
  street: [],
}
export const codeLength = (level) => (level === 'township' || level === 'street' ? 9 : 6)

export const UNIT_KINDS = [
  { value: 'standing_committee', label: '人大常委会' },
  { value: 'presidium', label: '乡镇人大主席团' },
  { value: 'street_committee', label: '街道人大工委' },
  { value: 'devzone_office', label: '开发区人大工作机构' },
]
export const unitKindName = (k) => UNIT_KINDS.find((x) => x.value === k)?.label || k
export const DEFAULT_UNIT_KIND = {
  city: 'standing_committee',
  county: 'standing_committee',
  district: 'standing_committee',
  township: 'presidium',
  street: 'street_committee',
  devzone: 'devzone_office',
}

export const USERNAME_RE = /^[a-z][a-z0-9_.-]{2,31}$/
export const USERNAME_MSG = '用户名为 3–32 位小写字母、数字或 _ . -，且以字母开头'
export const PASSWORD_POLICY = '密码至少8位，并包含小写字母、大写字母、数字、符号中的至少三类'

export function passwordOk(p) {
  if (!p || p.length < 8) return false
  let classes = 0
  if (/[a-z]/.test(p)) classes++
  if (/[A-Z]/.test(p)) classes++
  if (/[0-9]/.test(p)) classes++
  if (/[^a-zA-Z0-9]/.test(p)) classes++
  return classes >= 3
}

// Element Plus form rule for a new password.
export const passwordRule = {
  validator: (_rule, value, cb) => (passwordOk(value) ? cb() : cb(new Error(PASSWORD_POLICY))),
  trigger: 'blur',
}

export const PHONE_RE = /^[0-9+\-() ]{5,20}$/
export const phoneRule = {
  validator: (_rule, value, cb) =>
    !value || PHONE_RE.test(value) ? cb() : cb(new Error('请输入正确的电话号码，如 0571-88888888 或 13800000000')),
  trigger: 'blur',
}

const pad = (n) => String(n).padStart(2, '0')
export function fmtTime(t, withSeconds = false) {
  if (t === null || t === undefined || t === '' || t === 0) return '—'
  const d = new Date(Number(t) * 1000)
  if (isNaN(d)) return '—'
  const s = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
  return withSeconds ? s + ':' + pad(d.getSeconds()) : s
}

// Find a region and its path of ancestors in a tree.
export function findRegionPath(tree, code, path = []) {
  for (const r of tree || []) {
    const p = [...path, r]
    if (r.code === code) return p
    const found = findRegionPath(r.children, code, p)
    if (found) return found
  }
  return null
}

// ---- 代表工作 (docs/api.md "Deputies", "Deputy groups", "Liaison stations") ----

// Pages of the deputies and stations work, by role. Staff who may only read see no write buttons.
Object.assign(PAGE_ROLES, {
  deputies: ['city_staff', 'county_staff', 'unit_staff', 'station_staff'],
  deputyStats: ['city_staff', 'county_staff', 'unit_staff', 'station_staff'],
  groups: ['city_staff', 'county_staff', 'unit_staff', 'station_staff'],
  stations: ['city_staff', 'county_staff', 'unit_staff', 'station_staff'],
  deputyEdit: ['city_staff', 'county_staff', 'unit_staff'],
  stationEdit: ['city_staff', 'county_staff', 'unit_staff', 'station_staff'],
  bookings: ['city_staff', 'county_staff', 'unit_staff', 'station_staff'],
  me: ['deputy'],
})

// ---- 群众意见 (docs/api.md "Citizens' opinions"; names and steps in src/opinions.js) ----
Object.assign(PAGE_ROLES, {
  opinions: ['city_staff', 'county_staff', 'unit_staff', 'station_staff'], // 民意受理
  myOpinions: ['deputy'], // 我的联络站意见
  desk: ['handler'], // 承办工作台
  opinionDetail: ['city_staff', 'county_staff', 'unit_staff', 'station_staff', 'deputy', 'handler'],
  opinionBoard: ['city_staff', 'county_staff', 'unit_staff', 'station_staff'],
  opinionHot: ['city_staff', 'county_staff', 'unit_staff', 'station_staff', 'deputy'],
  notifications: ['city_staff', 'county_staff', 'unit_staff', 'station_staff', 'deputy', 'handler'],
})

// ---- 代表建议和议案 (docs/api.md "Deputies' suggestions"; names and steps in src/suggestions.js) ----
Object.assign(PAGE_ROLES, {
  suggestions: ['city_staff', 'county_staff', 'unit_staff'], // 建议和议案, 督办看板, 汇编
  suggestionDetail: ['city_staff', 'county_staff', 'unit_staff', 'handler'],
  suggestionReports: ['city_staff', 'county_staff', 'unit_staff', 'handler'],
  mySuggestions: ['deputy'], // 我的建议 (phone pages)
})

// ---- 会议 (docs/api.md "Meetings"; names and rules in src/meetings.js) ----
Object.assign(PAGE_ROLES, {
  meetings: ['city_staff', 'county_staff', 'unit_staff', 'station_staff'], // 会议 (station staff read)
  meetingRun: ['city_staff', 'county_staff', 'unit_staff'], // run meetings (PERM_MEETING_RUN)
  myMeetings: ['deputy'], // 我的会议 (phone)
})

// ---- 监督 (docs/api.md "Supervision") ----
Object.assign(PAGE_ROLES, {
  supervision: ['city_staff', 'county_staff', 'unit_staff'], // 监督工作 (the plan)
  supervisionWrite: ['city_staff', 'county_staff', 'unit_staff'],
  supervisionDetail: ['city_staff', 'county_staff', 'unit_staff', 'handler', 'deputy'],
})

// ---- 民生实事项目 (docs/api.md "Livelihood projects") ----
Object.assign(PAGE_ROLES, {
  projects: ['city_staff', 'county_staff', 'unit_staff', 'handler'], // 民生实事 (a handling unit: its own, to report)
})

// ---- 督查整改 (docs/api.md "Rectification"; names in src/rectify.js) ----
Object.assign(PAGE_ROLES, {
  rectify: ['city_staff', 'county_staff', 'unit_staff'], // 督查整改看板, 整改问题清单
  rectifyTasks: ['handler'], // 整改任务
})

// ---- 工作台、搜索、打印 (docs/api.md "Home: to-do and search") ----
Object.assign(PAGE_ROLES, {
  search: ['city_staff', 'county_staff', 'unit_staff', 'station_staff', 'deputy', 'handler'], // 搜索结果
  print: ['city_staff', 'county_staff', 'unit_staff', 'station_staff', 'handler'], // 交办单、答复函、催办通知
})

export const GENDERS = [
  { value: 'male', label: '男' },
  { value: 'female', label: '女' },
]
export const genderName = (g) => GENDERS.find((x) => x.value === g)?.label || g || '—'

// The 56 ethnic groups, in the order of GB 3304.
export const ETHNICITIES = [
  '汉族', '蒙古族', '回族', '藏族', '维吾尔族', '苗族', '彝族', '壮族', '布依族', '朝鲜族',
  '满族', '侗族', '瑶族', '白族', '土家族', '哈尼族', '哈萨克族', '傣族', '黎族', '傈僳族',
  '佤族', '畲族', '高山族', '拉祜族', '水族', '东乡族', '纳西族', '景颇族', '柯尔克孜族', '土族',
  '达斡尔族', '仫佬族', '羌族', '布朗族', '撒拉族', '毛南族', '仡佬族', '锡伯族', '阿昌族', '普米族',
  '塔吉克族', '怒族', '乌孜别克族', '俄罗斯族', '鄂温克族', '德昂族', '保安族', '裕固族', '京族',
  '塔塔尔族', '独龙族', '鄂伦春族', '赫哲族', '门巴族', '珞巴族', '基诺族',
]

export const PARTIES = [
  '中共党员', '中共预备党员', '共青团员', '民革党员', '民盟盟员', '民建会员', '民进会员',
  '农工党党员', '致公党党员', '九三学社社员', '台盟盟员', '无党派人士', '群众',
]

export const EDUCATIONS = ['研究生', '大学本科', '大学专科', '中等专科', '高中', '初中及以下']

// The composition categories (代表构成类别).
export const OCCUPATIONS = [
  { value: 'worker', label: '工人' },
  { value: 'farmer', label: '农民' },
  { value: 'professional', label: '专业技术人员' },
  { value: 'official', label: '党政干部' },
  { value: 'military', label: '解放军' },
  { value: 'other', label: '其他' },
]
export const occupationName = (o) => OCCUPATIONS.find((x) => x.value === o)?.label || o || '—'

// Congress levels (代表层级).
export const CONGRESS_LEVELS = [
  { value: 'township', label: '乡镇' },
  { value: 'county', label: '县级' },
  { value: 'city', label: '市级' },
  { value: 'province', label: '省级' },
  { value: 'national', label: '全国' },
]
export const congressLevelName = (l) => CONGRESS_LEVELS.find((x) => x.value === l)?.label || l || '—'
// 18 → 十八 (terms are written in Chinese numerals: 第十八届).
export function cnNum(n) {
  const d = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九']
  n = Number(n)
  if (!Number.isInteger(n) || n < 0 || n > 99) return String(n)
  if (n < 10) return d[n]
  const t = Math.floor(n / 10)
  return (t === 1 ? '' : d[t]) + '十' + (n % 10 ? d[n % 10] : '')
}
// The congress a mandate belongs to: 松岭镇人大, 省人大, 全国人大.
export function congressName(m) {
  if (m.level === 'national') return '全国人大'
  if (m.level === 'province') return '省人大'
  return `${m.region_name || ''}人大`
}
// 松岭镇第十八届人大代表 / 第十四届全国人大代表
export function mandateTitle(m) {
  if (!m) return '—'
  if (m.level === 'national') return `第${cnNum(m.term)}届全国人大代表`
  if (m.level === 'province') return `第${cnNum(m.term)}届省人大代表`
  return `${m.region_name || ''}第${cnNum(m.term)}届人大代表`
}
// Which congress level a region holds (township deputies in a township, ...).
export function congressLevelsFor(regionLevel) {
  if (regionLevel === 'township' || regionLevel === 'street') return ['township']
  if (regionLevel === 'county' || regionLevel === 'district') return ['county']
  if (regionLevel === 'city') return ['city', 'province', 'national']
  return []
}

export const MANDATE_STATUS = [
  { value: 'active', label: '在任', tag: 'success' },
  { value: 'resigned', label: '已辞职', tag: 'info' },
  { value: 'recalled', label: '已罢免', tag: 'danger' },
  { value: 'terminated', label: '资格终止', tag: 'warning' },
  { value: 'deceased', label: '已去世', tag: 'info' },
]
export const statusName = (s) => MANDATE_STATUS.find((x) => x.value === s)?.label || s
export const statusTag = (s) => MANDATE_STATUS.find((x) => x.value === s)?.tag || 'info'

// Mandate events (履职状态变动).
export const EVENT_KINDS = [
  { value: 'elected', label: '当选' },
  { value: 'by_elected', label: '补选当选' },
  { value: 'resigned', label: '辞去代表职务' },
  { value: 'recalled', label: '被罢免' },
  { value: 'terminated', label: '代表资格终止' },
  { value: 'deceased', label: '去世' },
]
export const ENDING_EVENTS = ['resigned', 'recalled', 'terminated', 'deceased']
export const eventName = (k) => EVENT_KINDS.find((x) => x.value === k)?.label || k

export const STATION_KINDS = [
  { value: 'station', label: '代表联络站' },
  { value: 'home', label: '代表之家' },
  { value: 'contact_point', label: '代表联系点' },
]
export const stationKindName = (k) => STATION_KINDS.find((x) => x.value === k)?.label || k

export const WEEKDAYS = ['', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六', '星期日']
export const WEEKDAY_SHORT = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日']

export const RULE_KINDS = [
  { value: 'monthly_day', label: '每月固定日期' },
  { value: 'monthly_weekday', label: '每月第几个星期几' },
  { value: 'weekly', label: '每周' },
  { value: 'once', label: '单次接待' },
  { value: 'cancel', label: '取消某日接待' },
]
// A rule in words: 每月10日 09:00–11:30.
export function ruleText(r) {
  const time = r.start_time && r.end_time ? ` ${r.start_time}–${r.end_time}` : ''
  switch (r.kind) {
    case 'monthly_day':
      return (r.day === -1 ? '每月月末' : `每月${r.day}日`) + time
    case 'monthly_weekday':
      return `每月${r.nth === -1 ? '最后一个' : '第' + r.nth + '个'}${WEEKDAYS[r.weekday] || ''}` + time
    case 'weekly':
      return '每' + (WEEKDAY_SHORT[r.weekday] || '周?') + time
    case 'once':
      return `${r.date} 单次接待` + time
    case 'cancel':
      return `${r.date} 暂停接待`
    default:
      return r.kind
  }
}

// GB 11643 citizen ID number: 17 digits and a check character.
export function idNumberProblem(id, birthDate, gender) {
  if (!id) return ''
  if (!/^\d{17}[\dXx]$/.test(id)) return '身份证号码应为18位（前17位为数字，末位为数字或X）'
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * w[i]
  if ('10X98765432'[sum % 11] !== id[17].toUpperCase()) return '身份证号码校验位不正确，请核对'
  const b = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`
  const d = new Date(b + 'T00:00:00Z')
  if (isNaN(d) || d.toISOString().slice(0, 10) !== b) return '身份证号码中的出生日期无效'
  if (birthDate && birthDate !== b) return `身份证号码中的出生日期（${b}）与填写的出生日期不一致`
  if (gender && (Number(id[16]) % 2 === 1) !== (gender === 'male')) return '身份证号码中的性别与填写的性别不一致'
  return ''
}

// The server's rule: digits, '-', ' ', '+'; at least 7 digits; a mobile number (1…) has 11.
export function phoneProblem(s) {
  if (!s) return ''
  if (!/^[0-9+\- ]+$/.test(s)) return '联系电话只能包含数字、“-”、“+”和空格'
  const digits = s.replace(/\D/g, '').length
  if (digits < 7) return '联系电话至少7位数字'
  if (s[0] === '1' && s.length !== 11 && !s.includes('-')) return '手机号码应为11位数字'
  return ''
}

// Today as YYYY-MM-DD in local time.
export function todayStr(offsetDays = 0) {
  const d = new Date()
  d.setDate(d.getDate() + offsetDays)
  return ymd(d)
}
export function ymd(d) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}
// "2026年12月10日 星期四"
export function fmtDay(s, weekday) {
  if (!s) return '—'
  const [y, m, d] = s.split('-').map(Number)
  const wd = weekday || ((new Date(y, m - 1, d).getDay() + 6) % 7) + 1
  return `${y}年${m}月${d}日 ${WEEKDAYS[wd]}`
}
export const pct = (x) => (x === null || x === undefined ? '—' : (x * 100).toFixed(1) + '%')

// ---- 预算审查监督 (docs/api.md "Township budgets") ----
Object.assign(PAGE_ROLES, {
  budgets: ['city_staff', 'county_staff', 'unit_staff', 'deputy'], // read: staff of the subtree, deputies of their congress
  budgetWrite: ['city_staff', 'county_staff', 'unit_staff'], // import, review steps (PERM_MEETING_RUN)
})
