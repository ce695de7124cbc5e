// Browser notifications: a new alert that needs acknowledgement, arriving over the live feed while
// the dashboard is hidden (a background tab, a minimised window), shows a system notification through
// the service worker (/sw.js) — type, urgency and case id, never anything of the person. A click on it
// brings the dashboard forward on the alert's card. The user allows them on #/channels.

import { t, e } from './i18n.js';

let registration = null;

export function browserNotificationsSupported() {
  return 'Notification' in window && 'serviceWorker' in navigator && window.isSecureContext;
}

/** 'granted', 'denied', 'default' (not asked yet) or 'unsupported'. */
export function notificationPermission() {
  return browserNotificationsSupported() ? Notification.permission : 'unsupported';
}

export async function askNotificationPermission() {
  return browserNotificationsSupported() ? Notification.requestPermission() : 'unsupported';
}

/** Registers the service worker and listens for its "focus this alert" after a click on a notification. */
export function startBrowserNotifications() {
  if (!browserNotificationsSupported()) {
    return;
  }
  registration = navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => null);
  navigator.serviceWorker.addEventListener('message', (event) => {
    if (event.data?.type === 'focus-item' && event.data.itemId) {
      focusItem(event.data.itemId);
    }
  });
  const opened = /[?&]item=([0-9a-f-]{36})/.exec(location.hash)?.[1];
  if (opened) {
    history.replaceState(null, '', '#/');
    focusItem(opened);
  }
}

/** This browser's Web Push subscription, if it has one. */
export async function pushSubscription() {
  const worker = await registration;
  return worker?.pushManager ? worker.pushManager.getSubscription() : null;
}

/** Subscribes this browser to the server's pushes (VAPID public key, base64url) and returns the subscription's JSON. */
export async function subscribePush(publicKey) {
  const worker = await registration;
  const padded = publicKey.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(publicKey.length / 4) * 4, '=');
  const key = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  const subscription = await worker.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  return subscription.toJSON();
}

/** Shows the system notification of a new alert when the page is hidden and the user allowed it. */
export async function notifyInBackground(item) {
  if (document.visibilityState !== 'hidden' || notificationPermission() !== 'granted' || !item.requiresAck || item.acknowledgedAt) {
    return;
  }
  const worker = await registration;
  await worker?.showNotification(`${e('Urgency', item.urgency)} · ${e('FeedItemType', item.type)}`, {
    body: item.caseId ? t('browserNotify.case', { id: item.caseId }) : t('browserNotify.open'),
    tag: item.id,
    data: { itemId: item.id },
    requireInteraction: item.urgency === 'Critical',
  });
}

/** Scrolls to the alert's card and gives it focus, waiting for the dashboard to draw it. */
function focusItem(itemId, triesLeft = 20) {
  const card = document.querySelector(`li.feed-item[data-id="${CSS.escape(itemId)}"]`);
  if (!card) {
    if (triesLeft === 20 && !/^#\/\w*$/.test(location.hash)) {
      location.hash = '#/';
    }
    if (triesLeft > 0) {
      setTimeout(() => focusItem(itemId, triesLeft - 1), 250);
    }
    return;
  }
  card.tabIndex = -1;
  card.classList.add('focused');
  card.scrollIntoView({ block: 'center' });
  card.focus();
}
