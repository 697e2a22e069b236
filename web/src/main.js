import { createApp } from 'vue'
import ElementPlus, { ElMessage } from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn.mjs'
import dayjs from 'dayjs'
import 'dayjs/locale/zh-cn'
import 'element-plus/dist/index.css'
import './styles.css'
import App from './App.vue'
import router from './router.js'
import { setErrorNotice, setUnauthenticatedHandler } from './api.js'
import { session, clearSession } from './session.js'

// Weeks start on Monday in the calendars and date pickers, as on Chinese calendars.
dayjs.locale('zh-cn')

setErrorNotice((message) => ElMessage.error({ message, grouping: true }))

// Any 401 on an authenticated request: the session expired or was ended elsewhere.
setUnauthenticatedHandler(() => {
  const wasSignedIn = !!session.user
  clearSession()
  const cur = router.currentRoute.value
  if (cur.name !== 'login') {
    if (wasSignedIn) ElMessage.warning({ message: '登录已失效，请重新登录', grouping: true })
    router.replace({ name: 'login', query: cur.fullPath && cur.fullPath !== '/' ? { redirect: cur.fullPath } : {} })
  }
})

createApp(App).use(ElementPlus, { locale: zhCn }).use(router).mount('#app')
