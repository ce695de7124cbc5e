// Recording the person's consent anew on a case: the whole answer, as the case should hold it from
// now on (PUT /api/cases/{id}/consent), on the version of the case the page shows. Those who met the
// person may widen it; an agency that accepted the referral may only narrow it (the server says so).

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { request } from '../api.js';
import { formSummary, collect } from '../forms.js';
import { submitted, bindDraft } from './formState.js';
import { consentDraft, consentFields, consentChecks, consentRequest, ConsentMulti } from './consentFields.js';

const consentDrafts = new Map();
window.addEventListener('session', () => consentDrafts.clear());

export function consentForm(c, ctx, onRecorded) {
  const draft = consentDrafts.get(c.id) ?? consentDraft(c.consent);
  consentDrafts.set(c.id, draft);
  const form = h('form', { class: 'consent-form', id: 'consent-form', novalidate: true },
    formSummary(),
    ...consentFields(draft),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button' }, t('consent.submit'))));

  bindDraft(form, draft, () => collect(consentChecks(draft)), async () => {
    const body = { consent: consentRequest(draft), expectedVersion: c.version };
    const recorded = await submitted(form, () => request('PUT', `/api/cases/${encodeURIComponent(c.id)}/consent`, body));
    if (recorded) {
      consentDrafts.delete(c.id);
      ctx.notify(recorded.version === c.version ? t('consent.unchanged', { id: c.id }) : t('consent.done', { id: c.id }), { kind: 'ok' });
      onRecorded(recorded);
    }
  }, ConsentMulti);
  return form;
}
