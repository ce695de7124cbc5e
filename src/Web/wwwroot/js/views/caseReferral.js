// The referrals of a case: each with its status, who made it and, while pending, the time by which it
// must be answered before it expires (answerable by the agency it went to), and the
// opening post's form to refer the case by hand to another agency, the picker offering only the
// agencies the routing rules accept (a shelter without a free bed for the person is offered, marked full).

import { h } from '../dom.js';
import { t, e, enumValues, dateTime, list } from '../i18n.js';
import { post } from '../api.js';
import { field, choiceGroup, select, formSummary, check, collect } from '../forms.js';
import { badge, agencyName } from './common.js';
import { referralActions } from './referrals.js';
import { submitted, bindDraft } from './formState.js';
import { isFullFor } from './capacity.js';

/** The agency kinds that receive returning persons (the server's Agency.IsReceiving). */
const ReceivingKinds = new Set(['Ngo', 'Shelter', 'InternationalOrganization']);

const referralDrafts = new Map();
window.addEventListener('session', () => referralDrafts.clear());

export function referralItems(c, ctx, reload) {
  if (!c.referrals.length) {
    return [h('li', { class: 'empty' }, t('case.noReferrals'))];
  }
  return c.referrals.map((r) => h('li', { class: 'card referral', dataset: { referralId: r.id, status: r.status } },
    h('div', { class: 'card-head' },
      h('span', { class: 'item-type' }, t('case.referralTo', { agency: agencyName(ctx, r.toAgencyId) })),
      badge(e('ReferralStatus', r.status), `referral-${r.status.toLowerCase()}`)),
    h('p', { class: 'summary' }, t('referral.services', { services: r.services.length ? list(r.services.map((s) => e('AgencyService', s))) : t('none') })),
    r.reason && r.status !== 'Expired' ? h('p', {}, r.reason) : null,
    r.note ? h('p', {}, r.note) : null,
    r.byAgencyId ? h('p', { class: 'meta referral-by' }, t('referral.by', { agency: agencyName(ctx, r.byAgencyId) })) : null,
    h('p', { class: 'meta' }, dateTime(r.at, ctx.timeZone)),
    r.status === 'Pending' && r.answerBy ? h('p', { class: 'deadline answer-by' }, t('referral.answerBy', { at: dateTime(r.answerBy, ctx.timeZone) })) : null,
    r.status === 'Pending' && r.toAgencyId === ctx.agency.id ? referralActions(ctx, c.id, r.id, reload) : null));
}

/**
 * The agencies a referral by hand may go to, as the server routes it: receiving, active, of the
 * person's country, offering every chosen service, and not already holding an open referral.
 */
function candidates(c, ctx, services) {
  const taken = new Set(c.referrals.filter((r) => r.status === 'Pending' || r.status === 'Accepted').map((r) => r.toAgencyId));
  return [...ctx.agencies.values()]
    .filter((a) => ReceivingKinds.has(a.kind) && !a.deactivatedAt && a.country === c.citizenship && !taken.has(a.id)
      && services.every((s) => a.services.includes(s)))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function referralForm(c, ctx, onReferred) {
  const draft = referralDrafts.get(c.id) ?? { services: [], toAgencyId: '', note: '' };
  referralDrafts.set(c.id, draft);
  const picker = select([], '');
  const fillPicker = () => {
    const agencies = candidates(c, ctx, draft.services);
    if (!agencies.some((a) => a.id === draft.toAgencyId)) {
      draft.toAgencyId = '';
    }
    const first = ['', agencies.length ? t('refer.chooseAgency') : t('refer.noAgency')];
    picker.replaceChildren(...[first, ...agencies.map((a) => [a.id, isFullFor(a, c.minor) ? t('capacity.fullOption', { name: a.name }) : a.name])]
      .map(([value, text]) => h('option', { value, selected: value === draft.toAgencyId }, text)));
  };
  fillPicker();
  const form = h('form', { class: 'referral-form', novalidate: true },
    formSummary(),
    c.flaggedByAgencyId === ctx.agency.id ? null : h('p', { class: 'hint' }, t('refer.onwardHint')),
    choiceGroup('services', t('refer.services'), 'checkbox', enumValues('AgencyService').map((s) => [s, e('AgencyService', s)]), draft.services),
    field('toAgencyId', t('refer.agency'), picker, { hint: t('refer.agencyHint') }),
    field('note', t('refer.note'), h('textarea', { rows: '2', maxlength: '1000', value: draft.note }), { hint: t('refer.noteHint') }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button primary' }, t('refer.submit'))));

  bindDraft(form, draft, () => collect({
    toAgencyId: [check.required(draft.toAgencyId)],
    note: [check.maxLength(draft.note, 1000)],
  }), async () => {
    const body = { toAgencyId: draft.toAgencyId, services: draft.services, note: draft.note.trim() || null };
    const referred = await submitted(form, () => post(`/api/cases/${encodeURIComponent(c.id)}/referrals`, body));
    if (referred) {
      referralDrafts.delete(c.id);
      ctx.notify(t('refer.done', { id: c.id, agency: agencyName(ctx, body.toAgencyId) }), { kind: 'ok' });
      onReferred(referred);
    }
  }, ['services']);
  // After bindDraft's own listener, so the draft already holds the services just chosen.
  form.addEventListener('change', (event) => {
    if (event.target.name === 'services') {
      fillPicker();
    }
  });
  return form;
}
