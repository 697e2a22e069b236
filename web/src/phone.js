// The entry of the phone pages (phone.html): Vue, the router and, per page, the Vant components it
// draws with their own CSS. Nothing of Element Plus, ECharts or dayjs: the pages show their own
// failures (api.js's showError, the desktop's message, is not used here).
import { createApp, h } from 'vue'
import { RouterView } from 'vue-router'
import router from './phoneRouter.js'
import { setUnauthenticatedHandler } from './api.js'
import { clearSession } from './session.js'
import { applyElder } from './elder.js'
import './phoneIcons.css'

applyElder()
// A deputy's session that ended (idle, logged out elsewhere): to the phone login, then back.
setUnauthenticatedHandler(() => {
  const here = router.currentRoute.value
  if (!here.meta.deputy) return
  clearSession()
  router.replace({ name: 'm-login', query: { redirect: here.fullPath } })
})

createApp({ render: () => h(RouterView) })
  .use(router)
  .mount('#app')
