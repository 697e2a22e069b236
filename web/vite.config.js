import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// Vant's icon font is an inline data: font (refused by the server's Content-Security-Policy) with a
// CDN fallback (citizens' phones must not call out to third parties). The phone pages draw their
// icons with @element-plus/icons-vue SVGs instead, so the font is dropped from Vant's CSS.
const noVantIconFont = {
  name: 'renda-no-vant-icon-font',
  transform(code, id) {
    if (!/vant[\\/]es[\\/]icon[\\/]index\.css/.test(id)) return null
    return { code: code.replace(/@font-face\{[^}]*\}/g, ''), map: null }
  },
}

export default defineConfig({
  base: '/',
  plugins: [vue(), noVantIconFont],
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1500,
  },
})
