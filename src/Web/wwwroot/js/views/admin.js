// The administrator's page: the agency directory, with create, edit, and deactivate/activate
// (which takes an agency out of automatic routing for new referrals, or back in), the users
// (users.js) and the places (places.js).

import { h } from '../dom.js';
import { t, e, enumValues, country } from '../i18n.js';
import { post } from '../api.js';
import { field, choiceGroup, textInput, select, formSummary, problemMessage, check, collect } from '../forms.js';
import { section } from './common.js';
import { bedsText } from './capacity.js';
import { bindDraft, RetryKey, upperCaseOnChange } from './formState.js';
import { usersSection } from './users.js';
import { placesSection } from './places.js';
import { matchesWords, dataTable, listLoader, saveCreateOrEdit, formSlot } from './adminList.js';

const IdPattern = /^[a-z0-9-]{3,64}$/;
const CountryPattern = /^[A-Z]{2}$/;
const AirportPattern = /^[A-Z]{3}$/;
const PlacePattern = /^[A-Z0-9-]{3,32}$/;
const Kinds = ['ConsularPost', 'Ngo', 'Shelter', 'Hotline', 'Committee', 'Ministry', 'LawEnforcement', 'InternationalOrganization'];

let retryKey = new RetryKey();

window.addEventListener('session', () => {
  retryKey = new RetryKey();
});

/** "Chui, Naryn" → ["Chui", "Naryn"]: the form edits lists as comma-separated text. */
function splitList(text) {
  return (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** An arrival point is an IATA airport code or the code of a place of the directory. */
function isArrivalPoint(point, places) {
  return PlacePattern.test(point) && (places.has(point) || AirportPattern.test(point));
}

function validate(d, creating, places) {
  const points = splitList(d.arrivalPoints);
  return collect({
    id: creating ? [check.required(d.id), check.pattern(d.id, IdPattern, 'admin.error.id')] : [],
    name: [check.required(d.name), check.maxLength(d.name, 200)],
    kind: creating ? [check.required(d.kind)] : [],
    country: creating ? [check.required(d.country), check.pattern(d.country, CountryPattern, 'error.country')] : [],
    hostCountry: creating ? [check.pattern(d.hostCountry, CountryPattern, 'error.country')] : [],
    city: [check.maxLength(d.city, 100)],
    timeZone: [check.required(d.timeZone)],
    arrivalPoints: [points.some((p) => !isArrivalPoint(p, places)) ? t('admin.error.arrivalPoint') : null],
  });
}

function toRequest(d, creating) {
  const optional = (value) => (value?.trim() ? value.trim() : null);
  const editable = {
    name: d.name.trim(),
    city: optional(d.city),
    timeZone: d.timeZone.trim(),
    servesRegions: splitList(d.servesRegions),
    arrivalPoints: splitList(d.arrivalPoints),
    services: d.services ?? [],
  };
  return creating
    ? { id: d.id.trim(), kind: d.kind, country: d.country.trim(), hostCountry: optional(d.hostCountry), ...editable }
    : editable;
}

/** The create form (agency null) or the edit form; a country administrator's new agencies are of its own country (fixedCountry). */
function agencyForm(agency, places, fixedCountry, onSaved, onCancel) {
  const creating = !agency;
  const v = (value) => value ?? '';
  const form = h('form', { class: 'agency-form', id: 'agency-form', novalidate: true },
    h('h3', { tabindex: '-1' }, creating ? t('admin.create.title') : t('admin.edit.title', { name: agency.name })),
    formSummary(),
    creating
      ? h('div', { class: 'row' },
        field('id', t('admin.field.id'), textInput({ maxlength: '64' }), { hint: t('admin.hint.id') }),
        field('kind', t('admin.field.kind'), select([['', t('flag.choose')], ...Kinds.map((k) => [k, t(`admin.kind.${k}`)])], '')))
      : h('p', { class: 'hint' }, t('admin.edit.identity', { id: agency.id, kind: t(`admin.kind.${agency.kind}`), country: country(agency.country) })),
    creating
      ? h('div', { class: 'row' },
        field('country', t('admin.field.country'), fixedCountry
          ? textInput({ value: fixedCountry, readonly: true })
          : upperCaseOnChange(textInput({ maxlength: '2', autocapitalize: 'characters' })), { hint: fixedCountry ? t('admin.hint.ownCountry') : t('hint.country') }),
        field('hostCountry', t('admin.field.hostCountry'), upperCaseOnChange(textInput({ maxlength: '2', autocapitalize: 'characters' })), { hint: t('admin.hint.hostCountry') }))
      : null,
    field('name', t('admin.field.name'), textInput({ value: v(agency?.name), maxlength: '200' })),
    h('div', { class: 'row' },
      field('city', t('admin.field.city'), textInput({ value: v(agency?.city), maxlength: '100' })),
      field('timeZone', t('admin.field.timeZone'), textInput({ value: v(agency?.timeZone), maxlength: '64' }), { hint: t('admin.hint.timeZone') })),
    field('servesRegions', t('admin.field.regions'), textInput({ value: (agency?.servesRegions ?? []).join(', ') }), { hint: t('admin.hint.regions') }),
    field('arrivalPoints', t('admin.field.arrivalPoints'),
      upperCaseOnChange(textInput({ value: (agency?.arrivalPoints ?? agency?.airports ?? []).join(', ') })), { hint: t('admin.hint.arrivalPoints') }),
    choiceGroup('services', t('admin.field.services'), 'checkbox', enumValues('AgencyService').map((s) => [s, e('AgencyService', s)]), agency?.services ?? []),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'button primary' }, creating ? t('admin.create.submit') : t('admin.edit.submit')),
      h('button', { type: 'button', class: 'button secondary', onclick: onCancel }, t('admin.cancel'))));

  const draft = {};
  bindDraft(form, draft, () => validate(draft, creating, places), async () => {
    const saved = await saveCreateOrEdit(form, retryKey, creating, '/api/agencies', `/api/agencies/${encodeURIComponent(agency?.id)}`, toRequest(draft, creating));
    if (saved) {
      onSaved(saved, creating ? t('admin.created', { name: saved.name }) : t('admin.saved', { name: saved.name }));
    }
  }, ['services']);
  return form;
}

/** The confirmation shown in place before the routing change, saying what it does and does not do. */
function confirmation(agency, onConfirm, onCancel) {
  const deactivating = agency.active;
  const textId = `confirm-${agency.id}`;
  const box = h('div', { class: 'confirmation', role: 'group', 'aria-describedby': textId, id: 'agency-confirmation' },
    h('p', { id: textId }, deactivating
      ? t('admin.deactivate.explain', { name: agency.name })
      : t('admin.activate.explain', { name: agency.name })),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: `button ${deactivating ? 'danger' : 'primary'}`, dataset: { confirm: '' }, onclick: onConfirm },
        deactivating ? t('admin.deactivate.confirm') : t('admin.activate.confirm')),
      h('button', { type: 'button', class: 'button secondary', onclick: onCancel }, t('admin.cancel'))));
  return box;
}

function matches(agency, filter) {
  return matchesWords([agency.id, agency.name, agency.kind, t(`admin.kind.${agency.kind}`), agency.country, agency.city ?? '', ...agency.servesRegions], filter);
}

export function mountAdmin(container, ctx) {
  let agencies = [...ctx.agencies.values()];
  let filter = '';
  let editing = null; // null, 'new', or an agency id
  let confirming = null; // an agency id
  let message = null;
  let disposed = false;

  const formHost = h('div', { id: 'agency-form-host' });
  const showForm = formSlot(formHost);
  // Below the table rather than in it, so that on a phone it is not cut off by the table's scrolling.
  const confirmHost = h('div');
  const result = h('div', { class: 'form-result', role: 'status', tabindex: '-1' });
  const body = h('tbody');
  const count = h('p', { class: 'hint', id: 'agency-count', 'aria-live': 'polite' });
  const filterInput = textInput({ id: 'agency-filter', value: filter });
  const users = usersSection(ctx);
  const places = placesSection(ctx);

  const remember = (list) => {
    agencies = list;
    ctx.agencies.clear();
    for (const agency of list) {
      ctx.agencies.set(agency.id, agency);
    }
  };

  const reload = listLoader('/api/agencies', (list) => {
    remember(list);
    render();
  }, result, () => disposed);

  const done = (text) => {
    editing = null;
    confirming = null;
    message = text;
    render();
    result.focus();
    reload();
  };

  const setActive = async (agency) => {
    try {
      const changed = await post(`/api/agencies/${encodeURIComponent(agency.id)}/${agency.active ? 'deactivate' : 'activate'}`);
      done(changed.active ? t('admin.activated', { name: changed.name }) : t('admin.deactivated', { name: changed.name }));
    } catch (error) {
      confirming = null;
      message = problemMessage(error);
      render();
      result.focus();
    }
  };

  const row = (agency) =>
    h('tr', { dataset: { agencyId: agency.id, active: String(agency.active) } },
      h('th', { scope: 'row' }, agency.name, h('br'), h('span', { class: 'hint' }, agency.id)),
      h('td', {}, t(`admin.kind.${agency.kind}`)),
      h('td', {}, country(agency.country)),
      h('td', {}, agency.servesRegions.length ? agency.servesRegions.join(', ') : t('admin.wholeCountry')),
      h('td', { class: 'beds' }, agency.capacity ? bedsText(agency.capacity) : '—'),
      h('td', {}, h('span', { class: `badge ${agency.active ? 'referral-accepted' : 'referral-declined'}` },
        agency.active ? t('admin.active') : t('admin.inactive'))),
      h('td', { class: 'actions' },
        h('button', {
          type: 'button', class: 'button secondary', dataset: { action: 'edit' },
          'aria-label': t('admin.edit.label', { name: agency.name }),
          onclick: () => { editing = agency.id; confirming = null; message = null; render(); formHost.querySelector('h3')?.focus(); },
        }, t('admin.edit')),
        h('button', {
          type: 'button', class: 'button secondary', dataset: { action: agency.active ? 'deactivate' : 'activate' },
          'aria-label': t(agency.active ? 'admin.deactivate.label' : 'admin.activate.label', { name: agency.name }),
          onclick: () => { confirming = agency.id; editing = null; message = null; render(); confirmHost.querySelector('[data-confirm]')?.focus(); },
        }, agency.active ? t('admin.deactivate') : t('admin.activate'))));

  function render() {
    const shown = agencies.filter((a) => matches(a, filter)).sort((a, b) => a.name.localeCompare(b.name));
    body.replaceChildren(...(shown.length ? shown.map(row) : [h('tr', {}, h('td', { colspan: '7', class: 'empty' }, t('admin.none')))]));
    count.textContent = t('admin.count', { shown: shown.length, total: agencies.length });
    result.replaceChildren(...(message ? [h('p', {}, message)] : []));
    const confirmed = confirming ? agencies.find((a) => a.id === confirming) : null;
    confirmHost.replaceChildren(...(confirmed
      ? [confirmation(confirmed, () => setActive(confirmed), () => {
        confirming = null;
        render();
        body.querySelector(`tr[data-agency-id="${CSS.escape(confirmed.id)}"] [data-action=${confirmed.active ? 'deactivate' : 'activate'}]`)?.focus();
      })]
      : []));
    const editedAgency = editing && editing !== 'new' ? agencies.find((a) => a.id === editing) : null;
    showForm(editing,
      () => agencyForm(editedAgency, ctx.places, ctx.me.country ?? null, (_, text) => done(text), () => { editing = null; render(); }),
      () => h('button', {
        type: 'button', class: 'button primary', id: 'agency-create',
        onclick: () => { editing = 'new'; confirming = null; message = null; render(); formHost.querySelector('h3')?.focus(); },
      }, t('admin.create')));
  }

  filterInput.addEventListener('input', () => {
    filter = filterInput.value.trim();
    render();
  });

  container.replaceChildren(h('div', { class: 'dashboard admin' },
    h('h1', { class: 'view-title' }, t('admin.title')),
    ctx.me.country ? h('p', { class: 'hint', id: 'admin-country' }, t('admin.countryScope', { country: country(ctx.me.country) })) : null,
    section('admin.agencies.title',
      h('p', { class: 'hint' }, t('admin.agencies.intro')),
      field('filter', t('admin.filter'), filterInput),
      count,
      result,
      dataTable('admin-agencies', 'admin.agencies.title',
        ['admin.col.name', 'admin.col.kind', 'admin.col.country', 'admin.col.regions', 'admin.col.beds', 'admin.col.active', 'admin.col.actions'], body),
      confirmHost,
      formHost),
    users.element,
    places.element));
  render();
  reload();
  return () => {
    disposed = true;
    users.dispose();
    places.dispose();
  };
}
