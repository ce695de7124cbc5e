// Correcting a case's facts (home region, birth year, needs) with the reason they were wrong.

import { h } from '../dom.js';
import { t, e, enumValues, list } from '../i18n.js';
import { post } from '../api.js';
import { field, choiceGroup, textInput, formSummary, check, collect } from '../forms.js';
import { submitted, bindDraft } from './formState.js';

const correctionDrafts = new Map();
window.addEventListener('session', () => correctionDrafts.clear());

/** The names of corrected facts, as the timeline shows them. */
export const factNames = (fields) => list(fields.map((f) => t(`correct.field.${f}`)));

export function correctionForm(c, ctx, onCorrected) {
  const draft = correctionDrafts.get(c.id) ?? { homeRegion: c.homeRegion, birthYear: '', needs: [...c.needs], reason: '' };
  correctionDrafts.set(c.id, draft);
  const form = h('form', { class: 'correction-form', novalidate: true },
    formSummary(),
    h('div', { class: 'row' },
      field('homeRegion', t('correct.homeRegion'), textInput({ value: draft.homeRegion, maxlength: '100' })),
      field('birthYear', t('correct.birthYear'), textInput({ value: draft.birthYear, inputmode: 'numeric', maxlength: '4' }),
        { hint: c.person ? t('correct.birthYearNow', { year: c.person.birthYear }) : t('correct.birthYearHint') })),
    choiceGroup('needs', t('correct.needs'), 'checkbox', enumValues('Need').map((n) => [n, e('Need', n)]), draft.needs),
    field('reason', t('correct.reason'), h('textarea', { rows: '2', maxlength: '1000', value: draft.reason }), { hint: t('correct.reasonHint') }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button' }, t('correct.submit'))));

  const year = () => draft.birthYear.trim();
  bindDraft(form, draft, () => collect({
    homeRegion: [check.required(draft.homeRegion), check.maxLength(draft.homeRegion, 100)],
    birthYear: [year() && !/^\d{4}$/.test(year()) ? t('error.number') : null],
    reason: [check.required(draft.reason), check.maxLength(draft.reason, 1000)],
  }), async () => {
    // Every fact as the form shows it; the server records only those that differ from the case.
    const body = { homeRegion: draft.homeRegion.trim(), needs: draft.needs, reason: draft.reason.trim(), expectedVersion: c.version };
    if (year()) {
      body.birthYear = Number(year());
    }
    const corrected = await submitted(form, () => post(`/api/cases/${encodeURIComponent(c.id)}/corrections`, body));
    if (corrected) {
      correctionDrafts.delete(c.id);
      ctx.notify(corrected.version === c.version ? t('correct.unchanged', { id: c.id }) : t('correct.done', { id: c.id }), { kind: 'ok' });
      onCorrected(corrected);
    }
  }, ['needs']);
  return form;
}
