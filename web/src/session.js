// The signed-in user, shared by the whole app.
import { reactive } from 'vue'
import { api, setCsrfToken } from './api.js'

export const session = reactive({
  user: null,
  loaded: false,
})

let loading = null

// Restore the user from the session cookie (GET /api/v1/session), once per page load.
export function restoreSession() {
  if (session.loaded) return Promise.resolve(session.user)
  if (!loading) {
    loading = api
      .get('/session', null, { auth: false })
      .then((data) => {
        session.user = data.user
        setCsrfToken(data.csrf_token)
      })
      .catch(() => {
        session.user = null
        setCsrfToken(null)
      })
      .finally(() => {
        session.loaded = true
        loading = null
      })
      .then(() => session.user)
  }
  return loading
}

export async function login(username, password) {
  const data = await api.post('/session', { username, password }, { auth: false })
  session.user = data.user
  session.loaded = true
  setCsrfToken(data.csrf_token)
  return data.user
}

export async function logout() {
  try {
    await api.del('/session', { auth: false })
  } finally {
    clearSession()
  }
}

export function clearSession() {
  session.user = null
  session.loaded = true
  setCsrfToken(null)
}

export function hasRole(...roles) {
  return !!session.user && roles.includes(session.user.role)
}
