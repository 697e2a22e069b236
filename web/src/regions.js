// The caller's region tree (GET /api/v1/regions), cached for the selectors.
import { shallowRef } from 'vue'
import { api } from './api.js'

export const regionTree = shallowRef([])
let pending = null
let loaded = false

export function loadRegionTree(force = false) {
  if (loaded && !force) return Promise.resolve(regionTree.value)
  if (!pending || force) {
    pending = api
      .get('/regions')
      .then((data) => {
        regionTree.value = data.regions || []
        loaded = true
        return regionTree.value
      })
      .finally(() => {
        pending = null
      })
  }
  return pending
}

export function resetRegionTree() {
  regionTree.value = []
  loaded = false
}
