// The jurisdiction settings (docs/api.md "Jurisdiction settings and the holiday calendar"): every
// legal number a page shows or checks (quorum, notice days, candidate counts, deadlines) is the
// server's, as it applies to a region, never a second copy written here.
import { reactive } from 'vue'
import { api } from './api.js'

// A page's settings, read at most once per region for the life of the page (a page that shows
// another region's rule reads that region's too). `load(region)` reads them (a failed read is not
// retried: the server still checks every rule); `of(region)` gives the values read as
// { key: number }, or null while they are not known; `get(region, key)` one value or undefined.
export function useSettings() {
  const values = reactive({})
  const reads = new Map()
  function load(region) {
    if (!region) return Promise.resolve(null)
    if (!reads.has(region)) {
      reads.set(
        region,
        api
          .get('/settings', { region })
          .then((data) => {
            const v = {}
            for (const x of data.items || []) v[x.key] = Number(x.value)
            values[region] = v
            return v
          })
          .catch(() => null),
      )
    }
    return reads.get(region)
  }
  const of = (region) => (region && values[region]) || null
  const get = (region, key) => of(region)?.[key]
  return { load, of, get }
}
