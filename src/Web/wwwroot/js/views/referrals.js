// Accepting or declining a referral, from the referrals list or from the case view.

import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { post } from '../api.js';
import { field, formSummary, showErrors, problemMessage, check, collect } from '../forms.js';
import { acknowledge } from './common.js';

// Open decline forms and their half-typed reasons survive the re-render of a list.
const declineDrafts = new Map();

window.addEventListener('session', () => declineDrafts.clear());

async function answer(ctx, caseId, referralId, accept, reason) {
  const path = `/api/cases/${encodeURIComponent(caseId)}/referrals/${encodeURIComponent(referralId)}/${accept ? 'accept' : 'decline'}`;
  const view = await post(path, accept ? undefined : { reason });
  // The server settles the alert when the referral is answered; acknowledging it here (idempotent)
  // brings the settled item to this page at once instead of waiting for the push.
  const alerts = ctx.store.items().filter((i) =>
    i.type === 'ReferralReceived' && i.caseId === caseId && i.data?.referralId === referralId && !i.acknowledgedAt);
  await Promise.all(alerts.map((item) => acknowledge(ctx, item)));
  ctx.notify(t(accept ? 'referral.accepted' : 'referral.declined', { id: caseId }), { kind: 'ok' });
  return view;
}

/** Accept / Decline buttons; Decline opens a reason field first. */
export function referralActions(ctx, caseId, referralId, onAnswered) {
  const key = `${caseId}/${referralId}`;
  const container = h('div', { class: 'referral-actions' });

  const run = async (button, accept, reason, form) => {
    button.disabled = true;
    try {
      const view = await answer(ctx, caseId, referralId, accept, reason);
      declineDrafts.delete(key);
      onAnswered?.(view);
    } catch (error) {
      button.disabled = false;
      if (form && error.status === 400 && Object.keys(error.errors).length) {
        showErrors(form, error.errors);
      } else {
        ctx.notify(problemMessage(error), { kind: 'error' });
      }
    }
  };

  const render = () => {
    const draft = declineDrafts.get(key);
    if (!draft) {
      container.replaceChildren(
        h('button', { type: 'button', class: 'button', dataset: { focusKey: `accept-${key}`, action: 'accept' },
          onclick: (event) => run(event.currentTarget, true) }, t('referral.accept')),
        h('button', { type: 'button', class: 'button secondary', dataset: { focusKey: `decline-${key}`, action: 'decline' },
          onclick: () => {
            declineDrafts.set(key, { reason: '' });
            render();
            container.querySelector('textarea')?.focus();
          } }, t('referral.decline')));
      return;
    }

    const reason = h('textarea', { rows: '2', id: uid('reason'), value: draft.reason, dataset: { focusKey: `reason-${key}` },
      oninput: (event) => { draft.reason = event.target.value; } });
    const form = h('form', { class: 'decline-form', novalidate: true },
      formSummary(),
      field('reason', t('referral.reason'), reason),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'button danger', dataset: { focusKey: `confirm-${key}` } }, t('referral.confirmDecline')),
        h('button', { type: 'button', class: 'button secondary', dataset: { focusKey: `cancel-${key}` },
          onclick: () => {
            declineDrafts.delete(key);
            render();
            container.querySelector('[data-action="decline"]')?.focus();
          } }, t('referral.cancel'))));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const errors = collect({ reason: [check.required(draft.reason), check.maxLength(draft.reason, 1000)] });
      if (Object.keys(errors).length) {
        showErrors(form, errors);
        return;
      }
      run(event.submitter ?? form.querySelector('[type=submit]'), false, draft.reason.trim(), form);
    });
    container.replaceChildren(form);
  };

  render();
  return container;
}
