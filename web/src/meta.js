// Names and rules shared by the pages (docs/api.md, docs/DOMAIN vocabulary).

export const ROLES = [
  { value: 'sysadmin', label: '系统管理员' },
  { value: 'secadmin', label: '安全管理员' },
  { value: 'auditor', label: '安全审计员' },
  { value: 'city_staff', label: '市人大工作人员' },
  { value: 'county_staff', label: '县(区)人大工作人员' },
  { value: 'unit_staff', label: '基层人大工作人员' },
  { value: 'station_staff', label: '联络站工作人员' },
  { value: 'deputy', label: '人大代表' },
  { value: 'handler', label: '承办单位' },
]
export const roleName = (r) => ROLES.find((x) => x.value === r)?.label || r

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
