// 长辈模式 (elder-friendly mode) of the citizens' phone pages: larger text and higher contrast, as
// government apps are asked to offer. The choice is kept on the phone (localStorage) and applied
// to the whole document (html.pm-elder, styled in public.css) before the first page draws.
import { ref } from 'vue'

const KEY = 'renda.elder'
const read = () => {
  try {
    return localStorage.getItem(KEY) === '1'
  } catch {
    return false
  }
}

export const elder = ref(read())

export function applyElder() {
  document.documentElement.classList.toggle('pm-elder', elder.value)
}

export function setElder(on) {
  elder.value = !!on
  try {
    localStorage.setItem(KEY, on ? '1' : '0')
  } catch {
    /* private mode: the choice lasts for the page */
  }
  applyElder()
}
