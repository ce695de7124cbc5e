// "My channels": the signed-in user's e-mail address for alerts away from the screen, usable once
// verified with the six-digit code e-mailed to it (PUT /api/me/channels, POST …/email/verify).

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { request, post } from '../api.js';
import { field, formSummary, showProblem, clearErrors } from '../forms.js';
import { section, loadPage } from './common.js';
import { notificationPermission, askNotificationPermission, pushSubscription, subscribePush } from '../notifications.js';

function status(channels) {
  if (!channels.email) {
    return t('channels.none');
  }
  return channels.emailVerified
    ? t('channels.verified', { email: channels.email })
    : t('channels.unverified', { email: channels.email });
}

/**
 * Web Push, when the server has VAPID keys: alerts reach this browser even with the dashboard closed.
 * The button subscribes (or unsubscribes) this browser; it needs the notification permission.
 */
function webPush(channels, ctx) {
  if (!channels.pushPublicKey || notificationPermission() !== 'granted') {
    return null;
  }
  const state = h('p', { id: 'push-status', role: 'status' });
  const toggle = h('button', { type: 'button', class: 'button secondary', id: 'push-toggle' });
  let current = null;
  const show = async () => {
    current = await pushSubscription();
    state.dataset.state = current ? 'on' : 'off';
    state.textContent = t(current ? 'push.on' : 'push.off');
    toggle.textContent = t(current ? 'push.stop' : 'push.start');
  };
  toggle.addEventListener('click', async () => {
    try {
      if (current) {
        await request('DELETE', `/api/me/channels/push?endpoint=${encodeURIComponent(current.endpoint)}`);
        await current.unsubscribe();
      } else {
        await request('PUT', '/api/me/channels/push', await subscribePush(channels.pushPublicKey));
      }
    } catch (error) {
      ctx.notify(t('push.failed'), { kind: 'error' });
    }
    await show();
  });
  show();
  return h('div', { class: 'push' }, h('p', { class: 'hint' }, t('push.intro')), state, toggle);
}

/** This browser's system notifications: their state, and the button that asks for them while not yet asked. */
function browserNotifications(channels, ctx) {
  const state = h('p', { id: 'browser-notify-status', role: 'status' });
  const ask = h('button', { type: 'button', class: 'button', id: 'browser-notify-enable' }, t('browserNotify.enable'));
  const show = () => {
    const permission = notificationPermission();
    state.dataset.state = permission;
    state.textContent = t(`browserNotify.${permission}`);
    ask.hidden = permission !== 'default';
  };
  ask.addEventListener('click', async () => {
    await askNotificationPermission();
    show();
  });
  show();
  return section('browserNotify.title', h('p', { class: 'hint' }, t('browserNotify.intro')), state, ask, webPush(channels, ctx));
}

export function mountChannels(container, ctx) {
  const render = (channels) => {
    const statusLine = h('p', { id: 'channel-status', role: 'status', class: channels.email && !channels.emailVerified ? 'notice' : null }, status(channels));
    const addressForm = h('form', { class: 'form', novalidate: true, id: 'channel-form' }, formSummary(),
      field('email', t('channels.email'), h('input', { type: 'email', autocomplete: 'email', value: channels.email ?? '', required: true })),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'button' }, t('channels.send')),
        channels.email ? h('button', { type: 'button', class: 'button secondary', id: 'channel-remove', onclick: () => save(null, t('channels.removed')) }, t('channels.remove')) : null));
    const verifyForm = channels.email && !channels.emailVerified
      ? h('form', { class: 'form', novalidate: true, id: 'verify-form' }, formSummary(),
        field('code', t('channels.code'), h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '6', required: true }),
          { hint: t('channels.code.hint') }),
        h('button', { type: 'submit', class: 'button' }, t('channels.verify')))
      : null;

    const save = async (email, message) => {
      clearErrors(addressForm);
      try {
        const saved = await request('PUT', '/api/me/channels', { email });
        ctx.notify(message);
        render(saved);
      } catch (error) {
        showProblem(addressForm, error);
      }
    };
    addressForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const email = addressForm.elements.email.value.trim();
      save(email, t('channels.sent', { email }));
    });
    verifyForm?.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(verifyForm);
      try {
        const verified = await post('/api/me/channels/email/verify', { code: verifyForm.elements.code.value.trim() });
        ctx.notify(t('channels.verifiedNow'));
        render(verified);
      } catch (error) {
        showProblem(verifyForm, error);
      }
    });

    container.replaceChildren(h('div', { class: 'dashboard channels' },
      h('h1', { class: 'view-title' }, t('channels.title')),
      h('p', { class: 'hint' }, t('channels.intro')),
      section('channels.email', statusLine, addressForm, verifyForm),
      browserNotifications(channels, ctx)));
  };

  return loadPage(container, 'channels', 'channels.title', '/api/me/channels', render);
}
