// The dashboard's service worker (scope "/"): it shows the system notifications of new alerts that
// the page raises while it is hidden (js/notifications.js) and those pushed by the server through Web
// Push when the dashboard is closed, and a click on one focuses a dashboard window on the alert,
// opening one if none is open. It caches nothing and reads no data: a notification carries only the
// alert's type, case id and urgency, and its item id.

self.addEventListener('install', () => self.skipWaiting());

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

// A level of an escalation walk, pushed by the silo (encrypted for this browser): {itemId, caseId, type, urgency}.
self.addEventListener('push', (event) => {
  const alert = event.data?.json() ?? {};
  event.waitUntil(self.registration.showNotification(`${alert.urgency ?? ''} · ${alert.type ?? ''}`, {
    body: alert.caseId ?? '',
    tag: alert.itemId,
    data: { itemId: alert.itemId ?? null },
    requireInteraction: alert.urgency === 'Critical',
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const itemId = event.notification.data?.itemId ?? null;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const dashboard = windows.find((client) => new URL(client.url).origin === self.location.origin);
    if (dashboard) {
      await dashboard.focus();
      dashboard.postMessage({ type: 'focus-item', itemId });
    } else {
      await self.clients.openWindow(itemId ? `/#/?item=${encodeURIComponent(itemId)}` : '/');
    }
  })());
});
