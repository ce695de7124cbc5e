// The journey home of a case: what is booked, and the consul's form to book (or re-book) it — a
// flight between airports, or a train or bus between places of the directory — with the arrival
// typed as the wall-clock time of a chosen zone.

import { h } from '../dom.js';
import { t, e, dateTime } from '../i18n.js';
import { post } from '../api.js';
import { field, textInput, select, formSummary, check, collect } from '../forms.js';
import { agencyName, journeyText } from './common.js';
import { RetryKey, upperCaseOnChange, submitted, bindDraft } from './formState.js';

const AirportPattern = /^[A-Z]{3}$/;
const FlightPattern = /^[A-Z0-9]{2} ?[0-9]{1,4}[A-Z]?$/;
const Modes = ['Air', 'Road', 'Rail'];
const HomeTimeZones = { KG: 'Asia/Bishkek', KZ: 'Asia/Almaty', TJ: 'Asia/Dushanbe', TM: 'Asia/Ashgabat', UZ: 'Asia/Tashkent' };

const travelDrafts = new Map();
const travelKeys = new Map();
window.addEventListener('session', () => {
  travelDrafts.clear();
  travelKeys.clear();
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

export function travelInfo(c, ctx) {
  const tr = c.travel;
  if (!tr) {
    return h('p', { class: 'empty' }, t('case.noTravel'));
  }
  const zone = ctx.places?.get(tr.arrivalPlace)?.timeZone ?? ctx.timeZone;
  return h('dl', { class: 'details' },
    h('dt', {}, !tr.mode || tr.mode === 'Air' ? t('case.flight') : t('case.journey')),
    h('dd', {}, journeyText(tr, ctx)),
    h('dt', {}, t('case.arrival')),
    h('dd', {}, dateTime(tr.scheduledArrival, zone, { zoneName: true })),
    h('dt', {}, t('case.escort')),
    h('dd', {}, tr.escort),
    h('dt', {}, t('case.document')),
    h('dd', {}, tr.travelDocument),
    tr.pickupAgencyId ? [h('dt', {}, t('case.pickup')), h('dd', {}, agencyName(ctx, tr.pickupAgencyId))] : null);
}

/** The consul's form to move the arrival of the journey under way (a delay), typed as the wall-clock time of a chosen zone. */
export function delayForm(c, ctx, onDelayed) {
  const zone = ctx.places?.get(c.travel?.arrivalPlace)?.timeZone ?? HomeTimeZones[c.citizenship] ?? 'UTC';
  const zones = [...new Set([zone, ...Object.values(HomeTimeZones), ctx.timeZone, 'UTC'])];
  const form = h('form', { class: 'delay-form', novalidate: true },
    formSummary(),
    h('div', { class: 'row' },
      field('scheduledArrival', t('travel.delay.arrival'), h('input', { type: 'datetime-local' })),
      field('timeZone', t('travel.timeZone'), select(zones.map((z) => [z, z]), zone))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button primary' }, t('travel.delay.submit'))));
  const draft = {};
  bindDraft(form, draft, () => collect({ scheduledArrival: [draft.scheduledArrival ? null : t('error.dateTime')] }), async () => {
    const body = { scheduledArrival: wallTimeToUtc(draft.scheduledArrival, draft.timeZone) };
    const delayed = await submitted(form, () => post(`/api/cases/${encodeURIComponent(c.id)}/travel/delay`, body));
    if (delayed) {
      ctx.notify(t('travel.delay.done', { id: c.id }), { kind: 'ok' });
      onDelayed(delayed);
    }
  });
  return form;
}

export function travelForm(c, ctx, onBooked) {
  const draft = travelDrafts.get(c.id) ?? { timeZone: HomeTimeZones[c.citizenship] ?? 'UTC' };
  travelDrafts.set(c.id, draft);
  const v = (name) => draft[name] ?? '';
  const zones = [...new Set([draft.timeZone, ...Object.values(HomeTimeZones), ctx.timeZone, 'UTC'])];
  const places = [...(ctx.places?.values() ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  const placeOptions = [['', t('flag.choose')], ...places.map((p) => [p.code, `${p.name} (${p.code})`])];
  const flightFields = h('div', { class: 'row', dataset: { mode: 'Air' } },
    field('flightNumber', t('travel.flightNumber'), upperCaseOnChange(textInput({ value: v('flightNumber'), maxlength: '10' })), { hint: t('hint.flight') }),
    field('departureAirport', t('travel.departureAirport'), upperCaseOnChange(textInput({ value: v('departureAirport'), maxlength: '3' })), { hint: t('hint.airport') }),
    field('arrivalAirport', t('travel.arrivalAirport'), upperCaseOnChange(textInput({ value: v('arrivalAirport'), maxlength: '3' })), { hint: t('hint.airport') }));
  const landFields = h('div', { class: 'row', dataset: { mode: 'Land' } },
    field('reference', t('travel.reference'), textInput({ value: v('reference'), maxlength: '20' })),
    field('departurePlace', t('travel.departurePlace'), select(placeOptions, v('departurePlace'))),
    field('arrivalPlace', t('travel.arrivalPlace'), select(placeOptions, v('arrivalPlace')), places.length ? {} : { hint: t('travel.noPlaces') }));
  const modeSelect = select(Modes.map((m) => [m, e('TravelMode', m)]), draft.mode ?? 'Air');
  const showMode = () => {
    const air = modeSelect.value === 'Air';
    flightFields.hidden = !air;
    landFields.hidden = air;
  };
  modeSelect.addEventListener('change', showMode);
  showMode();
  const form = h('form', { class: 'travel-form', novalidate: true },
    formSummary(),
    h('div', { class: 'row' }, field('mode', t('travel.mode'), modeSelect)),
    flightFields,
    landFields,
    h('div', { class: 'row' },
      field('scheduledArrival', t('travel.scheduledArrival'), h('input', { type: 'datetime-local', value: v('scheduledArrival') })),
      field('timeZone', t('travel.timeZone'), select(zones.map((z) => [z, z]), draft.timeZone))),
    h('div', { class: 'row' },
      field('escort', t('travel.escort'), textInput({ value: v('escort'), maxlength: '200' })),
      field('travelDocument', t('travel.travelDocument'), textInput({ value: v('travelDocument'), maxlength: '200' }))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button primary' }, t('travel.submit'))));

  bindDraft(form, draft, () => {
    const air = (draft.mode ?? 'Air') === 'Air';
    return collect({
      flightNumber: air ? [check.required(draft.flightNumber), check.pattern(draft.flightNumber, FlightPattern, 'error.flight')] : [],
      departureAirport: air ? [check.required(draft.departureAirport), check.pattern(draft.departureAirport, AirportPattern, 'error.airport')] : [],
      arrivalAirport: air ? [check.required(draft.arrivalAirport), check.pattern(draft.arrivalAirport, AirportPattern, 'error.airport'),
        draft.arrivalAirport && draft.arrivalAirport.trim() === draft.departureAirport?.trim() ? t('error.sameAirport') : null] : [],
      reference: air ? [] : [check.maxLength(draft.reference, 20)],
      departurePlace: air ? [] : [check.required(draft.departurePlace)],
      arrivalPlace: air ? [] : [check.required(draft.arrivalPlace),
        draft.arrivalPlace && draft.arrivalPlace === draft.departurePlace ? t('travel.error.samePlace') : null],
      scheduledArrival: [draft.scheduledArrival ? null : t('error.dateTime')],
      escort: [check.required(draft.escort), check.maxLength(draft.escort, 200)],
      travelDocument: [check.required(draft.travelDocument), check.maxLength(draft.travelDocument, 200)],
    });
  }, async () => {
    const journey = (draft.mode ?? 'Air') === 'Air'
      ? { flightNumber: draft.flightNumber.trim(), departureAirport: draft.departureAirport.trim(), arrivalAirport: draft.arrivalAirport.trim() }
      : { mode: draft.mode, reference: draft.reference?.trim() || null, departurePlace: draft.departurePlace, arrivalPlace: draft.arrivalPlace };
    const body = {
      ...journey,
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
