// Helpers shared by the deputy and station pages.
import { api } from './api.js'

// Every deputy matching the filters, paging through the list 100 at a time (a congress or a
// station has at most a few hundred).
export async function fetchAllDeputies(params, limit = 2000) {
  const out = []
  for (let page = 1; out.length < limit; page++) {
    const data = await api.get('/deputies', { ...params, page, per_page: 100, sort: 'name' })
    out.push(...(data.items || []))
    if (out.length >= (data.total || 0) || !(data.items || []).length) break
  }
  return out
}

// Groups of the caller's scope or of one congress region.
export async function fetchGroups(region) {
  const data = await api.get('/groups', { region })
  return data.items || []
}

// Stations (first 100) of a region subtree.
export async function fetchStations(region) {
  const data = await api.get('/stations', { region, per_page: 100, sort: 'region_code' })
  return data.items || []
}
