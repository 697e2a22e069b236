// Show a refused request's `error.field` under the form item it names.
//   const { errors, clear, apply } = useServerErrors(['name', 'phone', 'mandate.level'], form)
//   <el-form-item prop="phone" :error="errors.phone">
//   catch (e) { if (!apply(e)) showError(e) }
// Given the form, a field's message goes as soon as that field is changed: a message about text
// the person has since put right must not stay on screen.
import { reactive, watch } from 'vue'
import { ApiError } from './api.js'

const valueAt = (form, path) => path.split('.').reduce((o, k) => (o == null ? o : o[k]), form)

export function useServerErrors(fields, form) {
  const errors = reactive(Object.fromEntries(fields.map((f) => [f, ''])))
  if (form) {
    for (const f of fields) {
      watch(
        () => JSON.stringify(valueAt(form, f) ?? null),
        () => {
          if (errors[f]) errors[f] = ''
        },
      )
    }
  }
  function clear() {
    for (const f of fields) errors[f] = ''
  }
  // True when the error was shown under its field.
  function apply(e, alias = {}) {
    if (!(e instanceof ApiError) || !e.field) return false
    const f = alias[e.field] || e.field
    if (!(f in errors)) return false
    errors[f] = ''
    // Set on the next tick so that the same message shows again after a retry.
    setTimeout(() => (errors[f] = e.message), 0)
    return true
  }
  return { errors, clear, apply }
}
