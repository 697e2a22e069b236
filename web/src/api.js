// JSON API client for /api/v1 (see docs/api.md).
// Sends the session cookie, the CSRF token on state-changing requests, and turns
// error bodies {"error":{"code","message","field"}} into ApiError.
// No UI library here: the citizens' phone entry (phone.js) shares this file and must not load
// Element Plus; the desktop entry (main.js) tells showError how to show a message.

const BASE = '/api/v1'
let csrfToken = null
let onUnauthenticated = null
let errorNotice = (message) => console.error(message)

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
  }
}

export function setCsrfToken(token) {
  csrfToken = token || null
}

// How showError shows a message (the desktop: an ElMessage).
export function setErrorNotice(fn) {
  errorNotice = fn
}

// Called on a 401 from any request made with `auth` (the default).
export function setUnauthenticatedHandler(fn) {
  onUnauthenticated = fn
}

export function query(params) {
  if (!params) return ''
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue
    q.append(k, String(v))
  }
  const s = q.toString()
  return s ? '?' + s : ''
}

export async function request(method, path, { body, params, auth = true } = {}) {
  const headers = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken
  let res
  try {
    res = await fetch(BASE + path + query(params), {
      method,
      headers,
      credentials: 'same-origin',
      body: body !== undefined ? JSON.stringify(body) : undefined,
    })
  } catch {
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络后重试')
  }
  let data = null
  if (res.status !== 204) {
    const text = await res.text()
    if (text) {
      try {
        data = JSON.parse(text)
      } catch {
        data = null
      }
    }
  }
  if (!res.ok) {
    const e = (data && data.error) || {}
    const err = new ApiError(
      res.status,
      e.code || 'http_' + res.status,
      e.message || `请求失败（HTTP ${res.status}）`,
      e.field,
    )
    if (res.status === 401 && auth && onUnauthenticated) onUnauthenticated(err)
    throw err
  }
  return data
}

export const api = {
  get: (path, params, opts = {}) => request('GET', path, { ...opts, params }),
  post: (path, body, opts = {}) => request('POST', path, { ...opts, body: body ?? {} }),
  put: (path, body, opts = {}) => request('PUT', path, { ...opts, body: body ?? {} }),
  patch: (path, body, opts = {}) => request('PATCH', path, { ...opts, body: body ?? {} }),
  del: (path, opts = {}) => request('DELETE', path, opts),
}

// Show a failed request's message (the server's Chinese text). A 401 is already handled
// by the redirect to the login page, so it is not shown twice.
export function showError(err) {
  if (!err) return
  if (err instanceof ApiError) {
    if (err.status === 401 && err.code === 'unauthenticated') return
    errorNotice(err.message)
  } else {
    console.error(err)
    errorNotice('操作失败：' + (err.message || String(err)))
  }
}

function errorFrom(status, data) {
  const e = (data && data.error) || {}
  const err = new ApiError(status, e.code || 'http_' + status, e.message || `请求失败（HTTP ${status}）`, e.field)
  if (status === 401 && onUnauthenticated) onUnauthenticated(err)
  return err
}

// The file name in a Content-Disposition header (filename*=UTF-8'' first).
function dispositionName(h) {
  if (!h) return ''
  let m = h.match(/filename\*\s*=\s*UTF-8''([^;]+)/i)
  if (m) {
    try {
      return decodeURIComponent(m[1].trim())
    } catch {
      /* fall through */
    }
  }
  m = h.match(/filename\s*=\s*"?([^";]+)"?/i)
  return m ? m[1].trim() : ''
}

// Download a file the API generates (exports, templates): fetched with the session cookie so
// that a refusal shows the server's message instead of a JSON page.
export async function download(path, params, fallbackName) {
  let res
  try {
    res = await fetch(BASE + path + query(params), { credentials: 'same-origin' })
  } catch {
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络后重试')
  }
  if (!res.ok) {
    let data = null
    try {
      data = await res.json()
    } catch {
      data = null
    }
    throw errorFrom(res.status, data)
  }
  const blob = await res.blob()
  const name = dispositionName(res.headers.get('Content-Disposition')) || fallbackName
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10000)
  return name
}

// POST a file's bytes as the request body (Content-Type: the file's type), reporting upload
// progress as a percentage. Resolves to the JSON answer.
export function upload(path, file, type, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', BASE + path)
    xhr.withCredentials = true
    xhr.setRequestHeader('Content-Type', type)
    xhr.setRequestHeader('Accept', 'application/json')
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken)
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable && onProgress) onProgress(Math.round((ev.loaded / ev.total) * 100))
    }
    xhr.onerror = () => reject(new ApiError(0, 'network', '无法连接服务器，请检查网络后重试'))
    xhr.onload = () => {
      let data = null
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null
      } catch {
        data = null
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data)
      else reject(errorFrom(xhr.status, data))
    }
    xhr.send(file)
  })
}
