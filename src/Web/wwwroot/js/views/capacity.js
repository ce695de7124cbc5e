// The free beds an agency publishes for adults and minors (GET/PUT /api/agencies/{id}/capacity):
// shown on the agency's own dashboard, with a form for its coordinator. Automatic routing skips a
// shelter without a free bed for the person's age group; an agency that never published is not skipped.

import { h } from '../dom.js';
import { t, dateTime, number } from '../i18n.js';
import { request, get } from '../api.js';
import { field, formSummary, showErrors, showProblem, clearErrors } from '../forms.js';
import { section } from './common.js';

/** "Adults 3 · Minors 0", or that the agency has not published any; null when it has none to show. */
export function bedsText(capacity) {
  return capacity
    ? t('capacity.beds', { adults: number(capacity.adults), minors: number(capacity.minors) })
    : t('capacity.notPublished');
}

/** Whether the agency published no free bed for the person's age group: the picker marks it full. */
export function isFullFor(agency, minor) {
  return Boolean(agency.capacity) && (minor ? agency.capacity.minors : agency.capacity.adults) <= 0;
}

function bedsInput(name, value) {
  return h('input', { type: 'number', min: '0', max: '100000', step: '1', inputmode: 'numeric', value: value ?? '', required: true, name });
}

function readCount(form, name, errors) {
  const text = form.querySelector(`[name="${name}"]`).value.trim();
  if (!/^\d{1,6}$/.test(text) || Number(text) > 100000) {
    errors[name] = [t('capacity.invalid')];
    return null;
  }
  return Number(text);
}

/** The panel: the published free beds, and for a coordinator the form that publishes them anew. */
export function capacityPanel(ctx) {
  const agencyId = ctx.me.agency.id;
  const state = h('p', { class: 'capacity-state', id: 'capacity-state' }, t('loading'));
  const editable = ctx.me.roles.includes('AgencyCoordinator');
  const form = editable ? h('form', { class: 'capacity-form', novalidate: true },
    formSummary(),
    h('div', { class: 'row' },
      field('adults', t('capacity.adults'), bedsInput('adults')),
      field('minors', t('capacity.minors'), bedsInput('minors'))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button primary' }, t('capacity.save')))) : null;

  const show = (capacity) => {
    state.replaceChildren(bedsText(capacity?.updatedAt ? capacity : null),
      capacity?.updatedAt ? h('span', { class: 'hint' }, ` · ${t('capacity.updated', { at: dateTime(capacity.updatedAt, ctx.timeZone) })}`) : '');
    if (form && capacity?.updatedAt) {
      form.querySelector('[name="adults"]').value = capacity.adults;
      form.querySelector('[name="minors"]').value = capacity.minors;
    }
  };

  form?.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const errors = {};
    const body = { adults: readCount(form, 'adults', errors), minors: readCount(form, 'minors', errors) };
    if (Object.keys(errors).length) {
      showErrors(form, errors);
      return;
    }
    try {
      show(await request('PUT', `/api/agencies/${encodeURIComponent(agencyId)}/capacity`, body));
      ctx.notify(t('capacity.saved'), { kind: 'ok' });
    } catch (error) {
      showProblem(form, error);
    }
  });

  get(`/api/agencies/${encodeURIComponent(agencyId)}/capacity`).then(show, () => state.replaceChildren(t('capacity.unavailable')));
  return section('capacity.title', h('p', { class: 'hint' }, t('capacity.hint')), state, form);
}
