// The entry of the citizens' phone pages (phone.html): Vue, the router and, per page, the Vant
// components it draws with their own CSS. Nothing of Element Plus, ECharts or dayjs: the pages
// show their own failures (api.js's showError, the desktop's message, is not used here).
import { createApp, h } from 'vue'
import { RouterView } from 'vue-router'
import router from './phoneRouter.js'

createApp({ render: () => h(RouterView) })
  .use(router)
  .mount('#app')
