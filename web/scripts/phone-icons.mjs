// Writes src/phoneIcons.css: the Vant icons the phone pages' components draw (a cell's arrow, a
// toast's tick, a field's clear button...) as small SVG masks in the text's colour, in place of
// Vant's icon font (66 KB inline, dropped from the build: see vite.config.js). The shapes are
// @element-plus/icons-vue's (MIT), the ones the desktop already shows.
// Usage (after adding a Vant icon a page uses): node scripts/phone-icons.mjs
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const WEB = join(dirname(fileURLToPath(import.meta.url)), '..')
// Vant's icon name → the Element Plus icon drawn for it.
const ICONS = {
  arrow: 'ArrowRight',
  'arrow-left': 'ArrowLeft',
  'arrow-down': 'ArrowDown',
  'arrow-up': 'ArrowUp',
  clear: 'CircleCloseFilled',
  success: 'Check',
  fail: 'CloseBold',
  cross: 'Close',
  close: 'Close',
  photograph: 'Camera',
  description: 'Document',
  search: 'Search',
  info: 'InfoFilled',
  warning: 'WarningFilled',
  passed: 'CircleCheck',
}

const src = readFileSync(join(WEB, 'node_modules/@element-plus/icons-vue/dist/index.js'), 'utf8')
function paths(name) {
  const at = src.indexOf(`name: "${name}",`)
  if (at < 0) throw new Error('no icon ' + name)
  const body = src.slice(at, src.indexOf('}),', at))
  return [...body.matchAll(/d: "([^"]+)"/g)].map((m) => m[1])
}

let css = `/* Written by scripts/phone-icons.mjs: Vant's icons as SVG masks (see there). */\n`
// Only the icons listed here (another name keeps Vant's empty glyph, not a filled box), and
// before Vant's own rules whichever stylesheet loads last (two classes).
const sel = Object.keys(ICONS).map((n) => `.van-icon.van-icon-${n}::before`).join(',\n')
css += `${sel} {\n  content: '';\n  width: 1em;\n  height: 1em;\n  vertical-align: -0.125em;\n  background-color: currentColor;\n  -webkit-mask: var(--pm-icon) center / contain no-repeat;\n  mask: var(--pm-icon) center / contain no-repeat;\n}\n`
for (const [vant, ep] of Object.entries(ICONS)) {
  const svg = `<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 1024 1024'>${paths(ep).map((d) => `<path d='${d}'/>`).join('')}</svg>`
  css += `.van-icon-${vant} {\n  --pm-icon: url("data:image/svg+xml,${encodeURIComponent(svg).replace(/%20/g, ' ').replace(/%2C/g, ',').replace(/%2F/g, '/').replace(/%3D/g, '=').replace(/%3A/g, ':')}");\n}\n`
}
writeFileSync(join(WEB, 'src/phoneIcons.css'), css)
console.log('src/phoneIcons.css:', css.length, 'bytes,', Object.keys(ICONS).length, 'icons')
