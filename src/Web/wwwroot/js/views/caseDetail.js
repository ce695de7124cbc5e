// One case as an involved agency sees it: details, referrals (answerable by the receiving
// agency), travel (bookable by the post that flagged it), correcting its facts and closing it with
// a reason (from arrival onward) — both by the post or an agency that accepted the person —, the
// reintegration plan with its follow-ups (started and recorded by an agency that accepted the
// person), and the timeline. Refreshes itself when the agency's feed says something happened to the case.

import { h } from '../dom.js';
import { t, e, enumValues, dateTime, country, list } from '../i18n.js';
import { get, post } from '../api.js';
import { field, choiceGroup, textInput, select, formSummary, showErrors, clearErrors, problemMessage, check, collect } from '../forms.js';
import { badge, urgencyBadge, agencyName, renderKeyed } from './common.js';
import { referralActions } from './referrals.js';
import { readForm, RetryKey, upperCaseOnChange } from './formState.js';

const AirportPattern = /^[A-Z]{3}$/;
const FlightPattern = /^[A-Z0-9]{2} ?[0-9]{1,4}[A-Z]?$/;
const TravelBookable = new Set(['Flagged', 'Verified', 'DocumentsIssued', 'TravelBooked']);
const Closable = new Set(['Arrived', 'ReceivedByAgency', 'Sheltered', 'Rehabilitation', 'Reintegration']);
const ReintegrationStartable = new Set(['Sheltered', 'Rehabilitation']);
const HomeTimeZones = { KG: 'Asia/Bishkek', KZ: 'Asia/Almaty', TJ: 'Asia/Dushanbe', TM: 'Asia/Ashgabat', UZ: 'Asia/Tashkent' };

const travelDrafts = new Map();
const travelKeys = new Map();
const closeDrafts = new Map();
const correctionDrafts = new Map();
const followUpDrafts = new Map();
const planDrafts = new Map();
window.addEventListener('session', () => {
  followUpDrafts.clear();
  planDrafts.clear();
  travelDrafts.clear();
  travelKeys.clear();
  closeDrafts.clear();
  correctionDrafts.clear();
});

/** Offset of the zone from UTC at an instant, in milliseconds. */
function zoneOffsetMs(utcMs, timeZone) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const part = (type) => Number(parts.find((p) => p.type === type).value);
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second')) - utcMs;
}

/** A wall-clock time ("2026-12-01T08:40") in an IANA zone, as a UTC ISO instant. */
export function wallTimeToUtc(local, timeZone) {
  const [date, time] = local.split('T');
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  const first = wall - zoneOffsetMs(wall, timeZone);
  return new Date(wall - zoneOffsetMs(first, timeZone)).toISOString();
}

/**
 * Runs a form's command with its submit button disabled: its answer, or null once the form shows
 * why it failed (the server's field errors beside the fields, anything else above them).
 */
async function submitted(form, send, onError = () => {}) {
  clearErrors(form);
  const button = form.querySelector('[type=submit]');
  button.disabled = true;
  try {
    return await send();
  } catch (error) {
    button.disabled = false;
    onError(error);
    if (error.status === 400 && Object.keys(error.errors).length) {
      showErrors(form, error.errors);
    } else {
      showErrors(form, {}, problemMessage(error));
    }
    return null;
  }
}

/**
 * Keeps `draft` in step with the form (so typed input survives a re-render) and, on submit, shows
 * what `validate()` finds beside the fields, or else runs `submit()`.
 */
function bindDraft(form, draft, validate, submit, multi = []) {
  const sync = () => Object.assign(draft, readForm(form, multi));
  form.addEventListener('input', sync);
  form.addEventListener('change', sync);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    sync();
    const errors = validate();
    if (Object.keys(errors).length) {
      showErrors(form, errors);
    } else {
      submit();
    }
  });
}

function details(c, ctx) {
  const row = (label, ...value) => [h('dt', {}, label), h('dd', {}, ...value)];
  const p = c.person;
  return h('dl', { class: 'details' },
    p ? row(t('case.person'), `${p.fullName} — ${e('Sex', p.sex)}, ${p.birthYear}`, c.minor ? ` (${t('case.minor')})` : '', `, ${country(p.citizenship)}`) : null,
    p?.passportNumber ? row(t('case.passport'), p.passportNumber) : null,
    p?.phone ? row(t('case.phone'), p.phone) : null,
    row(t('case.location'), `${c.location}, ${country(c.currentCountry)}`),
    row(t('case.situation'), e('Situation', c.situation)),
    row(t('case.exploitation'), e('ExploitationType', c.exploitationType)),
    row(t('case.needs'), c.needs.length ? list(c.needs.map((n) => e('Need', n))) : t('none')),
    row(t('case.urgency'), urgencyBadge(c.urgency)),
    row(t('case.homeRegion'), c.homeRegion),
    row(t('case.consent'), c.consent.given ? t('yes') : t('no'), c.consent.scope ? ` — ${c.consent.scope}` : ''),
    row(t('case.flaggedBy'), `${agencyName(ctx, c.flaggedByAgencyId)}, ${dateTime(c.flaggedAt, ctx.timeZone)}`),
    c.closureReason ? row(t('case.closureReason'), e('ClosureReason', c.closureReason)) : null);
}

/** Whether the caller's agency works on the case: the post that opened it or an agency that accepted the person. */
function worksOn(c, ctx) {
  const involved = c.flaggedByAgencyId === ctx.agency.id
    || c.referrals.some((r) => r.toAgencyId === ctx.agency.id && r.status === 'Accepted');
  return involved && ctx.me.roles.some((r) => r === 'NgoCaseworker' || r === 'ConsularOfficer');
}

const canClose = (c, ctx) => worksOn(c, ctx) && Closable.has(c.status);

/** The names of corrected facts, as the timeline shows them. */
const factNames = (fields) => list(fields.map((f) => t(`correct.field.${f}`)));

function correctionForm(c, ctx, onCorrected) {
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

function closeForm(c, ctx, onClosed) {
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

/** Whether the caller is a caseworker of an agency that accepted the person: it plans reintegration and records follow-ups. */
const receives = (c, ctx) => ctx.me.roles.includes('NgoCaseworker')
  && c.referrals.some((r) => r.toAgencyId === ctx.agency.id && r.status === 'Accepted');

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

const outcomeBadge = (outcome) => badge(e('FollowUpOutcome', outcome), `outcome-${outcome.toLowerCase()}`);

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
  const draft = planDrafts.get(c.id) ?? { services: [], goals: '', caseworker: '' };
  planDrafts.set(c.id, draft);
  const form = h('form', { class: 'plan-form', novalidate: true },
    formSummary(),
    choiceGroup('services', t('followUp.services'), 'checkbox', enumValues('ReintegrationService').map((v) => [v, e('ReintegrationService', v)]), draft.services),
    field('goals', t('followUp.goals'), h('textarea', { rows: '2', maxlength: '1000', value: draft.goals }), { hint: t('followUp.goalsHint') }),
    field('caseworker', t('followUp.caseworker'), textInput({ value: draft.caseworker, maxlength: '200' }), { hint: t('followUp.caseworkerHint') }),
    h('p', { class: 'hint' }, t('followUp.startNote')),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button primary' }, t('followUp.start'))));
  bindDraft(form, draft, () => collect({
    goals: [check.maxLength(draft.goals, 1000)],
    caseworker: [check.maxLength(draft.caseworker, 200)],
  }), async () => {
    const plan = { services: draft.services, goals: draft.goals.trim() || null, caseworker: draft.caseworker.trim() || null };
    const started = await submitted(form, () => post(`/api/cases/${encodeURIComponent(c.id)}/events`,
      { type: 'ReintegrationStarted', plan, expectedVersion: c.version }));
    if (started) {
      planDrafts.delete(c.id);
      ctx.notify(t('followUp.started.done', { id: c.id }), { kind: 'ok' });
      onStarted(started);
    }
  }, ['services']);
  return form;
}

/** The reintegration panel: the plan, each follow-up with its state, and the forms the caller may use. */
function reintegration(c, ctx, reload) {
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
    ReintegrationStartable.has(c.status) && receives(c, ctx) ? [h('h3', {}, t('followUp.startTitle')), planForm(c, ctx, reload)] : null,
  ];
}

function referrals(c, ctx, reload) {
  if (!c.referrals.length) {
    return [h('li', { class: 'empty' }, t('case.noReferrals'))];
  }
  return c.referrals.map((r) => h('li', { class: 'card referral', dataset: { referralId: r.id, status: r.status } },
    h('div', { class: 'card-head' },
      h('span', { class: 'item-type' }, t('case.referralTo', { agency: agencyName(ctx, r.toAgencyId) })),
      badge(e('ReferralStatus', r.status), `referral-${r.status.toLowerCase()}`)),
    h('p', { class: 'summary' }, t('referral.services', { services: r.services.length ? list(r.services.map((s) => e('AgencyService', s))) : t('none') })),
    r.reason ? h('p', {}, r.reason) : null,
    r.note ? h('p', {}, r.note) : null,
    h('p', { class: 'meta' }, dateTime(r.at, ctx.timeZone)),
    r.status === 'Pending' && r.toAgencyId === ctx.agency.id ? referralActions(ctx, c.id, r.id, reload) : null));
}

function travelInfo(c, ctx) {
  const tr = c.travel;
  if (!tr) {
    return h('p', { class: 'empty' }, t('case.noTravel'));
  }
  return h('dl', { class: 'details' },
    h('dt', {}, t('case.flight')),
    h('dd', {}, t('travel.flight', { flight: tr.flightNumber, from: tr.departureAirport, to: tr.arrivalAirport })),
    h('dt', {}, t('case.arrival')),
    h('dd', {}, dateTime(tr.scheduledArrival, ctx.timeZone, { zoneName: true })),
    h('dt', {}, t('case.escort')),
    h('dd', {}, tr.escort),
    h('dt', {}, t('case.document')),
    h('dd', {}, tr.travelDocument),
    tr.pickupAgencyId ? [h('dt', {}, t('case.pickup')), h('dd', {}, agencyName(ctx, tr.pickupAgencyId))] : null);
}

function travelForm(c, ctx, onBooked) {
  const draft = travelDrafts.get(c.id) ?? { timeZone: HomeTimeZones[c.citizenship] ?? 'UTC' };
  travelDrafts.set(c.id, draft);
  const v = (name) => draft[name] ?? '';
  const zones = [...new Set([draft.timeZone, ...Object.values(HomeTimeZones), ctx.timeZone, 'UTC'])];
  const form = h('form', { class: 'travel-form', novalidate: true },
    formSummary(),
    h('div', { class: 'row' },
      field('flightNumber', t('travel.flightNumber'), upperCaseOnChange(textInput({ value: v('flightNumber'), maxlength: '10' })), { hint: t('hint.flight') }),
      field('departureAirport', t('travel.departureAirport'), upperCaseOnChange(textInput({ value: v('departureAirport'), maxlength: '3' })), { hint: t('hint.airport') }),
      field('arrivalAirport', t('travel.arrivalAirport'), upperCaseOnChange(textInput({ value: v('arrivalAirport'), maxlength: '3' })), { hint: t('hint.airport') })),
    h('div', { class: 'row' },
      field('scheduledArrival', t('travel.scheduledArrival'), h('input', { type: 'datetime-local', value: v('scheduledArrival') })),
      field('timeZone', t('travel.timeZone'), select(zones.map((z) => [z, z]), draft.timeZone))),
    h('div', { class: 'row' },
      field('escort', t('travel.escort'), textInput({ value: v('escort'), maxlength: '200' })),
      field('travelDocument', t('travel.travelDocument'), textInput({ value: v('travelDocument'), maxlength: '200' }))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button primary' }, t('travel.submit'))));

  bindDraft(form, draft, () => collect({
    flightNumber: [check.required(draft.flightNumber), check.pattern(draft.flightNumber, FlightPattern, 'error.flight')],
    departureAirport: [check.required(draft.departureAirport), check.pattern(draft.departureAirport, AirportPattern, 'error.airport')],
    arrivalAirport: [check.required(draft.arrivalAirport), check.pattern(draft.arrivalAirport, AirportPattern, 'error.airport'),
      draft.arrivalAirport && draft.arrivalAirport.trim() === draft.departureAirport?.trim() ? t('error.sameAirport') : null],
    scheduledArrival: [draft.scheduledArrival ? null : t('error.dateTime')],
    escort: [check.required(draft.escort), check.maxLength(draft.escort, 200)],
    travelDocument: [check.required(draft.travelDocument), check.maxLength(draft.travelDocument, 200)],
  }), async () => {
    const body = {
      flightNumber: draft.flightNumber.trim(),
      departureAirport: draft.departureAirport.trim(),
      arrivalAirport: draft.arrivalAirport.trim(),
      scheduledArrival: wallTimeToUtc(draft.scheduledArrival, draft.timeZone),
      escort: draft.escort.trim(),
      travelDocument: draft.travelDocument.trim(),
    };
    const payload = JSON.stringify(body);
    const retryKey = travelKeys.get(c.id) ?? new RetryKey();
    travelKeys.set(c.id, retryKey);
    const key = retryKey.keyFor(payload);
    const booked = await submitted(form,
      () => post(`/api/cases/${encodeURIComponent(c.id)}/travel`, body, { headers: { 'Idempotency-Key': key } }),
      (error) => retryKey.settle(payload, key, error));
    if (booked) {
      retryKey.settle(payload, key, null);
      travelDrafts.delete(c.id);
      ctx.notify(t('travel.booked', { id: c.id }), { kind: 'ok' });
      onBooked(booked);
    }
  });
  return form;
}

export function mountCase(container, ctx, caseId) {
  const status = h('span', { class: 'status-holder' });
  const detailsHost = h('div');
  const referralList = h('ul', { class: 'cards', id: 'case-referrals' });
  const travelHost = h('div', { id: 'case-travel' });
  const travelFormHost = h('div', { id: 'case-travel-form' });
  const closeHost = h('section', { class: 'panel', id: 'case-close', 'aria-labelledby': 'h-case-close', hidden: true });
  const correctHost = h('section', { class: 'panel', id: 'case-correct', 'aria-labelledby': 'h-case-correct', hidden: true });
  const reintegrationHost = h('section', { class: 'panel', id: 'case-reintegration', 'aria-labelledby': 'h-case-reintegration', hidden: true });
  const timeline = h('ol', { class: 'timeline', id: 'case-timeline' });
  const message = h('p', { class: 'form-result', role: 'status' });

  container.replaceChildren(h('div', { class: 'case-view' },
    h('p', {}, h('a', { href: '#/', class: 'back' }, `← ${t('back')}`)),
    h('h1', { class: 'view-title' }, t('case.title', { id: caseId }), ' ', status),
    message,
    h('div', { class: 'columns' },
      h('div', { class: 'column' },
        h('section', { class: 'panel', 'aria-labelledby': 'h-case-details' }, h('h2', { id: 'h-case-details' }, t('case.status')), detailsHost),
        h('section', { class: 'panel', 'aria-labelledby': 'h-case-referrals' }, h('h2', { id: 'h-case-referrals' }, t('case.referrals')), referralList),
        reintegrationHost,
        closeHost),
      h('div', { class: 'column' },
        h('section', { class: 'panel', 'aria-labelledby': 'h-case-travel' }, h('h2', { id: 'h-case-travel' }, t('case.travel')), travelHost, travelFormHost),
        correctHost,
        h('section', { class: 'panel', 'aria-labelledby': 'h-case-timeline' }, h('h2', { id: 'h-case-timeline' }, t('case.timeline')), timeline)))));

  // The travel form stays mounted across refreshes (it may hold typed input) and is rebuilt only
  // when it appears, disappears, or has just been submitted.
  let formShown = false;
  const booked = () => {
    formShown = null;
    load();
  };
  // The close form likewise, and it is rebuilt for each new version: it closes the version it shows.
  let closeShownFor = null;
  let correctShownFor = null;
  let reintegrationShownFor = null;
  const show = (c, events) => {
    status.replaceChildren(badge(e('CaseStatus', c.status), 'status'));
    detailsHost.replaceChildren(details(c, ctx));
    renderKeyed(referralList, referrals(c, ctx, load));
    travelHost.replaceChildren(travelInfo(c, ctx));
    const canBook = ctx.me.roles.includes('ConsularOfficer') && c.flaggedByAgencyId === ctx.agency.id && TravelBookable.has(c.status);
    if (canBook !== formShown) {
      formShown = canBook;
      travelFormHost.replaceChildren(canBook ? h('h3', {}, t('travel.title')) : '', canBook ? travelForm(c, ctx, booked) : '');
    }
    const closeFor = canClose(c, ctx) ? c.version : null;
    if (closeFor !== closeShownFor) {
      closeShownFor = closeFor;
      closeHost.hidden = closeFor === null;
      closeHost.replaceChildren(...(closeFor === null ? [] : [h('h2', { id: 'h-case-close' }, t('close.title')), closeForm(c, ctx, load)]));
    }
    const correctFor = worksOn(c, ctx) ? c.version : null;
    if (correctFor !== correctShownFor) {
      correctShownFor = correctFor;
      correctHost.hidden = correctFor === null;
      correctHost.replaceChildren(...(correctFor === null ? [] : [h('h2', { id: 'h-case-correct' }, t('correct.title')), correctionForm(c, ctx, load)]));
    }
    // Rebuilt only for a new version, like the forms above: its forms may hold typed input.
    const shown = c.reintegration || c.followUps?.length || (ReintegrationStartable.has(c.status) && receives(c, ctx));
    const reintegrationFor = shown ? c.version : null;
    if (reintegrationFor !== reintegrationShownFor) {
      reintegrationShownFor = reintegrationFor;
      reintegrationHost.hidden = reintegrationFor === null;
      reintegrationHost.replaceChildren(...(reintegrationFor === null ? [] : reintegration(c, ctx, load).flat().filter(Boolean)));
    }
    timeline.replaceChildren(...events.map((ev) => h('li', { dataset: { type: ev.type, outcome: ev.outcome ?? '' }, class: ev.outcome === 'ReTrafficked' ? 'retrafficked' : '' },
      h('time', { datetime: ev.at }, dateTime(ev.at, ctx.timeZone)), ' ',
      h('strong', {}, e('CaseEventType', ev.type)), ev.reason ? ` (${e('ClosureReason', ev.reason)})` : '',
      ev.followUp ? ` (${t('timeline.followUp', { n: ev.followUp })})` : '',
      ev.outcome ? [' ', outcomeBadge(ev.outcome)] : '',
      ev.fields?.length ? h('span', { class: 'fields' }, ` (${factNames(ev.fields)})`) : '', ' — ',
      t('case.by', { user: ev.username, agency: agencyName(ctx, ev.agencyId) }),
      ev.note ? h('span', { class: 'note' }, ` · ${ev.note}`) : null)));
  };

  let stopped = false;
  async function load() {
    try {
      const [c, events] = await Promise.all([
        get(`/api/cases/${encodeURIComponent(caseId)}`),
        get(`/api/cases/${encodeURIComponent(caseId)}/timeline`),
      ]);
      if (!stopped) {
        message.textContent = '';
        show(c, events);
      }
    } catch (error) {
      if (!stopped) {
        message.textContent = error.status === 404 ? t('case.notFound') : problemMessage(error);
      }
    }
  }

  let pending = null;
  const unsubscribe = ctx.store.subscribe((change) => {
    if ([...change.added, ...change.updated].some((i) => i.caseId === caseId)) {
      clearTimeout(pending);
      pending = setTimeout(load, 200);
    }
  });
  load();
  return () => {
    stopped = true;
    unsubscribe();
    clearTimeout(pending);
  };
}
