// The case's next steps that the server offers the caller (the case's allowedActions): one button
// per lifecycle step and per consent change, each recorded with the optional note and the version
// of the case the page shows, so a step is never taken on a case that changed unseen.

import { h } from '../dom.js';
import { t, e } from '../i18n.js';
import { post } from '../api.js';
import { field, formSummary, showErrors, showProblem, clearErrors, check, collect } from '../forms.js';

/** Steps recorded with a note only; closing and starting reintegration have their own forms. */
const Steps = ['Verified', 'DocumentsIssued', 'Departed', 'Arrived', 'ReceivedByAgency', 'Sheltered', 'RehabilitationStarted', 'Withdrawn', 'Reopened'];
const ConsentChanges = ['ConsentGiven', 'ConsentWithdrawn'];
const Ending = new Set(['Withdrawn', 'ConsentWithdrawn']);

const noteDrafts = new Map();
window.addEventListener('session', () => noteDrafts.clear());

const offered = (c, types) => types.filter((type) => (c.allowedActions ?? []).includes(type));

/** Whether the caller has any step to take here. */
export const hasSteps = (c) => offered(c, [...Steps, ...ConsentChanges]).length > 0;

/**
 * The note and the step buttons. `onRecorded` runs after a step is recorded; `onStale` after the
 * server refused it because the case changed since the page showed it (409), to show the case anew.
 */
export function stepsForm(c, ctx, onRecorded, onStale) {
  const note = h('textarea', { rows: '2', maxlength: '1000', value: noteDrafts.get(c.id) ?? '' });
  note.addEventListener('input', () => noteDrafts.set(c.id, note.value));
  const button = (type) => h('button', { type: 'submit', value: type, class: `button ${Ending.has(type) ? 'danger' : 'primary'}`, dataset: { step: type } },
    t(`step.${type}`));
  const steps = offered(c, Steps);
  const consent = offered(c, ConsentChanges);
  const form = h('form', { class: 'steps-form', novalidate: true },
    formSummary(),
    field('stepNote', t('step.note'), note, { hint: t('step.noteHint') }),
    steps.length ? h('div', { class: 'actions', role: 'group', 'aria-label': t('step.steps') }, steps.map(button)) : null,
    consent.length ? h('div', { class: 'actions', role: 'group', 'aria-label': t('step.consent') }, consent.map(button)) : null);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const type = event.submitter?.value;
    if (!type) {
      return;
    }
    const text = note.value.trim();
    const errors = collect({ stepNote: [check.maxLength(text, 1000)] });
    if (Object.keys(errors).length) {
      showErrors(form, errors);
      return;
    }
    clearErrors(form);
    const buttons = [...form.querySelectorAll('button')];
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const recorded = await post(`/api/cases/${encodeURIComponent(c.id)}/events`, { type, note: text || null, expectedVersion: c.version });
      noteDrafts.delete(c.id);
      ctx.notify(t('step.done', { id: c.id, step: e('CaseEventType', type) }), { kind: 'ok' });
      onRecorded(recorded);
    } catch (error) {
      buttons.forEach((b) => { b.disabled = false; });
      if (error.status === 409) {
        // The note stays in its draft: the form shown for the new version offers it again.
        ctx.notify(t('step.stale', { id: c.id }), { kind: 'error' });
        onStale();
        return;
      }
      // The server names the request's field; here it is this form's note.
      if (error.errors?.note) {
        error.errors.stepNote = error.errors.note;
        delete error.errors.note;
      }
      showProblem(form, error);
    }
  });
  return form;
}
