// The home page's links (docs/api.md "Home: to-do and search"): where a to-do count and a search
// result open, by the user's role — staff their lists, a handling unit its desk, a deputy its pages.

// The page of a list with a to-do item's filter (the list reads its filters from the address).
export function todoLink(x, role) {
  const f = x.filter || {}
  if (x.list === 'opinions') {
    if (role === 'handler') return { path: '/desk', query: { tab: 'opinions', ...f } }
    if (role === 'deputy') return { path: '/my-opinions', query: f }
    return { path: '/opinions', query: f }
  }
  if (x.list === 'suggestions' || x.list === 'motions') {
    const kind = x.list === 'motions' ? { kind: 'motion' } : {}
    if (role === 'handler') return { path: '/desk', query: { tab: 'suggestions', ...f } }
    if (role === 'deputy') return { path: '/my-suggestions', query: f.signer === 'invited' ? { tab: 'invites' } : f }
    return { path: '/suggestions', query: { ...kind, ...f } }
  }
  if (role === 'deputy') return { path: '/my-meetings', query: f }
  return { path: '/meetings', query: f }
}

// The detail page of a search result.
export function detailPath(kind, x, role) {
  if (kind === 'opinion') return `/opinions/${x.id}`
  if (kind === 'suggestion' || kind === 'motion') return role === 'deputy' ? `/my-suggestions/${x.id}` : `/suggestions/${x.id}`
  if (kind === 'deputy') return `/deputies/${x.id}`
  return role === 'deputy' ? `/my-meetings/${x.id}` : `/meetings/${x.id}`
}
