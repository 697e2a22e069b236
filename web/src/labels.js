// The names of roles, states and actions as the server writes them (GET /api/v1/labels, built from
// the C modules' own tables): loaded once after login and kept for the visit, so that no page
// holds a second copy. Colours (tag types) stay with the pages: they are presentation only.
import { reactive } from 'vue'
import { api } from './api.js'

export const labels = reactive({
  loaded: false,
  roles: {},
  opinion: { states: {}, actions: {} },
  suggestion: { states: {}, actions: {} },
  motion: { states: {}, actions: {} },
  meeting: { states: {} },
  vote: { states: {} },
  round: { states: {} },
})

let pending = null

// Loads the names once (the router calls it for every signed-in page); a failure leaves the codes
// showing and is tried again on the next page.
export function loadLabels() {
  if (labels.loaded) return Promise.resolve(labels)
  if (!pending) {
    pending = api
      .get('/labels', null, { auth: false })
      .then((data) => {
        Object.assign(labels, data, { loaded: true })
        return labels
      })
      .catch(() => labels)
      .finally(() => {
        pending = null
      })
  }
  return pending
}

// A code's name; an unknown code shows as itself, no code as —.
const nameIn = (names, code) => (code ? names?.[code] || code : '—')
export const roleName = (role) => nameIn(labels.roles, role)
// machine: opinion, suggestion, motion, meeting, vote, round
export const stateName = (machine, state) => nameIn(labels[machine]?.states, state)
export const actionName = (machine, action) => nameIn(labels[machine]?.actions, action)

// [{value, label}] for a select, in the server's order.
const options = (names) => Object.entries(names || {}).map(([value, label]) => ({ value, label }))
export const roleOptions = () => options(labels.roles)
export const stateOptions = (machine) => options(labels[machine]?.states)
