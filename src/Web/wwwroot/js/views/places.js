// The administrator's places section: the directory of border crossings and railway and bus
// stations where journeys by road and rail start and end and agencies meet arrivals, and the form
// that adds one. Airports need no entry: their IATA code is enough.

import { h } from '../dom.js';
import { t, e, enumValues, country } from '../i18n.js';
import { field, textInput, select, formSummary, check, collect } from '../forms.js';
import { section } from './common.js';
import { bindDraft, RetryKey, upperCaseOnChange } from './formState.js';
import { matchesWords, dataTable, listLoader, saveCreateOrEdit } from './adminList.js';

const CodePattern = /^[A-Z0-9-]{3,32}$/;
const CountryPattern = /^[A-Z]{2}$/;

let retryKey = new RetryKey();

window.addEventListener('session', () => {
  retryKey = new RetryKey();
});

function placeForm(onSaved, onCancel) {
  const form = h('form', { class: 'place-form', id: 'place-form', novalidate: true },
    h('h3', { tabindex: '-1' }, t('places.create.title')),
    formSummary(),
    h('div', { class: 'row' },
      field('code', t('places.field.code'), upperCaseOnChange(textInput({ maxlength: '32', autocapitalize: 'characters' })), { hint: t('places.hint.code') }),
      field('kind', t('admin.field.kind'), select([['', t('flag.choose')], ...enumValues('PlaceKind').map((k) => [k, e('PlaceKind', k)])], ''))),
    field('name', t('admin.field.name'), textInput({ maxlength: '200' })),
    h('div', { class: 'row' },
      field('country', t('places.field.country'), upperCaseOnChange(textInput({ maxlength: '2', autocapitalize: 'characters' })), { hint: t('hint.country') }),
      field('timeZone', t('admin.field.timeZone'), textInput({ maxlength: '64' }), { hint: t('admin.hint.timeZone') })),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'button primary' }, t('places.create.submit')),
      h('button', { type: 'button', class: 'button secondary', onclick: onCancel }, t('admin.cancel'))));

  const draft = {};
  bindDraft(form, draft, () => collect({
    code: [check.required(draft.code), check.pattern(draft.code, CodePattern, 'places.error.code')],
    kind: [check.required(draft.kind)],
    name: [check.required(draft.name), check.maxLength(draft.name, 200)],
    country: [check.required(draft.country), check.pattern(draft.country, CountryPattern, 'error.country')],
    timeZone: [check.required(draft.timeZone)],
  }), async () => {
    const body = { code: draft.code.trim(), name: draft.name.trim(), kind: draft.kind, country: draft.country.trim(), timeZone: draft.timeZone.trim() };
    const saved = await saveCreateOrEdit(form, retryKey, true, '/api/places', null, body);
    if (saved) {
      onSaved(saved);
    }
  });
  return form;
}

/** The section, and what disposes of it when the page goes. */
export function placesSection(ctx) {
  let places = [...ctx.places.values()];
  let filter = '';
  let adding = false;
  let message = null;
  let disposed = false;

  const formHost = h('div', { id: 'place-form-host' });
  const result = h('div', { class: 'form-result', role: 'status', tabindex: '-1' });
  const body = h('tbody');
  const filterInput = textInput({ id: 'place-filter' });

  const reload = listLoader('/api/places', (list) => {
    places = list;
    ctx.places.clear();
    for (const place of list) {
      ctx.places.set(place.code, place);
    }
    render();
  }, result, () => disposed);

  const row = (place) =>
    h('tr', { dataset: { placeCode: place.code } },
      h('th', { scope: 'row' }, place.name, h('br'), h('span', { class: 'hint' }, place.code)),
      h('td', {}, e('PlaceKind', place.kind)),
      h('td', {}, country(place.country)),
      h('td', {}, place.timeZone));

  function render() {
    const shown = places.filter((p) => matchesWords([p.code, p.name, p.kind, e('PlaceKind', p.kind), p.country, p.timeZone], filter))
      .sort((a, b) => a.name.localeCompare(b.name));
    body.replaceChildren(...(shown.length ? shown.map(row) : [h('tr', {}, h('td', { colspan: '4', class: 'empty' }, t('places.none')))]));
    result.replaceChildren(...(message ? [h('p', {}, message)] : []));
    formHost.replaceChildren(adding
      ? placeForm((saved) => {
        adding = false;
        message = t('places.created', { name: saved.name });
        render();
        result.focus();
        reload();
      }, () => { adding = false; render(); })
      : h('button', {
        type: 'button', class: 'button primary', id: 'place-create',
        onclick: () => { adding = true; message = null; render(); formHost.querySelector('h3')?.focus(); },
      }, t('places.create')));
  }

  filterInput.addEventListener('input', () => {
    filter = filterInput.value.trim();
    render();
  });

  const element = section('places.title',
    h('p', { class: 'hint' }, t('places.intro')),
    field('place-filter', t('places.filter'), filterInput),
    result,
    dataTable('admin-places', 'places.title', ['admin.col.name', 'admin.col.kind', 'admin.col.country', 'places.col.timeZone'], body),
    formHost);
  render();
  reload();
  return { element, dispose: () => { disposed = true; } };
}
