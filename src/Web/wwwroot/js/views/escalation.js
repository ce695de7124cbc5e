// The coordinator's escalation policy: whom an unacknowledged item notifies after how long, and the
// quiet hours that hold all but Critical items until morning, saved whole (PUT /api/agencies/{id}/escalation);
// and the agency's webhook for SMS and messenger gateways (PUT /api/agencies/{id}/webhook), whose secret is never shown.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { get, request } from '../api.js';
import { field, select, textInput, formSummary, showProblem, clearErrors } from '../forms.js';
import { section, loadPage } from './common.js';

function targetOptions(policy, ctx) {
  return [
    ['OnDuty', t('escalation.onDuty')],
    ...policy.members.map((m) => [`user:${m.username}`, m.displayName]),
    ...[...ctx.agencies.values()].filter((a) => a.id !== policy.agencyId)
      .map((a) => [`agency:${a.id}`, t('escalation.agency', { name: a.name })]),
  ];
}

function levelRow(index, level, options, onRemove) {
  const name = `levels[${index}]`;
  return h('fieldset', { class: 'rota-row', dataset: { row: 'level' } },
    h('legend', {}, t('escalation.level', { n: index + 1 })),
    field(`${name}.after`, t('escalation.after'), textInput({ value: level.after ?? '00:00:00', required: true, inputmode: 'numeric' }),
      { hint: t('escalation.after.hint') }),
    field(`${name}.notify`, t('escalation.notify'), select(options, level.notify ?? 'OnDuty')),
    h('button', { type: 'button', class: 'button secondary', onclick: onRemove }, t('rota.remove')));
}

/** What the form says now, as the API takes it; quiet hours only when both times are given. */
function readForm(form) {
  const value = (row, suffix) => row.querySelector(`[name$="${suffix}"]`).value;
  const levels = [...form.querySelectorAll('[data-row="level"]')].map((row) => ({
    after: value(row, '.after'),
    notify: value(row, '.notify'),
  }));
  const from = form.elements['quietHours.from'].value;
  const to = form.elements['quietHours.to'].value;
  return { levels, quietHours: from || to ? { from, to } : null };
}

function webhookSection(agencyId, ctx) {
  const path = `/api/agencies/${encodeURIComponent(agencyId)}/webhook`;
  const status = h('p', { class: 'hint', id: 'webhook-status' });
  const url = h('input', { type: 'url', autocomplete: 'off' });
  const secret = h('input', { type: 'password', autocomplete: 'new-password' });
  const form = h('form', { class: 'form', novalidate: true, id: 'webhook-form' }, formSummary(),
    h('p', { class: 'hint' }, t('webhook.hint')), status,
    field('url', t('webhook.url'), url),
    field('secret', t('webhook.secret'), secret),
    h('button', { type: 'submit', class: 'button' }, t('webhook.save')));
  const show = (hook) => {
    url.value = hook.url ?? '';
    secret.value = '';
    status.textContent = hook.secretSet ? t('webhook.secretSet') : '';
  };
  get(path).then(show, (error) => showProblem(form, error));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    try {
      show(await request('PUT', path, url.value ? { url: url.value, secret: secret.value } : { url: null }));
      ctx.notify(t('webhook.saved'));
    } catch (error) {
      showProblem(form, error);
    }
  });
  return section('webhook.title', form);
}

export function mountEscalation(container, ctx) {
  const agencyId = ctx.me.agency.id;

  const render = (policy) => {
    const options = targetOptions(policy, ctx);
    const draft = { levels: [...policy.levels] };
    const levels = h('div', { class: 'rota-rows', id: 'escalation-levels' });
    const quiet = policy.quietHours ?? {};
    const form = h('form', { class: 'form', novalidate: true, id: 'escalation-form' }, formSummary(),
      section('escalation.levels', h('p', { class: 'hint' }, t('escalation.levels.hint')), levels,
        h('button', { type: 'button', class: 'button secondary', id: 'escalation-add-level', onclick: () => add() }, t('escalation.addLevel'))),
      section('escalation.quietHours', h('p', { class: 'hint' }, t('escalation.quietHours.hint', { zone: policy.timeZone })),
        field('quietHours.from', t('rota.from'), h('input', { type: 'time', value: quiet.from ?? '' })),
        field('quietHours.to', t('rota.to'), h('input', { type: 'time', value: quiet.to ?? '' }))),
      h('button', { type: 'submit', class: 'button' }, t('escalation.save')));

    // Rows are numbered by position, as the server names them in its errors: redraw after each change.
    const draw = () => levels.replaceChildren(...draft.levels.map((l, i) => levelRow(i, l, options, () => remove(i))));
    const keep = () => Object.assign(draft, { levels: readForm(form).levels });
    const add = () => {
      keep();
      draft.levels.push({ after: draft.levels.at(-1)?.after ?? '00:00:00', notify: 'OnDuty' });
      draw();
    };
    const remove = (index) => {
      keep();
      draft.levels.splice(index, 1);
      draw();
    };

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form);
      try {
        const saved = await request('PUT', `/api/agencies/${encodeURIComponent(agencyId)}/escalation`, readForm(form));
        ctx.notify(t('escalation.saved'));
        render(saved);
      } catch (error) {
        showProblem(form, error);
      }
    });

    draw();
    container.replaceChildren(h('div', { class: 'dashboard escalation' },
      h('h1', { class: 'view-title' }, t('view.escalation')),
      h('p', { class: 'hint' }, t('escalation.intro')),
      form,
      webhookSection(agencyId, ctx)));
  };

  return loadPage(container, 'escalation', 'view.escalation', `/api/agencies/${encodeURIComponent(agencyId)}/escalation`, render);
}
