import { createRouter, createWebHistory, START_LOCATION } from 'vue-router'
import { session, restoreSession } from './session.js'
import { loadLabels } from './labels.js'
import { PAGE_ROLES } from './meta.js'
import { deputyPhonePath, isPhonePath, wantsPhone } from './phonePaths.js'

const AppLayout = () => import('./layouts/AppLayout.vue')
const DEPUTIES = { title: '代表名册', path: '/deputies' }
const STATIONS = { title: '联络站', path: '/stations' }
const MEETINGS = { title: '会议管理', path: '/meetings' }
const SUPERVISION = { title: '监督工作', path: '/supervision' }
// The opinion detail's parent is the list the role works from.
const OPINION_LISTS = {
  deputy: { title: '我的联络站意见', path: '/my-opinions', group: '群众意见' },
  handler: { title: '承办工作台', path: '/desk', group: '承办工作' },
}
const OPINION_LIST = { title: '民意受理', path: '/opinions', group: '群众意见' }
const opinionParent = (user) => OPINION_LISTS[user?.role] || OPINION_LIST
const SUGGESTIONS = { title: '建议和议案', path: '/suggestions', group: '代表建议' }
const suggestionParent = (user) => (user?.role === 'handler' ? OPINION_LISTS.handler : SUGGESTIONS)

const routes = [
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true, title: '登录' } },
  {
    path: '/',
    component: AppLayout,
    children: [
      { path: '', name: 'home', component: () => import('./views/HomeView.vue'), meta: { title: '工作台' } },
      {
        path: 'regions',
        name: 'regions',
        component: () => import('./views/RegionsView.vue'),
        meta: { title: '行政区划与人大机构', group: '基础数据', roles: PAGE_ROLES.regions },
      },
      {
        path: 'handlers',
        name: 'handlers',
        component: () => import('./views/HandlersView.vue'),
        meta: { title: '承办单位', group: '基础数据', roles: PAGE_ROLES.handlers },
      },
      {
        path: 'accounts',
        name: 'accounts',
        component: () => import('./views/AccountsView.vue'),
        meta: { title: '账号管理', group: '安全管理', roles: PAGE_ROLES.accounts },
      },
      {
        path: 'tokens',
        name: 'tokens',
        component: () => import('./views/TokensView.vue'),
        meta: { title: 'API 令牌', group: '安全管理', roles: PAGE_ROLES.tokens },
      },
      {
        path: 'audit',
        name: 'audit',
        component: () => import('./views/AuditView.vue'),
        meta: { title: '审计日志', group: '安全审计', roles: PAGE_ROLES.audit },
      },
      {
        path: 'budgets',
        name: 'budgets',
        component: () => import('./views/BudgetsView.vue'),
        meta: { title: '预算审查监督', group: '监督工作', roles: PAGE_ROLES.budgets },
      },
      {
        path: 'budgets/:id(\\d+)',
        name: 'budget',
        component: () => import('./views/BudgetDetailView.vue'),
        meta: { title: '预算文件', group: '监督工作', parent: { title: '预算审查监督', path: '/budgets' }, roles: PAGE_ROLES.budgets },
      },
      {
        path: 'deputies',
        name: 'deputies',
        component: () => import('./views/DeputiesView.vue'),
        meta: { title: '代表名册', group: '代表工作', roles: PAGE_ROLES.deputies },
      },
      {
        path: 'deputies/new',
        name: 'deputy-new',
        component: () => import('./views/DeputyFormView.vue'),
        meta: { title: '新增代表', group: '代表工作', parent: DEPUTIES, roles: PAGE_ROLES.deputyEdit },
      },
      {
        path: 'deputies/import',
        name: 'deputy-import',
        component: () => import('./views/DeputyImportView.vue'),
        meta: { title: '导入代表', group: '代表工作', parent: DEPUTIES, roles: PAGE_ROLES.deputyEdit },
      },
      {
        path: 'deputies/:id(\\d+)',
        name: 'deputy',
        component: () => import('./views/DeputyDetailView.vue'),
        meta: { title: '代表详情', group: '代表工作', parent: DEPUTIES, roles: PAGE_ROLES.deputies },
      },
      {
        path: 'deputies/:id(\\d+)/edit',
        name: 'deputy-edit',
        component: () => import('./views/DeputyFormView.vue'),
        meta: { title: '编辑代表信息', group: '代表工作', parent: DEPUTIES, roles: PAGE_ROLES.deputyEdit },
      },
      {
        path: 'deputy-stats',
        name: 'deputy-stats',
        component: () => import('./views/DeputyStatsView.vue'),
        meta: { title: '代表构成统计', group: '代表工作', roles: PAGE_ROLES.deputyStats },
      },
      {
        path: 'groups',
        name: 'groups',
        component: () => import('./views/GroupsView.vue'),
        meta: { title: '代表小组', group: '代表工作', roles: PAGE_ROLES.groups },
      },
      {
        path: 'stations',
        name: 'stations',
        component: () => import('./views/StationsView.vue'),
        meta: { title: '联络站', group: '代表工作', roles: PAGE_ROLES.stations },
      },
      {
        path: 'bookings',
        name: 'bookings',
        component: () => import('./views/BookingsView.vue'),
        meta: { title: '预约接待', group: '代表工作', roles: PAGE_ROLES.bookings },
      },
      {
        path: 'stations/:id(\\d+)',
        name: 'station',
        component: () => import('./views/StationDetailView.vue'),
        meta: { title: '联络站详情', group: '代表工作', parent: STATIONS, roles: PAGE_ROLES.stations },
      },
      {
        path: 'stations/:id(\\d+)/poster',
        name: 'station-poster',
        component: () => import('./views/StationPosterView.vue'),
        meta: { title: '二维码海报', group: '代表工作', parent: STATIONS, roles: PAGE_ROLES.stations },
      },
      {
        path: 'opinions',
        name: 'opinions',
        component: () => import('./views/OpinionsView.vue'),
        meta: { title: '民意受理', group: '群众意见', roles: PAGE_ROLES.opinions, mode: 'staff' },
      },
      {
        path: 'my-opinions',
        name: 'my-opinions',
        component: () => import('./views/OpinionsView.vue'),
        meta: { title: '我的联络站意见', group: '群众意见', roles: PAGE_ROLES.myOpinions, mode: 'deputy' },
      },
      {
        path: 'desk',
        name: 'desk',
        component: () => import('./views/DeskView.vue'),
        meta: { title: '承办工作台', group: '承办工作', roles: PAGE_ROLES.desk, mode: 'handler' },
      },
      {
        path: 'opinions/:id(\\d+)',
        name: 'opinion',
        component: () => import('./views/OpinionDetailView.vue'),
        meta: { title: '意见详情', group: (u) => opinionParent(u).group, parent: opinionParent, roles: PAGE_ROLES.opinionDetail },
      },
      {
        path: 'opinions/board',
        name: 'opinion-board',
        component: () => import('./views/OpinionBoardView.vue'),
        meta: { title: '督办看板', group: '群众意见', roles: PAGE_ROLES.opinionBoard },
      },
      {
        path: 'opinions/hot',
        name: 'opinion-hot',
        component: () => import('./views/OpinionHotView.vue'),
        meta: { title: '热点分析', group: '群众意见', roles: PAGE_ROLES.opinionHot },
      },
      {
        path: 'suggestions',
        name: 'suggestions',
        component: () => import('./views/SuggestionsView.vue'),
        meta: { title: '建议和议案', group: '代表建议', roles: PAGE_ROLES.suggestions },
      },
      {
        path: 'suggestions/:id(\\d+)',
        name: 'suggestion',
        component: () => import('./views/SuggestionDetailView.vue'),
        meta: { title: '建议详情', group: (u) => suggestionParent(u).group, parent: suggestionParent, roles: PAGE_ROLES.suggestionDetail },
      },
      {
        path: 'suggestions/board',
        name: 'suggestion-board',
        component: () => import('./views/SuggestionBoardView.vue'),
        meta: { title: '建议督办看板', group: '代表建议', roles: PAGE_ROLES.suggestions },
      },
      {
        path: 'suggestions/reports',
        name: 'suggestion-reports',
        component: () => import('./views/SuggestionReportsView.vue'),
        meta: { title: '建议办理统计', group: '代表建议', roles: PAGE_ROLES.suggestionReports },
      },
      {
        path: 'suggestions/compilation',
        name: 'suggestion-compilation',
        component: () => import('./views/SuggestionCompilationView.vue'),
        meta: { title: '建议汇编', group: '代表建议', roles: PAGE_ROLES.suggestions },
      },
      {
        path: 'rectify/board',
        name: 'rectify-board',
        component: () => import('./views/RectifyBoardView.vue'),
        meta: { title: '督查整改看板', group: '督查整改', roles: PAGE_ROLES.rectify },
      },
      {
        path: 'rectify/problems',
        name: 'rectify-problems',
        component: () => import('./views/RectifyProblemsView.vue'),
        meta: { title: '整改问题清单', group: '督查整改', roles: PAGE_ROLES.rectify },
      },
      {
        path: 'rectify-tasks/:id(\\d+)?',
        name: 'rectify-tasks',
        component: () => import('./views/RectifyProblemsView.vue'),
        meta: { title: '整改任务', group: '承办工作', roles: PAGE_ROLES.rectifyTasks },
      },
      {
        path: 'meetings',
        name: 'meetings',
        component: () => import('./views/MeetingsView.vue'),
        meta: { title: '会议管理', group: '会议', roles: PAGE_ROLES.meetings },
      },
      {
        path: 'supervision',
        name: 'supervision',
        component: () => import('./views/SupervisionView.vue'),
        meta: { title: '监督工作', group: '监督', roles: PAGE_ROLES.supervision },
      },
      {
        path: 'supervision/:id(\\d+)',
        name: 'supervision-item',
        component: () => import('./views/SupervisionDetailView.vue'),
        meta: { title: '监督事项', group: '监督', parent: (u) => (u?.role === 'handler' ? OPINION_LISTS.handler : SUPERVISION), roles: PAGE_ROLES.supervisionDetail },
      },
      {
        path: 'meetings/:id(\\d+)',
        name: 'meeting',
        component: () => import('./views/MeetingDetailView.vue'),
        meta: { title: '会议控制台', group: '会议', parent: MEETINGS, roles: PAGE_ROLES.meetings },
      },
      {
        path: 'meetings/:id(\\d+)/record',
        name: 'meeting-record',
        component: () => import('./views/MeetingRecordView.vue'),
        meta: { title: '会议记录', group: '会议', parent: MEETINGS, roles: PAGE_ROLES.meetings },
      },
      {
        path: 'projects',
        name: 'projects',
        component: () => import('./views/ProjectsView.vue'),
        meta: { title: '民生实事项目', group: '监督', roles: PAGE_ROLES.projects },
      },
      {
        path: 'search',
        name: 'search',
        component: () => import('./views/SearchView.vue'),
        meta: { title: '搜索', roles: PAGE_ROLES.search },
      },
      {
        path: 'me',
        name: 'me',
        component: () => import('./views/DeputyDetailView.vue'),
        meta: { title: '我的履职信息', group: '个人中心', roles: PAGE_ROLES.me },
      },
      {
        path: 'password',
        name: 'password',
        component: () => import('./views/ChangePasswordView.vue'),
        meta: { title: '修改密码', group: '个人中心' },
      },
      { path: '403', name: 'forbidden', component: () => import('./views/ForbiddenView.vue'), meta: { title: '无权限' } },
    ],
  },
  // The deputy's suggestions and meetings (/my-suggestions, /my-meetings, /m/signin) are phone
  // pages (phone.html, phoneRouter.js): isPhonePath hands them over.
  // 交办单, 答复函, 催办通知: one A4 sheet for the browser's print, without the desktop shell.
  {
    path: '/print/:kind(opinion|suggestion|supervision|rectification)/:id(\\d+)/:doc(assign|reply|chase|opinion|rating|notice)',
    name: 'print',
    component: () => import('./views/PrintView.vue'),
    meta: { title: '打印', roles: PAGE_ROLES.print },
  },
  // 预约接待登记表: a station's day of bookings (the day view's filters) on A4.
  {
    path: '/print/station/:id(\\d+)/bookings',
    name: 'print-bookings',
    component: () => import('./views/PrintView.vue'),
    meta: { title: '打印', roles: PAGE_ROLES.bookings, kind: 'station', doc: 'bookings' },
  },
  // 民生实事项目公布名单: the year's list as published, for the browser's print.
  {
    path: '/print/projects',
    name: 'print-projects',
    component: () => import('./views/ProjectsPrintView.vue'),
    meta: { title: '打印', roles: PAGE_ROLES.projects },
  },
  // The projector in the meeting room: no login, the meeting's screen token.
  {
    path: '/screen/:token',
    name: 'meeting-screen',
    component: () => import('./views/MeetingScreenView.vue'),
    meta: { public: true, bare: true, title: '会议大屏' },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('./views/NotFoundView.vue'),
    meta: { public: true, title: '页面不存在' },
  },
]

const router = createRouter({
  history: createWebHistory('/'),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

router.beforeEach(async (to, from) => {
  // The citizens' phone pages (station, opinion form, tracking, published replies) are another
  // page (phone.html, served by the server for these paths): leave this one for it. On the first
  // load (a server that sent this page for such a path) the not-found page shows instead of a loop.
  if (isPhonePath(to.path) && from !== START_LOCATION) {
    window.location.assign(to.fullPath)
    return false
  }
  // Pages for the public (the station page a QR code opens) neither need nor ask for a session.
  if (to.meta.bare) return true
  await restoreSession()
  const user = session.user
  if (to.name === 'login') {
    if (user) return user.must_change_password ? { name: 'password' } : { name: 'home' }
    return true
  }
  if (to.meta.public) return true
  if (!user) {
    return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  if (user.must_change_password && to.name !== 'password') return { name: 'password' }
  // A deputy on a phone gets the phone pages (the same thing there, or their home) unless they
  // chose the desktop's (phonePaths.js); staff keep these pages on any device.
  if (user.role === 'deputy' && to.name !== 'password' && wantsPhone()) {
    window.location.assign(deputyPhonePath(to.fullPath))
    return false
  }
  await loadLabels() // the server's names of roles, states and actions: once per visit
  const roles = to.meta.roles
  if (roles && !roles.includes(user.role)) {
    return { name: 'forbidden', query: { from: to.fullPath } }
  }
  return true
})

router.afterEach((to) => {
  const t = to.meta.title
  if (to.meta.bare) return // the page sets its own title
  document.title = t ? `${t} - renda 基层人大工作平台` : 'renda 基层人大工作平台'
})

export default router
