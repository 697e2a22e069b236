// Show a refused request's `error.field` under the form item it names.
//   const { errors, clear, apply } = useServerErrors(['name', 'phone', 'mandate.level'])
//   <el-form-item prop="phone" :error="errors.phone">
//   catch (e) { if (!apply(e)) showError(e) }
import { reactive } from 'vue'
import { ApiError } from './api.js'

export function useServerErrors(fields) {
  const errors = reactive(Object.fromEntries(fields.map((f) => [f, ''])))
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
