// The citizens' phone pages live in their own entry (phone.html, src/phone.js): a QR code's visitor
// downloads Vue, the router and the few Vant parts the page draws, not the desktop's Element Plus.
// The server picks the page by the first segment of the path (src/http.c, phone_page); this is the
// same list for the desktop router (which hands these paths over with a full page load) and for
// the development server (vite.config.js). Keep the three in step.
export const PHONE_SEGMENTS = ['s', 'opinion', 't', 'public']

// True when the path's first segment is one of the phone pages' ("/s/x", "/t", not "/opinions").
export function isPhonePath(path) {
  const seg = String(path || '').split('/')[1] || ''
  return PHONE_SEGMENTS.includes(seg)
}
