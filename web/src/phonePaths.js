// The phone pages live in their own entry (phone.html, src/phone.js): a QR code's visitor downloads
// Vue, the router and the few Vant parts the page draws, not the desktop's Element Plus. They are
// the citizens' (a station's page, the opinion form, tracking, published replies) and the
// deputies' (their home and login under /m, their suggestions and meetings).
// The server picks the page by the first segment of the path (src/http.c, route_page); this is the
// same list for the desktop router (which hands these paths over with a full page load) and for
// the development server (vite.config.js). Keep the three in step.
export const PHONE_SEGMENTS = ['s', 'opinion', 't', 'public', 'm', 'my-suggestions', 'my-meetings']

// True when the path's first segment is one of the phone pages' ("/s/x", "/t", not "/opinions").
export function isPhonePath(path) {
  const seg = String(path || '').split('/')[1] || ''
  return PHONE_SEGMENTS.includes(seg)
}

// Which pages a deputy gets: the phone pages on a phone (a narrow screen or a mobile browser), the
// desktop's elsewhere, unless the person chose the other with the switch link (remembered here).
const VIEW_KEY = 'renda.view'

export function chooseView(view) {
  try {
    localStorage.setItem(VIEW_KEY, view)
  } catch {
    /* private mode: the choice lasts for the page */
  }
}

export function wantsPhone() {
  let chosen = null
  try {
    chosen = localStorage.getItem(VIEW_KEY)
  } catch {
    chosen = null
  }
  if (chosen === 'phone' || chosen === 'desktop') return chosen === 'phone'
  const narrow = typeof window !== 'undefined' && window.matchMedia?.('(max-width: 768px)').matches
  return !!narrow || /Android|iPhone|iPod|Mobile|HarmonyOS/i.test(navigator.userAgent || '')
}

// Where a deputy on a phone goes instead of a desktop page: the phone page of the same thing, or
// the phone home. Phone paths stay as they are.
export function deputyPhonePath(path) {
  const p = String(path || '/')
  if (isPhonePath(p)) return p
  const opinion = p.match(/^\/opinions\/(\d+)/)
  if (opinion) return '/m/opinions/' + opinion[1]
  if (/^\/my-opinions(\?|$)/.test(p)) return '/m/opinions'
  if (/^\/me(\?|$)/.test(p)) return '/m/me'
  const budget = p.match(/^\/budgets\/(\d+)/)
  if (budget) return '/m/budgets/' + budget[1]
  if (/^\/budgets(\?|$)/.test(p)) return '/m/budgets'
  return '/m'
}
