// pi-forge service worker: makes the app installable and answers navigations with an offline page
// when the server is unreachable. The API (/api/*) is never cached or intercepted: every call goes
// to the network, so no stale data or credentials ever come from a cache.
const CACHE = 'pi-forge-shell-v1';
const SHELL = ['/offline.html', '/manifest.webmanifest', '/icons/icon.svg', '/icons/icon-192.png'];
const NAV_TIMEOUT_MS = 3000;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((c) => c.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return; // network only
  if (req.mode === 'navigate') {
    // Network first; after 3 s without an answer, or on failure, the offline page.
    event.respondWith(
      new Promise((resolve) => {
        let settled = false;
        const offline = () => caches.match('/offline.html').then((r) => r ?? new Response('offline', { status: 503 }));
        const timer = setTimeout(() => {
          if (!settled) {
            settled = true;
            resolve(offline());
          }
        }, NAV_TIMEOUT_MS);
        fetch(req)
          .then((res) => {
            if (!settled) {
              settled = true;
              clearTimeout(timer);
              resolve(res);
            }
          })
          .catch(() => {
            if (!settled) {
              settled = true;
              clearTimeout(timer);
              resolve(offline());
            }
          });
      }),
    );
    return;
  }
  // Hashed build assets never change: serve from cache, fill it from the network.
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(
      caches.open(CACHE).then(
        async (c) =>
          (await c.match(req)) ??
          fetch(req).then((res) => {
            if (res.ok) c.put(req, res.clone());
            return res;
          }),
      ),
    );
  }
});
