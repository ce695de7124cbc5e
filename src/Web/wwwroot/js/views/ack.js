// The page a notification's link opens (#/ack/{token}), after sign-in: it acknowledges the alert
// for the signed-in user it was sent to, once.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { post } from '../api.js';
import { formSummary, showProblem } from '../forms.js';

export function mountAck(container, token) {
  let disposed = false;
  const frame = (...children) => container.replaceChildren(h('div', { class: 'dashboard ack' },
    h('h1', { class: 'view-title' }, t('view.ack')), ...children,
    h('p', {}, h('a', { href: '#/', id: 'ack-back' }, t('ack.back')))));
  frame(h('p', {}, t('ack.working')));
  post(`/api/ack-links/${encodeURIComponent(token)}`).then(() => {
    if (!disposed) {
      frame(h('p', { role: 'status', id: 'ack-done' }, t('ack.done')));
    }
  }, (error) => {
    if (!disposed) {
      const summary = h('div', {}, formSummary());
      frame(summary);
      showProblem(summary, error);
    }
  });
  return () => {
    disposed = true;
  };
}
