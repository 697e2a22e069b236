// One list page: its filters (kept in the address, so that a reload, a shared link or the back
// button from a detail page shows the same list), paging, sorting, the loading / error / empty
// states and the export of exactly the rows on screen (the filters of the last search, not those
// typed since). Every list page uses it:
//
//   const list = useList({
//     url: '/deputies',                        // the API list (docs/api.md), or () => path
//     filters: { q: '', region: '', term: null, status: 'active' },   // the defaults
//     numbers: ['term'],                       // read back from the address as numbers
//     sort: 'name',                            // the default ?sort= ('' = the server's order)
//     params: (f) => ({ ...f, date: f.status === 'active' ? f.date : '' }),  // filters → API
//     exportPath: '/deputies/export',          // same filters, same sort, ?format=
//   })
//   const { filters, items, total, page, perPage, loading, search, reset, onSort } = list
//
//   <el-table :data="items" v-loading="loading" @sort-change="onSort" :default-sort="tableSort">
//   <el-pagination v-model:current-page="page" v-model:page-size="perPage" :total="total"
//                  @current-change="load" @size-change="search" />
//
// Options for lists the API does not page: `fetch(params)` returns {items,total} instead of GET
// url; `local(item, filters)` filters the fetched rows in the browser (pages them too unless
// `paged: false`); `live` reloads (or refilters) as soon as a filter changes; `append` lists (a
// phone's 加载更多) add the next page below with more(). `address: false` keeps an embedded list
// out of the address; `toast: false` leaves showing a failure to the page (`error`).
import { computed, onMounted, reactive, ref, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { api, download, showError } from '../api.js'

const text = (v) => (v === null || v === undefined ? '' : String(v))
const blank = (v) => v === null || v === undefined || v === ''
// A query object as a comparable string (values as the address holds them).
const queryKey = (q) =>
  JSON.stringify(
    Object.entries(q || {})
      .map(([k, v]) => [k, text(Array.isArray(v) ? v[0] : v)])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  )

export function useList(options = {}) {
  const o = { sort: '', perPage: 20, address: true, toast: true, paged: true, immediate: true, auth: true, ...options }
  const defaults = () => ({ ...(o.filters || {}) })
  const numbers = new Set(o.numbers || [])

  const filters = reactive(defaults())
  const rows = ref([]) // what the server answered: one page, or every row for a `local` list
  const serverTotal = ref(0)
  const totalCapped = ref(false) // the server counted up to a cap: total is a lower bound
  const page = ref(1)
  const perPage = ref(o.perPage)
  const sort = ref(o.sort)
  const loading = ref(false)
  const loaded = ref(false)
  const error = ref(null) // the last load's failure (an ApiError), null after a success
  const exporting = ref('') // the format being exported

  const matched = computed(() => (o.local ? rows.value.filter((x) => o.local(x, filters)) : rows.value))
  const items = computed(() => {
    if (!o.local || !o.paged) return matched.value
    return matched.value.slice((page.value - 1) * perPage.value, page.value * perPage.value)
  })
  const total = computed(() => (o.local ? matched.value.length : serverTotal.value))
  const empty = computed(() => loaded.value && !loading.value && !error.value && items.value.length === 0)
  const hasMore = computed(() => rows.value.length < serverTotal.value)
  const hasFilter = computed(() => {
    const d = defaults()
    return Object.keys(d).some((k) => text(filters[k]) !== text(d[k]))
  })
  // The sort as Element Plus's table shows it (:default-sort).
  const tableSort = computed(() => {
    const s = sort.value
    if (!s) return {}
    return { prop: s.replace(/^-/, ''), order: s.startsWith('-') ? 'descending' : 'ascending' }
  })
  // The message for an empty table: the failure when the list could not be loaded.
  const emptyText = (none) => (error.value ? `加载失败：${error.value.message || error.value}` : none)

  // The filters as API parameters: empty ones left out.
  function params() {
    const f = { ...filters }
    const p = o.params ? o.params(f) : f
    const out = {}
    for (const [k, v] of Object.entries(p)) if (!blank(v)) out[k] = v
    return out
  }
  const path = (p) => (typeof p === 'function' ? p() : p)

  // ---- the address ----
  const route = o.address ? useRoute() : null
  const router = o.address ? useRouter() : null
  const routeName = route?.name
  let written = null // the query last written, so that our own replace is not read back

  function addressQuery() {
    const d = defaults()
    const q = {}
    for (const k of Object.keys(d)) if (text(filters[k]) !== text(d[k])) q[k] = text(filters[k])
    if (page.value > 1 && !o.append) q.page = String(page.value)
    if (perPage.value !== o.perPage) q.per_page = String(perPage.value)
    if (sort.value !== o.sort) q.sort = sort.value
    return q
  }
  function writeAddress() {
    if (!route) return
    const q = addressQuery()
    written = queryKey(q)
    if (queryKey(route.query) !== written) router.replace({ query: q, hash: route.hash })
  }
  // Reads filters, page and sort from the address; `reset` puts absent filters back to defaults.
  function readAddress(reset) {
    const q = route.query
    const d = defaults()
    for (const k of Object.keys(d)) {
      let v = q[k]
      if (Array.isArray(v)) v = v[0]
      if (v === undefined) {
        if (reset) filters[k] = d[k]
        continue
      }
      if (numbers.has(k)) filters[k] = blank(v) || isNaN(Number(v)) ? null : Number(v)
      else filters[k] = text(v)
    }
    page.value = Math.max(1, Math.floor(Number(q.page)) || 1)
    perPage.value = Number(q.per_page) > 0 ? Math.floor(Number(q.per_page)) : o.perPage
    sort.value = q.sort !== undefined ? text(q.sort) : o.sort
  }
  if (route) {
    readAddress(false)
    // The same page opened again with another address (a menu click, back and forward).
    watch(
      () => route.query,
      (q) => {
        if (route.name !== routeName || queryKey(q) === written) return
        readAddress(true)
        fetchPage(false)
      },
    )
  }

  // ---- loading ----
  let seq = 0 // only the latest request's answer is shown
  // The filters and order of the rows on screen: what an export repeats. A filter typed or
  // cleared but not yet searched changes the form, not the list, so not the export either.
  let shown = null
  async function fetchPage(append) {
    const mine = ++seq
    if (!append) writeAddress()
    loading.value = true
    try {
      const asked = { ...params() }
      if (sort.value) asked.sort = sort.value
      const q = { ...asked, page: page.value, per_page: perPage.value }
      const data = o.fetch ? await o.fetch(q) : await api.get(path(o.url), q, { auth: o.auth })
      if (mine !== seq) return
      shown = asked
      const got = data?.items || []
      rows.value = append ? [...rows.value, ...got] : got
      serverTotal.value = Number(data?.total ?? got.length) || 0
      totalCapped.value = !!data?.total_capped
      error.value = null
      loaded.value = true
      // Past the last page (the last row removed, an old address): show the new last page.
      if (!o.local && !append && !got.length && serverTotal.value > 0 && page.value > 1) {
        page.value = Math.max(1, Math.ceil(serverTotal.value / perPage.value))
        return fetchPage(false)
      }
    } catch (e) {
      if (mine !== seq) return
      // An address with a sort this list no longer offers: the default order.
      if (e?.code === 'bad_sort' && sort.value !== o.sort) {
        sort.value = o.sort
        return fetchPage(false)
      }
      error.value = e
      loaded.value = true
      if (o.toast) showError(e)
    } finally {
      if (mine === seq) loading.value = false
    }
  }
  const load = () => fetchPage(false) // the current page again (@current-change passes the page)
  function search() {
    page.value = 1
    return fetchPage(false)
  }
  // Every filter back to its default, but those named in `keep` (such as a tab).
  function reset(keep) {
    const d = defaults()
    if (Array.isArray(keep)) for (const k of keep) delete d[k]
    Object.assign(filters, d)
    sort.value = o.sort
    return search()
  }
  function setSort(s) {
    sort.value = s || o.sort
    return search()
  }
  // Element Plus's sort-change: {prop, order: 'ascending' | 'descending' | null}.
  function onSort({ prop, order }) {
    return setSort(order ? (order === 'descending' ? '-' : '') + prop : '')
  }
  function more() {
    if (loading.value || !hasMore.value) return
    page.value++
    return fetchPage(true)
  }

  if (o.live) {
    watch(
      filters,
      () => {
        if (o.local) {
          page.value = 1
          writeAddress()
        } else search()
      },
      { deep: true },
    )
  }

  // ---- export: the same filters and order as the rows on screen, every row ----
  async function exportFile(format = 'xlsx', fallbackName = '', extra = {}) {
    exporting.value = format
    try {
      let q
      if (shown && !o.local) q = { ...shown, format, ...extra }
      else {
        q = { ...params(), format, ...extra }
        if (sort.value) q.sort = sort.value
      }
      return await download(path(o.exportPath || o.url), q, fallbackName)
    } catch (e) {
      showError(e)
      return ''
    } finally {
      exporting.value = ''
    }
  }

  if (o.immediate) onMounted(load)

  return {
    filters, rows, items, total, totalCapped, page, perPage, sort, loading, loaded, error, empty, hasMore,
    hasFilter, tableSort, exporting,
    params, load, search, reset, setSort, onSort, more, exportFile, emptyText,
  }
}
