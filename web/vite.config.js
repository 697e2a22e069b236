import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { isPhonePath } from './src/phonePaths.js'

// Vant's icon font is an inline data: font (refused by the server's Content-Security-Policy) with a
// CDN fallback (citizens' phones must not call out to third parties). The phone pages draw their
// icons with @element-plus/icons-vue SVGs instead, so the font is dropped from Vant's CSS; the few
// icons Vant's components draw themselves are SVG masks in src/phoneIcons.css.
const noVantIconFont = {
  name: 'renda-no-vant-icon-font',
  transform(code, id) {
    if (!/vant[\\/]es[\\/]icon[\\/]index\.css/.test(id)) return null
    return { code: code.replace(/@font-face\{[^}]*\}/g, ''), map: null }
  },
}

// The development server answers the citizens' phone routes with phone.html, as the C server does.
const phonePage = {
  name: 'renda-phone-page',
  configureServer(server) {
    server.middlewares.use((req, res, next) => {
      const path = (req.url || '').split('?')[0]
      if (req.headers.accept?.includes('text/html') && !path.includes('.') && isPhonePath(path)) req.url = '/phone.html'
      next()
    })
  },
}

export default defineConfig({
  base: '/',
  plugins: [vue(), noVantIconFont, phonePage],
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1500,
    // Two pages: the desktop application, and the citizens' phone pages (src/phonePaths.js).
    rolldownOptions: {
      input: { main: 'index.html', phone: 'phone.html' },
    },
  },
})
