// The router of the citizens' phone pages (phone.html): no login, no session, each page sets its
// own title. The desktop router (router.js) sends these paths here with a full page load.
import { createRouter, createWebHistory } from 'vue-router'
// The page a QR code opens is in the entry itself: a first visit fetches it with the entry (the
// page names its files for preloading) rather than one round trip later. The others load lazily.
import PublicStationView from './views/PublicStationView.vue'

const routes = [
  // The public page a station's QR code opens on a citizen's phone.
  { path: '/s/:code', name: 'public-station', component: PublicStationView },
  // The citizen's opinion form (from a station's page), the page without a station, tracking.
  { path: '/s/:code/opinion', name: 'public-opinion', component: () => import('./views/PublicOpinionView.vue') },
  // Booking a reception slot at the station, and cancelling a booking by its code.
  { path: '/s/:code/booking', name: 'public-booking', component: () => import('./views/PublicBookingView.vue') },
  { path: '/opinion', name: 'public-opinion-start', component: () => import('./views/PublicOpinionView.vue') },
  { path: '/t/:code?', name: 'public-track', component: () => import('./views/PublicTrackView.vue') },
  // Published replies to deputies' suggestions.
  {
    path: '/public/suggestions/:id(\\d+)?',
    name: 'public-suggestions',
    component: () => import('./views/PublicSuggestionsView.vue'),
  },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./views/PublicNotFoundView.vue') },
]

const router = createRouter({
  history: createWebHistory('/'),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

export default router
