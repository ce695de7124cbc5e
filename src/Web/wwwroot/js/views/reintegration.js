// The reintegration panel of a case: the plan, each follow-up with its state, the form to start
// reintegration with a plan and the forms to record a due follow-up's outcome.

import { h } from '../dom.js';
import { t, e, enumValues, dateTime, list } from '../i18n.js';
import { post } from '../api.js';
import { field, choiceGroup, textInput, select, formSummary, check, collect } from '../forms.js';
import { badge, agencyName } from './common.js';
import { submitted, bindDraft } from './formState.js';

const followUpDrafts = new Map();
const planDrafts = new Map();
window.addEventListener('session', () => {
  followUpDrafts.clear();
  planDrafts.clear();
});

/** Whether the caller is a caseworker of an agency that accepted the person: it records follow-ups. */
const receives = (c, ctx) => ctx.me.roles.includes('NgoCaseworker')
  && c.referrals.some((r) => r.toAgencyId === ctx.agency.id && r.status === 'Accepted');

/** Whether the server offers the caller to start reintegration now. */
const mayStart = (c) => (c.allowedActions ?? []).includes('ReintegrationStarted');

/** Whether the case has a reintegration panel to show the caller. */
export const hasReintegration = (c) => Boolean(c.reintegration || c.followUps?.length || mayStart(c));

/** Where a follow-up stands, as the server last said: recorded, overdue, due (its item was sent) or scheduled. */
function followUpState(f) {
  if (f.outcome) {
    return 'recorded';
  }
  if (f.raised && Date.parse(f.deadline) < Date.now()) {
    return 'overdue';
  }
  return f.raised ? 'due' : 'scheduled';
}

export const outcomeBadge = (outcome) => badge(e('FollowUpOutcome', outcome), `outcome-${outcome.toLowerCase()}`);

function followUpForm(c, f, ctx, onRecorded) {
  const key = `${c.id}/${f.number}`;
  const draft = followUpDrafts.get(key) ?? { outcome: '', note: '' };
  followUpDrafts.set(key, draft);
  const outcomes = [['', t('followUp.chooseOutcome')], ...enumValues('FollowUpOutcome').map((o) => [o, e('FollowUpOutcome', o)])];
  const form = h('form', { class: 'follow-up-form', novalidate: true, dataset: { followUp: f.number } },
    formSummary(),
    field('outcome', t('followUp.outcome'), select(outcomes, draft.outcome)),
    field('note', t('followUp.note'), h('textarea', { rows: '2', maxlength: '1000', value: draft.note }), { hint: t('followUp.noteHint') }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button primary' }, t('followUp.submit', { n: f.number }))));
  bindDraft(form, draft, () => collect({
    outcome: [check.required(draft.outcome)],
    note: [check.maxLength(draft.note, 1000)],
  }), async () => {
    const recorded = await submitted(form, () => post(`/api/cases/${encodeURIComponent(c.id)}/followups/${f.number}`,
      { outcome: draft.outcome, note: draft.note.trim() || null }));
    if (recorded) {
      followUpDrafts.delete(key);
      ctx.notify(t('followUp.done', { n: f.number, id: c.id, outcome: e('FollowUpOutcome', draft.outcome) }), { kind: 'ok' });
      onRecorded(recorded);
    }
  });
  return form;
}

function planForm(c, ctx, onStarted) {
  const draft = planDrafts.get(c.id) ?? { services: [], goals: '', caseworker: '', note: '' };
  planDrafts.set(c.id, draft);
  const form = h('form', { class: 'plan-form', novalidate: true },
    formSummary(),
    choiceGroup('services', t('followUp.services'), 'checkbox', enumValues('ReintegrationService').map((v) => [v, e('ReintegrationService', v)]), draft.services),
    field('goals', t('followUp.goals'), h('textarea', { rows: '2', maxlength: '1000', value: draft.goals }), { hint: t('followUp.goalsHint') }),
    field('caseworker', t('followUp.caseworker'), textInput({ value: draft.caseworker, maxlength: '200' }), { hint: t('followUp.caseworkerHint') }),
    field('note', t('step.note'), h('textarea', { rows: '2', maxlength: '1000', value: draft.note }), { hint: t('step.noteHint') }),
    h('p', { class: 'hint' }, t('followUp.startNote')),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button primary' }, t('followUp.start'))));
  bindDraft(form, draft, () => collect({
    goals: [check.maxLength(draft.goals, 1000)],
    caseworker: [check.maxLength(draft.caseworker, 200)],
    note: [check.maxLength(draft.note, 1000)],
  }), async () => {
    const plan = { services: draft.services, goals: draft.goals.trim() || null, caseworker: draft.caseworker.trim() || null };
    const started = await submitted(form, () => post(`/api/cases/${encodeURIComponent(c.id)}/events`,
      { type: 'ReintegrationStarted', plan, note: draft.note.trim() || null, expectedVersion: c.version }));
    if (started) {
      planDrafts.delete(c.id);
      ctx.notify(t('followUp.started.done', { id: c.id }), { kind: 'ok' });
      onStarted(started);
    }
  }, ['services']);
  return form;
}

/** The reintegration panel: the plan, each follow-up with its state, and the forms the caller may use. */
export function reintegration(c, ctx, reload) {
  const plan = c.reintegration;
  const followUps = c.followUps ?? [];
  const row = (label, value) => [h('dt', {}, label), h('dd', {}, value)];
  return [
    h('h2', { id: 'h-case-reintegration' }, t('followUp.title')),
    plan
      ? h('dl', { class: 'details plan' },
        row(t('followUp.services'), plan.services.length ? list(plan.services.map((v) => e('ReintegrationService', v))) : t('none')),
        plan.goals ? row(t('followUp.goals'), plan.goals) : null,
        plan.caseworker ? row(t('followUp.caseworker'), plan.caseworker) : null,
        row(t('followUp.plan'), t('followUp.started', { at: dateTime(plan.startedAt, ctx.timeZone), agency: agencyName(ctx, plan.agencyId) })))
      : h('p', { class: 'empty' }, t('followUp.none')),
    followUps.length ? h('h3', {}, t('followUp.list')) : null,
    followUps.length ? h('ul', { class: 'cards', id: 'case-follow-ups' }, followUps.map((f) => {
      const state = followUpState(f);
      return h('li', { class: `card follow-up${state === 'overdue' || f.outcome === 'ReTrafficked' ? ' overdue' : ''}`, dataset: { followUp: f.number, state } },
        h('div', { class: 'card-head' },
          h('span', { class: 'item-type' }, t('followUp.number', { n: f.number }), ' — ', t('followUp.dueAt', { at: dateTime(f.dueAt, ctx.timeZone) })),
          f.outcome ? outcomeBadge(f.outcome) : badge(state === 'overdue' ? t('followUp.overdue', { at: dateTime(f.deadline, ctx.timeZone) })
            : state === 'due' ? t('followUp.due') : t('followUp.scheduled'), `follow-up-${state}`)),
        f.note ? h('p', {}, f.note) : null,
        f.recordedAt ? h('p', { class: 'meta' }, t('followUp.recordedBy', { user: f.recordedBy, at: dateTime(f.recordedAt, ctx.timeZone) })) : null,
        !f.outcome && f.raised && receives(c, ctx) ? followUpForm(c, f, ctx, reload) : null);
    })) : null,
    mayStart(c) ? [h('h3', {}, t('followUp.startTitle')), planForm(c, ctx, reload)] : null,
  ];
}
