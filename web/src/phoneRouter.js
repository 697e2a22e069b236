// The router of the phone pages (phone.html): the citizens' pages (no login, each page sets its own
// title) and the deputies' (signed in: their home, opinions, suggestions, meetings and record).
// The desktop router (router.js) sends these paths here with a full page load.
import { createRouter, createWebHistory } from 'vue-router'
import { session, restoreSession } from './session.js'
import { loadLabels } from './labels.js'
// The page a QR code opens is in the entry itself: a first visit fetches it with the entry (the
// page names its files for preloading) rather than one round trip later. The others load lazily.
import PublicStationView from './views/PublicStationView.vue'

// A deputy's page: signed in as a deputy (another role is sent to the desktop pages).
const deputy = (title) => ({ title, deputy: true })

const routes = [
  // The public page a station's QR code opens on a citizen's phone.
  { path: '/s/:code', name: 'public-station', component: PublicStationView },
  // The citizen's opinion form (from a station's page), the page without a station, tracking.
  { path: '/s/:code/opinion', name: 'public-opinion', component: () => import('./views/PublicOpinionView.vue') },
  // Booking a reception slot at the station, and cancelling a booking by its code.
  { path: '/s/:code/booking', name: 'public-booking', component: () => import('./views/PublicBookingView.vue') },
  { path: '/opinion', name: 'public-opinion-start', component: () => import('./views/PublicOpinionView.vue') },
  { path: '/t/:code?', name: 'public-track', component: () => import('./views/PublicTrackView.vue') },
  // Published replies to deputies' suggestions.
  {
    path: '/public/suggestions/:id(\\d+)?',
    name: 'public-suggestions',
    component: () => import('./views/PublicSuggestionsView.vue'),
  },
  // The year's livelihood projects of a region as published, and their progress.
  { path: '/public/projects/:region', name: 'public-projects', component: () => import('./views/PublicProjectsView.vue') },
  // The deputies' pages.
  { path: '/m/login', name: 'm-login', component: () => import('./views/PhoneLoginView.vue'), meta: { title: '代表登录' } },
  { path: '/m', name: 'm-home', component: () => import('./views/MyHomeView.vue'), meta: deputy('代表履职') },
  { path: '/m/opinions', name: 'm-opinions', component: () => import('./views/MyOpinionsView.vue'), meta: deputy('我的意见') },
  { path: '/m/opinions/:id(\\d+)', name: 'm-opinion', component: () => import('./views/MyOpinionView.vue'), meta: deputy('意见详情') },
  { path: '/m/projects', name: 'm-projects', component: () => import('./views/MyProjectsView.vue'), meta: deputy('民生实事视察') },
  { path: '/m/budgets', name: 'm-budgets', component: () => import('./views/MyBudgetsView.vue'), meta: deputy('预算审查') },
  { path: '/m/budgets/:id(\\d+)', name: 'm-budget', component: () => import('./views/MyBudgetView.vue'), meta: deputy('预算文件') },
  { path: '/m/me', name: 'm-record', component: () => import('./views/MyRecordView.vue'), meta: deputy('我的履职信息') },
  { path: '/my-suggestions', name: 'my-suggestions', component: () => import('./views/MySuggestionsView.vue'), meta: deputy('我的建议') },
  { path: '/my-suggestions/new', name: 'my-suggestion-new', component: () => import('./views/MySuggestionFormView.vue'), meta: deputy('起草建议') },
  { path: '/my-suggestions/:id(\\d+)', name: 'my-suggestion', component: () => import('./views/MySuggestionDetailView.vue'), meta: deputy('建议详情') },
  {
    path: '/my-suggestions/:id(\\d+)/edit',
    name: 'my-suggestion-edit',
    component: () => import('./views/MySuggestionFormView.vue'),
    meta: deputy('修改建议'),
  },
  { path: '/my-meetings', name: 'my-meetings', component: () => import('./views/MyMeetingsView.vue'), meta: deputy('我的会议') },
  { path: '/my-meetings/:id(\\d+)', name: 'my-meeting', component: () => import('./views/MyMeetingView.vue'), meta: deputy('会议') },
  // The QR code on the meeting room's door: ${public_url}/m/signin?t=${signin_token}.
  { path: '/m/signin', name: 'meeting-signin', component: () => import('./views/MeetingSigninView.vue'), meta: deputy('会议签到') },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./views/PublicNotFoundView.vue') },
]

const router = createRouter({
  history: createWebHistory('/'),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

// The deputies' pages need a deputy's session: none → the phone login (then back here); another
// role, or a password to change first → the desktop pages, which handle both.
router.beforeEach(async (to) => {
  if (!to.meta.deputy) return true
  const user = await restoreSession()
  if (!user) return { name: 'm-login', query: { redirect: to.fullPath } }
  if (user.role !== 'deputy' || user.must_change_password) {
    window.location.assign(user.must_change_password ? '/password' : '/')
    return false
  }
  await loadLabels() // the server's names of states and actions: once per visit
  return true
})

router.afterEach((to) => {
  if (to.meta.title) document.title = `${to.meta.title} - 人大代表履职`
})

export default router
