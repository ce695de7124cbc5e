// Closing a case for a reason (from the person's arrival home onward), with a note.

import { h } from '../dom.js';
import { t, e, enumValues } from '../i18n.js';
import { post } from '../api.js';
import { field, select, formSummary, check, collect } from '../forms.js';
import { submitted, bindDraft } from './formState.js';

const closeDrafts = new Map();
window.addEventListener('session', () => closeDrafts.clear());

export function closeForm(c, ctx, onClosed) {
  const draft = closeDrafts.get(c.id) ?? { reason: '', note: '' };
  closeDrafts.set(c.id, draft);
  const reasons = [['', t('close.chooseReason')], ...enumValues('ClosureReason').map((r) => [r, e('ClosureReason', r)])];
  const form = h('form', { class: 'close-form', novalidate: true },
    formSummary(),
    field('reason', t('close.reason'), select(reasons, draft.reason)),
    field('note', t('close.note'), h('textarea', { rows: '2', maxlength: '1000', value: draft.note }), { hint: t('close.noteHint') }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button danger' }, t('close.submit'))));

  bindDraft(form, draft, () => collect({
    reason: [check.required(draft.reason)],
    note: [draft.reason === 'Other' ? check.required(draft.note) : null, check.maxLength(draft.note, 1000)],
  }), async () => {
    // The version the form was shown for: a case changed meanwhile is not closed unseen.
    const closed = await submitted(form, () => post(`/api/cases/${encodeURIComponent(c.id)}/events`,
      { type: 'Closed', reason: draft.reason, note: draft.note.trim() || null, expectedVersion: c.version }));
    if (closed) {
      closeDrafts.delete(c.id);
      ctx.notify(t('close.done', { id: c.id, reason: e('ClosureReason', draft.reason) }), { kind: 'ok' });
      onClosed(closed);
    }
  });
  return form;
}
