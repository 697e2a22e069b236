import { createRouter, createWebHistory } from 'vue-router'
import { session, restoreSession } from './session.js'
import { PAGE_ROLES } from './meta.js'

const AppLayout = () => import('./layouts/AppLayout.vue')

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
        path: 'password',
        name: 'password',
        component: () => import('./views/ChangePasswordView.vue'),
        meta: { title: '修改密码', group: '个人中心' },
      },
      { path: '403', name: 'forbidden', component: () => import('./views/ForbiddenView.vue'), meta: { title: '无权限' } },
    ],
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

router.beforeEach(async (to) => {
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
  const roles = to.meta.roles
  if (roles && !roles.includes(user.role)) {
    return { name: 'forbidden', query: { from: to.fullPath } }
  }
  return true
})

router.afterEach((to) => {
  const t = to.meta.title
  document.title = t ? `${t} - renda 基层人大工作平台` : 'renda 基层人大工作平台'
})

export default router
