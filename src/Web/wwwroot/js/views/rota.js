// The coordinator's duty rota: weekly shifts and overrides in the agency's time zone, saved whole
// (PUT /api/agencies/{id}/rota), and a warning for every time of the coming week with nobody on duty.

import { h } from '../dom.js';
import { t, dateTime } from '../i18n.js';
import { request } from '../api.js';
import { field, choiceGroup, select, formSummary, showProblem, clearErrors } from '../forms.js';
import { section, loadPage } from './common.js';

const Days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** The wall-clock parts of an instant in a time zone. */
function wallClock(ms, timeZone) {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  }).formatToParts(new Date(ms));
  const part = (type) => Number(parts.find((p) => p.type === type).value);
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'));
}

/** "2026-12-31T18:00" on the agency's wall clock → the ISO instant; the browser's own zone plays no part. */
function toInstant(local, timeZone) {
  const [date, time] = local.split('T');
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const wanted = Date.UTC(y, m - 1, d, hh, mm);
  let guess = wanted;
  // Twice: the second pass settles an instant next to a change of offset.
  for (let i = 0; i < 2; i += 1) {
    guess += wanted - wallClock(guess, timeZone);
  }
  return new Date(guess).toISOString();
}

/** An ISO instant → "2026-12-31T18:00" on the agency's wall clock, for a datetime-local input. */
function toLocal(iso, timeZone) {
  return new Date(wallClock(Date.parse(iso), timeZone)).toISOString().slice(0, 16);
}

function memberOptions(members) {
  return [['', t('none')], ...members.map((m) => [m.username, m.displayName])];
}

function shiftRow(index, shift, members, onRemove) {
  const name = `shifts[${index}]`;
  return h('fieldset', { class: 'rota-row', dataset: { row: 'shift' } },
    h('legend', {}, t('rota.shift', { n: index + 1 })),
    choiceGroup(`${name}.days`, t('rota.days'), 'checkbox', Days.map((d) => [d, t(`rota.day.${d}`)]), shift.days ?? []),
    field(`${name}.from`, t('rota.from'), h('input', { type: 'time', value: shift.from ?? '09:00', required: true })),
    field(`${name}.to`, t('rota.to'), h('input', { type: 'time', value: shift.to ?? '18:00', required: true })),
    field(`${name}.username`, t('rota.person'), select(memberOptions(members), shift.username ?? '')),
    h('button', { type: 'button', class: 'button secondary', onclick: onRemove }, t('rota.remove')));
}

function overrideRow(index, entry, members, timeZone, onRemove) {
  const name = `overrides[${index}]`;
  return h('fieldset', { class: 'rota-row', dataset: { row: 'override' } },
    h('legend', {}, t('rota.override', { n: index + 1 })),
    field(`${name}.from`, t('rota.from'), h('input', { type: 'datetime-local', value: entry.from ? toLocal(entry.from, timeZone) : '', required: true })),
    field(`${name}.to`, t('rota.to'), h('input', { type: 'datetime-local', value: entry.to ? toLocal(entry.to, timeZone) : '', required: true })),
    field(`${name}.username`, t('rota.person'), select(memberOptions(members), entry.username ?? '')),
    h('button', { type: 'button', class: 'button secondary', onclick: onRemove }, t('rota.remove')));
}

/** What the rows say now, as the API takes it. */
function readRows(form, timeZone) {
  const value = (row, suffix) => row.querySelector(`[name$="${suffix}"]`).value;
  const shifts = [...form.querySelectorAll('[data-row="shift"]')].map((row) => ({
    days: [...row.querySelectorAll('input[type="checkbox"]:checked')].map((c) => c.value),
    from: value(row, '.from'),
    to: value(row, '.to'),
    username: value(row, '.username') || null,
  }));
  const overrides = [...form.querySelectorAll('[data-row="override"]')].map((row) => ({
    from: value(row, '.from') ? toInstant(value(row, '.from'), timeZone) : null,
    to: value(row, '.to') ? toInstant(value(row, '.to'), timeZone) : null,
    username: value(row, '.username') || null,
  }));
  return { shifts, overrides };
}

function gapsNotice(rota) {
  if (!rota.gaps.length) {
    return h('p', { class: 'hint', id: 'rota-gaps' }, t('rota.noGaps'));
  }
  return h('div', { class: 'notice', id: 'rota-gaps', role: 'alert' },
    h('p', {}, t('rota.gaps')),
    h('ul', {}, rota.gaps.map((g) => h('li', {}, t('rota.gap', { from: dateTime(g.from, rota.timeZone), to: dateTime(g.to, rota.timeZone) })))));
}

export function mountRota(container, ctx) {
  const agencyId = ctx.me.agency.id;

  const render = (rota) => {
    const draft = { shifts: [...rota.shifts], overrides: [...rota.overrides] };
    const shifts = h('div', { class: 'rota-rows', id: 'rota-shifts' });
    const overrides = h('div', { class: 'rota-rows', id: 'rota-overrides' });
    const form = h('form', { class: 'form', novalidate: true, id: 'rota-form' }, formSummary(),
      section('rota.shifts', shifts,
        h('button', { type: 'button', class: 'button secondary', id: 'rota-add-shift', onclick: () => add('shifts', { days: [] }) }, t('rota.addShift'))),
      section('rota.overrides', h('p', { class: 'hint' }, t('rota.overrides.hint')), overrides,
        h('button', { type: 'button', class: 'button secondary', onclick: () => add('overrides', {}) }, t('rota.addOverride'))),
      h('button', { type: 'submit', class: 'button' }, t('rota.save')));

    // Rows are numbered by position, as the server names them in its errors: redraw after each change.
    const draw = () => {
      shifts.replaceChildren(...draft.shifts.map((s, i) => shiftRow(i, s, rota.members, () => remove('shifts', i))));
      overrides.replaceChildren(...draft.overrides.map((o, i) => overrideRow(i, o, rota.members, rota.timeZone, () => remove('overrides', i))));
    };
    const keep = () => Object.assign(draft, readRows(form, rota.timeZone));
    const add = (list, entry) => {
      keep();
      draft[list].push(entry);
      draw();
    };
    const remove = (list, index) => {
      keep();
      draft[list].splice(index, 1);
      draw();
    };

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form);
      try {
        const saved = await request('PUT', `/api/agencies/${encodeURIComponent(agencyId)}/rota`, readRows(form, rota.timeZone));
        ctx.notify(t('rota.saved'));
        window.dispatchEvent(new CustomEvent('rota-changed'));
        render(saved);
      } catch (error) {
        showProblem(form, error);
      }
    });

    draw();
    container.replaceChildren(h('div', { class: 'dashboard rota' },
      h('h1', { class: 'view-title' }, t('view.rota')),
      h('p', { class: 'hint' }, t('rota.intro', { zone: rota.timeZone })),
      gapsNotice(rota),
      form));
  };

  return loadPage(container, 'rota', 'view.rota', `/api/agencies/${encodeURIComponent(agencyId)}/rota`, render);
}
